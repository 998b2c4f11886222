package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import io.vertx.core.Promise;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The legacy bridges' calls in flight in this process, and the client answers they await, kept for the
 * gateway's lifetime rather than a configuration's: a call started before a reload finishes on the route
 * it started on, while its client's answers and cancellation reach the route the reload built, which must
 * find it (they used to find nothing, and the call waited out {@code read_timeout} for answers already
 * sent). Keys are the client's session id and the JSON-RPC id of the message. A call whose route a reload
 * removes is ended then, failing with {@link GatewayError.RouteRemoved}: its client's answers could reach it no
 * more, and it waited out {@code read_timeout}.
 */
final class LegacyCalls {

    /** The route a call runs on: its id, which a reload keeps or drops, and its label, which the client is told. */
    record Route(String id, String label) {
    }

    /** A call in flight: completing {@code ended} cancels it, failing it ends it with that failure. */
    private record Running(Route route, Promise<Void> ended) {
    }

    private final AtomicLong inputs = new AtomicLong();
    private final Map<String, Promise<JsonNode>> awaited = new ConcurrentHashMap<>();
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    /** The routes of the snapshot served, or about to be; null before the first. */
    private volatile Set<String> served;

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

    /** A call in flight on {@code route}, which a {@code notifications/cancelled} for {@code key} cancels. */
    void started(Route route, String key, Promise<Void> cancelled) {
        Running call = new Running(route, cancelled);
        running.put(key, call);
        // a call that began on the snapshot before a reload may register after the reload's sweep (its session was
        // still being looked up): put first, then read what the reload left, as the sweep writes first, then reads
        Set<String> now = served;
        if (now != null && !now.contains(route.id()) && running.remove(key, call)) {
            cancelled.tryFail(new GatewayException(new GatewayError.RouteRemoved(route.label())));
        }
    }

    /** The call {@code key} names, no longer cancellable; null when none runs. */
    Promise<Void> cancelled(String key) {
        Running call = running.remove(key);
        return call == null ? null : call.ended();
    }

    void ended(String key, Promise<Void> cancelled) {
        running.computeIfPresent(key, (k, call) -> call.ended() == cancelled ? null : call);
    }

    /**
     * The routes a snapshot about to be served serves, told before it is: a call on a route it adds, starting as
     * soon as it is served, must not be taken for one on a removed route.
     */
    void serving(Set<String> routes) {
        served = Set.copyOf(routes);
    }

    /**
     * Ends the calls of route {@code routeId}, which a reload keeps but points at another server or serves in
     * another mode: their sessions end with the change, so the client's answers could reach none of them.
     */
    void routeChanged(String routeId) {
        endWhere(route -> route.id().equals(routeId), GatewayError.RouteRepointed::new);
    }

    /** Ends the calls of every route but those with the ids {@code kept} (the routes a reload left serving). */
    void routesKept(Set<String> kept) {
        endWhere(route -> !kept.contains(route.id()), GatewayError.RouteRemoved::new);
    }

    /** Ends each call whose route {@code ended} names, failing it with {@code why} of the route's label. */
    private void endWhere(Predicate<Route> ended, Function<String, GatewayError> why) {
        running.forEach((key, call) -> {
            if (ended.test(call.route()) && running.remove(key, call)) {
                call.ended().tryFail(new GatewayException(why.apply(call.route().label())));
            }
        });
    }
}
