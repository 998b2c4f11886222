package dev.toolgate.cluster;

import dev.toolgate.mcp.Session;

import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When a reload last removed each endpoint or route in this process. Their ids derive from route names, so a route
 * of the same name loaded again later has the same ones: sessions begun before the removal, kept in Redis or sealed
 * in their ids, must not come back on it (it may relay elsewhere, and authenticate otherwise). An instance that never
 * removed it accepts them, as the fleet's others they were begun on (a rolling reload). One entry per id ever
 * removed: a few bytes each.
 */
public final class Removals {

    private final InstantSource clock;
    private final ConcurrentHashMap<String, Long> removedAt = new ConcurrentHashMap<>();

    public Removals(InstantSource clock) {
        this.clock = clock;
    }

    /** A reload removed {@code id} now. */
    public void removed(String id) {
        removedAt.merge(id, clock.millis(), Math::max);
    }

    /** Whether {@code session} began no later than {@code id} was last removed here: it ended then. */
    public boolean predates(String id, Session session) {
        Long removed = removedAt.get(id);
        return removed != null && session.createdAtMillis() <= removed;
    }
}
