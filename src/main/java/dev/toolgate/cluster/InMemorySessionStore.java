package dev.toolgate.cluster;

import dev.toolgate.mcp.Session;
import dev.toolgate.mcp.SessionIds;
import dev.toolgate.mcp.SessionStore;
import io.vertx.core.Future;

import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions held in this process (no {@code strategy}): they end with it. Expiry is by idle time: every
 * {@link #find} pushes the deadline out, and {@link #evictExpired} (called periodically) drops the rest.
 */
public final class InMemorySessionStore implements SessionStore {

    private record Entry(Session session, long ttlMillis, long expiresAtMillis) {
    }

    private final ConcurrentHashMap<String, Entry> sessions = new ConcurrentHashMap<>();
    private final InstantSource clock;
    private final SessionIds ids;

    public InMemorySessionStore(InstantSource clock, SessionIds ids) {
        this.clock = clock;
        this.ids = ids;
    }

    @Override
    public Future<Session> create(Session draft, long ttlSeconds) {
        Session session = draft.withId(ids.next());
        long ttlMillis = Math.multiplyExact(ttlSeconds, 1000L);
        sessions.put(session.id(), new Entry(session, ttlMillis, clock.millis() + ttlMillis));
        return Future.succeededFuture(session);
    }

    @Override
    public Future<Session> find(String id, String endpoint) {
        long now = clock.millis();
        Entry entry = sessions.computeIfPresent(id, (key, e) ->
                e.expiresAtMillis() <= now ? null : new Entry(e.session(), e.ttlMillis(), now + e.ttlMillis()));
        return Future.succeededFuture(entry == null || !entry.session().endpoint().equals(endpoint) ? null
                : entry.session());
    }

    @Override
    public Future<Void> remove(Session session) {
        sessions.remove(session.id());
        return Future.succeededFuture();
    }

    @Override
    public int size() {
        return sessions.size();
    }

    /** Drops every session whose idle deadline has passed; returns how many went. */
    public int evictExpired() {
        long now = clock.millis();
        int before = sessions.size();
        sessions.values().removeIf(e -> e.expiresAtMillis() <= now);
        return before - sessions.size();
    }
}
