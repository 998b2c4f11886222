package dev.toolgate.mode.passthrough;

import dev.toolgate.mode.RouteRuntime;
import dev.toolgate.pipeline.Principal;
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
 * gateway's lifetime rather than a configuration's. A reload that removes a route ends its streams. One that
 * changes what a kept route runs with ({@link RouteRuntime}: its plugins, its service, the consumers they know)
 * ends its GET streams, which would otherwise go on under policies that no longer exist for as long as the
 * server keeps them open; when only consumers changed, only the GET streams of callers it may judge otherwise
 * now ({@link RouteRuntime#knowsAsBefore}). A POST's answer is one call, admitted when it came: it finishes.
 * The client's stream ends cleanly, so it reconnects and meets the new configuration; the server's request is
 * reset. A GET stream of a kept route is told first when to reconnect ({@link StreamKeepalive#askToReopen}); one
 * whose route is gone is not: nothing serves it any more. Only streams are kept: a JSON answer ends by itself.
 */
final class RelayedStreams {

    /**
     * A stream relayed on the route with id {@code routeId} as {@code runtime} set it, for {@code caller}, on the
     * event loop of {@code context}; {@code standalone} for a GET stream, else a POST's answer; {@code written}
     * knows where the events written to the client end.
     */
    private record Open(String routeId, RouteRuntime runtime, Principal caller, boolean standalone,
                        HttpServerResponse response, HttpClientResponse answer, StreamKeepalive written,
                        Context context) {

        /**
         * Whether {@code served} (by route id) keeps it; {@code relays} is what its runtime's route-wide verdict
         * came to ({@link RouteRuntime#relaysAsBefore}), computed once per runtime.
         */
        boolean keptBy(Map<String, RouteRuntime> served, Map<RouteRuntime, Boolean> relays) {
            RouteRuntime now = served.get(routeId);
            if (now == null) {
                return false;
            }
            // the same instance in the common case: opened on the snapshot serving now
            if (now == runtime || !standalone) {
                return true;
            }
            return relays.computeIfAbsent(runtime, r -> now.equals(r) || now.relaysAsBefore(r))
                    && now.knowsAsBefore(runtime, caller);
        }

        boolean over() {
            return response.ended() || response.closed();
        }

        /** Ends it; {@code reopened} when its route is still served, so its client is to open it again. */
        void end(boolean reopened) {
            context.runOnContext(v -> {
                if (reopened) {
                    written.askToReopen();
                }
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
     * Keeps a stream just relayed on route {@code routeId} as {@code runtime} sets it for {@code caller} (a GET
     * stream when {@code standalone}), on the current event loop, written through {@code written}; the returned
     * action forgets it once it ended.
     */
    Runnable opened(String routeId, RouteRuntime runtime, Principal caller, boolean standalone,
                    HttpServerResponse response, HttpClientResponse answer, StreamKeepalive written) {
        Open stream = new Open(routeId, runtime, caller, standalone, response, answer, written,
                Vertx.currentContext());
        if (open.size() >= pruneAt) {
            open.removeIf(Open::over);
            pruneAt = Math.max(64, open.size() * 2);
        }
        open.add(stream);
        // a stream that began on the snapshot before a reload may register after its sweep: add first, then
        // read what the reload left, as the sweep writes first, then reads
        Map<String, RouteRuntime> now = served;
        if (now != null && !stream.keptBy(now, new IdentityHashMap<>()) && open.remove(stream)) {
            stream.end(now.containsKey(routeId));
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
     * Ends the streams of every route {@code kept} no longer serves, and the GET streams it would not admit as
     * they were (see {@link Open#keptBy}).
     */
    void routesKept(Map<String, RouteRuntime> kept) {
        // each runtime the streams were opened with is compared once: many streams share a few of them
        Map<RouteRuntime, Boolean> relays = new IdentityHashMap<>();
        open.forEach(stream -> {
            if (!stream.keptBy(kept, relays) && open.remove(stream)) {
                stream.end(kept.containsKey(stream.routeId()));
            }
        });
    }
}
