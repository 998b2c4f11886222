package dev.toolgate.mode.passthrough;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server streams (GET streams, POSTs answered with SSE) relayed in this process, by route, kept for the
 * gateway's lifetime rather than a configuration's. A reload that removes a route ends its streams: they
 * would otherwise go on under policies that no longer exist for as long as the server keeps them open. The
 * client's stream ends cleanly, so it reconnects and meets the new configuration; the server's request is
 * reset. Only streams are kept: a JSON answer ends by itself.
 */
final class RelayedStreams {

    /** A stream relayed on the route with id {@code routeId}, on the event loop of {@code context}. */
    private record Open(String routeId, HttpServerResponse response, HttpClientResponse answer, Context context) {

        boolean over() {
            return response.ended() || response.closed();
        }

        void end() {
            context.runOnContext(v -> {
                // the server's side first: its failure then finds the client's stream still open, and ends it
                answer.request().reset();
                if (!over()) {
                    response.end();
                }
            });
        }
    }

    private final Set<Open> open = ConcurrentHashMap.newKeySet();
    /** The routes of the snapshot served, or about to be; null before the first. */
    private volatile Set<String> served;
    /** How many may be kept before those already over are looked for (streams whose end nobody saw). */
    private volatile int pruneAt = 64;

    /**
     * Keeps a stream just relayed on route {@code routeId}, on the current event loop; the returned action
     * forgets it once it ended.
     */
    Runnable opened(String routeId, HttpServerResponse response, HttpClientResponse answer) {
        Open stream = new Open(routeId, response, answer, Vertx.currentContext());
        if (open.size() >= pruneAt) {
            open.removeIf(Open::over);
            pruneAt = Math.max(64, open.size() * 2);
        }
        open.add(stream);
        // a stream that began on the snapshot before a reload may register after its sweep: add first, then
        // read what the reload left, as the sweep writes first, then reads
        Set<String> now = served;
        if (now != null && !now.contains(routeId) && open.remove(stream)) {
            stream.end();
        }
        return () -> open.remove(stream);
    }

    /** The routes a snapshot about to be served serves, told before it is (see {@link LegacyCalls#serving}). */
    void serving(Set<String> routes) {
        served = Set.copyOf(routes);
    }

    /** Ends the streams of every route but those with the ids {@code kept}. */
    void routesKept(Set<String> kept) {
        open.forEach(stream -> {
            if (!kept.contains(stream.routeId()) && open.remove(stream)) {
                stream.end();
            }
        });
    }
}
