package dev.toolgate.mode.passthrough;

import dev.toolgate.cluster.InMemorySessionStore;
import dev.toolgate.cluster.Removals;
import dev.toolgate.mcp.Session;

import java.time.InstantSource;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The passthrough routes a reload removed in this process, and when: the sessions their bridges and bindings
 * kept here end with them, and those begun before are unknown to a route of the same name loaded again later.
 * Route ids derive from route names, so such a route keeps its session stores' endpoints, and would take up a
 * session kept in Redis or sealed in its id although it may relay elsewhere, and authenticate otherwise. An
 * instance that never removed the route goes on serving the sessions it shares (a rolling reload). One entry
 * per route ever removed: a few bytes each.
 */
final class RemovedRoutes {

    private final InMemorySessionStore memory;
    private final Removals removals;

    /** @param memory the sessions held in this process, those of a removed route ended with it */
    RemovedRoutes(InMemorySessionStore memory, InstantSource clock) {
        this.memory = memory;
        this.removals = new Removals(clock);
    }

    /**
     * The store endpoint of a route's era bridge (its rounds between two {@code input_required} answers), under
     * which its legacy bridge's sessions ({@link #legacy}) and its bindings ({@link #bound}) are kept.
     */
    static String bridged(String routeId) {
        return routeId + "/era-bridge";
    }

    static String legacy(String bridged) {
        return bridged + "/legacy";
    }

    static String bound(String bridged) {
        return bridged + "/bound";
    }

    /**
     * A reload removed route {@code routeId}: what its bridges and bindings hold in this process ends now (out of
     * {@code /status}, their places under the session caps freed), where it would have waited out the idle time.
     */
    void removed(String routeId) {
        removals.removed(routeId);
        String bridged = bridged(routeId);
        memory.endEndpoints(Set.of(bridged, legacy(bridged), bound(bridged)));
    }

    /**
     * Whether a session of route {@code routeId} began no later than the route was last removed here: it ended
     * with the route, and a route served now under that name answers it as unknown (its client starts a new one).
     */
    Predicate<Session> predatingRemoval(String routeId) {
        return session -> removals.predates(routeId, session);
    }
}
