package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Promise;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The legacy bridges' calls in flight in this process, and the client answers they await, kept for the
 * gateway's lifetime rather than a configuration's: a call started before a reload finishes on the route
 * it started on, while its client's answers and cancellation reach the route the reload built, which must
 * find it (they used to find nothing, and the call waited out {@code read_timeout} for answers already
 * sent). Keys are the client's session id and the JSON-RPC id of the message.
 */
final class LegacyCalls {

    private final AtomicLong inputs = new AtomicLong();
    private final Map<String, Promise<JsonNode>> awaited = new ConcurrentHashMap<>();
    private final Map<String, Promise<Void>> running = new ConcurrentHashMap<>();

    /** An id for a server's request relayed to a client, unique in the process (across reloads too). */
    String inputId() {
        return "tg-input-" + inputs.incrementAndGet();
    }

    /** The client's answer for {@code key} completes {@code reply}. */
    void await(String key, Promise<JsonNode> reply) {
        awaited.put(key, reply);
    }

    /** What awaits the answer for {@code key}, no longer awaiting it; null when nothing does. */
    Promise<JsonNode> answered(String key) {
        return awaited.remove(key);
    }

    /** Stops awaiting {@code reply}. */
    void release(String key, Promise<JsonNode> reply) {
        awaited.remove(key, reply);
    }

    /** A call in flight, which a {@code notifications/cancelled} for {@code key} cancels. */
    void started(String key, Promise<Void> cancelled) {
        running.put(key, cancelled);
    }

    /** The call {@code key} names, no longer cancellable; null when none runs. */
    Promise<Void> cancelled(String key) {
        return running.remove(key);
    }

    void ended(String key, Promise<Void> cancelled) {
        running.remove(key, cancelled);
    }
}
