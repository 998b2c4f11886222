package dev.toolgate.mode.conversion;

import dev.toolgate.mcp.SessionIds;
import dev.toolgate.mcp.SessionStore;
import dev.toolgate.mcp.SseEvent;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerResponse;

import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What MCP endpoints share across configuration reloads: the session store, the open GET streams
 * (one per session), and the calls in flight (so {@code notifications/cancelled} can stop them).
 */
public final class Sessions {

    private record Stream(String endpoint, HttpServerResponse response, Context context) {
    }

    private final SessionStore store;
    private final SessionIds ids;
    private final InstantSource clock;
    private final ConcurrentHashMap<String, Stream> streams = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Promise<Void>> inFlight = new ConcurrentHashMap<>();

    public Sessions(SessionStore store, SessionIds ids, InstantSource clock) {
        this.store = store;
        this.ids = ids;
        this.clock = clock;
    }

    public SessionStore store() {
        return store;
    }

    public SessionIds ids() {
        return ids;
    }

    public InstantSource clock() {
        return clock;
    }

    /** Registers a session's GET stream; false when the session already has one. */
    boolean openStream(String sessionId, String endpoint, HttpServerResponse response, Context context) {
        return streams.putIfAbsent(sessionId, new Stream(endpoint, response, context)) == null;
    }

    void streamClosed(String sessionId, HttpServerResponse response) {
        streams.computeIfPresent(sessionId, (k, s) -> s.response() == response ? null : s);
    }

    /** Ends a session's GET stream, if any (the session was deleted). */
    void closeStream(String sessionId) {
        Stream stream = streams.remove(sessionId);
        if (stream != null) {
            stream.context().runOnContext(v -> stream.response().end());
        }
    }

    /** Sends a notification on the GET stream of every session of {@code endpoint}; returns how many got it. */
    public int notifyEndpoint(String endpoint, String message) {
        byte[] event = SseEvent.message(null, message);
        int sent = 0;
        for (Stream stream : streams.values()) {
            if (stream.endpoint().equals(endpoint)) {
                stream.context().runOnContext(v -> {
                    if (!stream.response().closed()) {
                        stream.response().write(io.vertx.core.buffer.Buffer.buffer(event));
                    }
                });
                sent++;
            }
        }
        return sent;
    }

    /** Ends every GET stream of an endpoint that no longer exists. */
    public void closeEndpoint(String endpoint) {
        streams.forEach((session, stream) -> {
            if (stream.endpoint().equals(endpoint)) {
                closeStream(session);
            }
        });
    }

    /** Ends every GET stream (the gateway stops; clients open them again, elsewhere). */
    public void closeStreams() {
        streams.keySet().forEach(this::closeStream);
    }

    public int openStreams() {
        return streams.size();
    }

    /** Tracks a call so that a cancellation can find it; the key is the session and JSON-RPC id. */
    void started(String key, Promise<Void> cancel) {
        inFlight.put(key, cancel);
    }

    void finished(String key) {
        inFlight.remove(key);
    }

    /** Cancels a call in flight; false when it is unknown or already finished. */
    boolean cancel(String key) {
        Promise<Void> cancel = inFlight.remove(key);
        return cancel != null && cancel.tryComplete();
    }
}
