package dev.toolgate.mode.passthrough;

import dev.toolgate.cluster.InMemorySessionStore;
import dev.toolgate.http.UpstreamTarget;
import dev.toolgate.mcp.Session;
import dev.toolgate.mode.RouteRuntime;

import java.time.InstantSource;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What the era bridges, and the passthrough routes' relays, keep for the gateway's lifetime rather than a
 * configuration's. The legacy calls in flight ({@link LegacyCalls}), the server streams relayed
 * ({@link RelayedStreams}), the legacy HTTP+SSE streams' answers awaited ({@link LegacyAnswers}), and the sessions each route's bridge holds with its legacy server: a reload that keeps
 * the route and its server keeps them, where it used to drop up to {@link LegacySessions#MAX_SESSIONS} of them
 * without ending them at the server and open them all again. The sessions of at most {@link #MAX_SERVERS} route
 * and server pairs are kept; those of the least recently built are ended at the server. All pairs share one
 * cache of at most {@link LegacySessions#MAX_SESSIONS} sessions, each with its opener's headers: a bound per
 * pair let the pairs together keep gigabytes. And the routes a reload removed ({@link RemovedRoutes}), whose
 * bridged sessions and bindings end with them, as do the sessions with their legacy servers, and those with the
 * server a route kept by name no longer relays to: at the server, once the calls in flight on them have ended.
 */
public final class EraBridges {

    static final int MAX_SERVERS = 256;

    private final LegacyCalls calls = new LegacyCalls();
    private final RelayedStreams streams = new RelayedStreams();
    private final LegacyAnswers answers = new LegacyAnswers();
    private final RemovedRoutes removed;
    private final Map<LegacySessions.Slot, LegacySessions.Held> open = LegacySessions.cache();
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
    /**
     * Each passthrough route's server as the build being made names it (guarded by {@link #servers}): the one its
     * proxy relays to once that build is served. Builds take turns, each begun with {@link #building}, so that what
     * a build that failed named is not taken for what the next one does.
     */
    private final Map<String, String> building = new HashMap<>();
    /**
     * Each passthrough route's server as the build served names it (guarded by {@link #servers}): a route that
     * build serves otherwise (a conversion endpoint now) has none, and its sessions with its legacy server end.
     */
    private Map<String, String> built = Map.of();
    /** The routes of the snapshot served, or about to be. */
    private volatile Set<String> served = Set.of();

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

    LegacyAnswers answers() {
        return answers;
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
     * A reload removed route {@code routeId}, points it at another server or serves it in another mode (a
     * conversion endpoint relays to no legacy server, whatever its URL): the sessions its bridges and bindings
     * hold in this process end now, and any begun before now is unknown to a route of the same name loaded again
     * ({@link RemovedRoutes}); its bridge's sessions with the server it left end there, once its calls on them have.
     */
    public void routeRemoved(String routeId) {
        // retired first: a request on the route as it was that creates a session after this sees it ended
        // (RouteTenure), and one that created it before is swept by what follows
        retireServers(routeId);
        removed.removed(routeId);
        // a route kept but changed: its legacy bridge's calls end as a removed route's do (routesKept), saying so
        calls.routeChanged(routeId);
    }

    /**
     * Ends, at their servers, the sessions of route {@code routeId} with any server but the one its served build
     * names (none when the route is gone): they held the server's state, and places under the bounds, until evicted.
     */
    private void retireServers(String routeId) {
        String prefix = endpoint(routeId) + "\n";
        synchronized (servers) {
            String current = served.contains(routeId) ? built.get(routeId) : null;
            var cause = served.contains(routeId) ? Retirement.Cause.ROUTE_REPOINTED : Retirement.Cause.ROUTE_REMOVED;
            for (var it = servers.entrySet().iterator(); it.hasNext(); ) {
                var server = it.next();
                if (server.getKey().startsWith(prefix) && !server.getKey().equals(current)) {
                    server.getValue().retirement().retire(cause);
                    it.remove();
                }
            }
        }
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
        served = Set.copyOf(routes.keySet());
        synchronized (servers) {
            built = Map.copyOf(building);
            building.clear();
        }
    }

    /** A build begins: the passthrough routes it builds name their servers from now on ({@link #sessions}). */
    public void building() {
        synchronized (servers) {
            building.clear();
        }
    }

    /**
     * The sessions of route {@code routeId}'s bridge with the legacy server at {@code target} and {@code path}: the
     * same across configurations that keep all three.
     */
    LegacySessions sessions(String routeId, UpstreamTarget target, String path) {
        String key = endpoint(routeId) + "\n" + (target.tls() ? "https://" : "http://") + target.host() + ":"
                + target.port() + (path == null ? "" : path);
        synchronized (servers) {
            building.put(routeId, key);
            return servers.computeIfAbsent(key, k -> new LegacySessions(open));
        }
    }
}
