package dev.toolgate.mode.passthrough;

import dev.toolgate.mode.RouteRuntime;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server streams (GET streams, POSTs answered with SSE) relayed in this process, by route, kept for the
 * gateway's lifetime rather than a configuration's. A reload that removes a route, or changes what it runs
 * with ({@link RouteRuntime}: its plugins, the consumers they know, its service), ends its streams: they would
 * otherwise go on under policies that no longer exist for as long as the server keeps them open. The
 * client's stream ends cleanly, so it reconnects and meets the new configuration; the server's request is
 * reset. Only streams are kept: a JSON answer ends by itself.
 */
final class RelayedStreams {

    /**
     * A stream relayed on the route with id {@code routeId} as {@code runtime} set it, on the event loop of
     * {@code context}.
     */
    private record Open(String routeId, RouteRuntime runtime, HttpServerResponse response, HttpClientResponse answer,
                        Context context) {

        /** Whether {@code served} (by route id) still serves it as it was opened. */
        boolean servedBy(Map<String, RouteRuntime> served) {
            RouteRuntime now = served.get(routeId);
            // the same instance in the common case: opened on the snapshot serving now
            return now != null && (now == runtime || now.equals(runtime));
        }

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
    /** The routes of the snapshot served, or about to be, and what each runs with; null before the first. */
    private volatile Map<String, RouteRuntime> served;
    /** How many may be kept before those already over are looked for (streams whose end nobody saw). */
    private volatile int pruneAt = 64;

    /**
     * Keeps a stream just relayed on route {@code routeId} as {@code runtime} sets it, on the current event loop;
     * the returned action forgets it once it ended.
     */
    Runnable opened(String routeId, RouteRuntime runtime, HttpServerResponse response, HttpClientResponse answer) {
        Open stream = new Open(routeId, runtime, response, answer, Vertx.currentContext());
        if (open.size() >= pruneAt) {
            open.removeIf(Open::over);
            pruneAt = Math.max(64, open.size() * 2);
        }
        open.add(stream);
        // a stream that began on the snapshot before a reload may register after its sweep: add first, then
        // read what the reload left, as the sweep writes first, then reads
        Map<String, RouteRuntime> now = served;
        if (now != null && !stream.servedBy(now) && open.remove(stream)) {
            stream.end();
        }
        return () -> open.remove(stream);
    }

    /**
     * The routes a snapshot about to be served serves, and what each runs with, told before it is (see
     * {@link LegacyCalls#serving}).
     */
    void serving(Map<String, RouteRuntime> routes) {
        served = Map.copyOf(routes);
    }

    /**
     * Ends the streams of every route but those {@code kept} serves as they were opened: a route gone, or one
     * whose runtime changed, ends its streams.
     */
    void routesKept(Map<String, RouteRuntime> kept) {
        // each runtime the streams were opened with is compared once: many streams share a few of them
        Map<RouteRuntime, Boolean> verdicts = new IdentityHashMap<>();
        open.forEach(stream -> {
            boolean keep = verdicts.computeIfAbsent(stream.runtime(), r -> stream.servedBy(kept));
            if (!keep && open.remove(stream)) {
                stream.end();
            }
        });
    }
}
