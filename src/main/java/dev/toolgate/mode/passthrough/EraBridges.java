package dev.toolgate.mode.passthrough;

import dev.toolgate.cluster.InMemorySessionStore;
import dev.toolgate.http.UpstreamTarget;
import dev.toolgate.mcp.Session;
import dev.toolgate.mode.RouteRuntime;

import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What the era bridges, and the passthrough routes' relays, keep for the gateway's lifetime rather than a
 * configuration's. The legacy calls in flight ({@link LegacyCalls}), the server streams relayed
 * ({@link RelayedStreams}), and the sessions each route's bridge holds with its legacy server: a reload that keeps
 * the route and its server keeps them, where it used to drop up to {@link LegacySessions#MAX_SESSIONS} of them
 * without ending them at the server and open them all again. The sessions of at most {@link #MAX_SERVERS} route
 * and server pairs are kept; those of the least recently built are ended at the server. All pairs share one
 * cache of at most {@link LegacySessions#MAX_SESSIONS} sessions, each with its opener's headers: a bound per
 * pair let the pairs together keep gigabytes. And the routes a reload removed ({@link RemovedRoutes}), whose
 * bridged sessions and bindings end with them.
 */
public final class EraBridges {

    static final int MAX_SERVERS = 256;

    private final LegacyCalls calls = new LegacyCalls();
    private final RelayedStreams streams = new RelayedStreams();
    private final RemovedRoutes removed;
    private final Map<String, LegacySessions.Held> open = LegacySessions.cache();
    private final Map<String, LegacySessions> servers = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, LegacySessions> eldest) {
            if (size() <= MAX_SERVERS) {
                return false;
            }
            eldest.getValue().endAll();
            return true;
        }
    };

    /** @param memory the sessions held in this process, where those of a removed route end with it */
    public EraBridges(InMemorySessionStore memory, InstantSource clock) {
        this.removed = new RemovedRoutes(memory, clock);
    }

    /** The store endpoint of route {@code routeId}'s bridges, under which its bindings are kept too. */
    public static String endpoint(String routeId) {
        return RemovedRoutes.bridged(routeId);
    }

    LegacyCalls calls() {
        return calls;
    }

    RelayedStreams streams() {
        return streams;
    }

    /**
     * A reload swapped in routes with the ids {@code served}: the legacy bridge's calls on any other route end now,
     * each telling its client the route was removed, instead of waiting for answers that can no longer arrive; and
     * the server streams relayed on any other route, or on one whose runtime changed, end, so that their clients
     * reconnect to what is served now.
     */
    public void routesKept(Map<String, RouteRuntime> served) {
        calls.routesKept(served.keySet());
        streams.routesKept(served);
    }

    /**
     * A reload removed route {@code routeId}: the sessions its bridges and bindings hold in this process end now,
     * and any begun before now is unknown to a route of the same name loaded again ({@link RemovedRoutes}).
     */
    public void routeRemoved(String routeId) {
        removed.removed(routeId);
    }

    /** Whether a session of route {@code routeId}'s bridges or bindings began before a reload here removed it. */
    Predicate<Session> predatingRemoval(String routeId) {
        return removed.predatingRemoval(routeId);
    }

    /**
     * The routes of the snapshot about to be served, and what each runs with (before it is: see
     * {@link LegacyCalls#serving}).
     */
    public void serving(Map<String, RouteRuntime> routes) {
        calls.serving(routes.keySet());
        streams.serving(routes);
    }

    /**
     * The sessions of bridge {@code endpoint} with the legacy server at {@code target} and {@code path}: the same
     * across configurations that keep all three.
     */
    LegacySessions sessions(String endpoint, UpstreamTarget target, String path) {
        String key = endpoint + "\n" + (target.tls() ? "https://" : "http://") + target.host() + ":" + target.port()
                + (path == null ? "" : path);
        synchronized (servers) {
            return servers.computeIfAbsent(key, k -> new LegacySessions(k, open));
        }
    }
}
