package dev.toolgate.mcp;

import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions held in this process. Expiry is by idle time: every {@link #find} pushes the deadline out,
 * and {@link #evictExpired} (called periodically) drops the rest.
 */
public final class InMemorySessionStore implements SessionStore {

    private record Entry(Session session, long ttlMillis, long expiresAtMillis) {
    }

    private final ConcurrentHashMap<String, Entry> sessions = new ConcurrentHashMap<>();
    private final InstantSource clock;

    public InMemorySessionStore(InstantSource clock) {
        this.clock = clock;
    }

    @Override
    public void create(Session session, long ttlSeconds) {
        long ttlMillis = Math.multiplyExact(ttlSeconds, 1000L);
        sessions.put(session.id(), new Entry(session, ttlMillis, clock.millis() + ttlMillis));
    }

    @Override
    public Optional<Session> find(String id) {
        long now = clock.millis();
        Entry entry = sessions.computeIfPresent(id, (key, e) ->
                e.expiresAtMillis() <= now ? null : new Entry(e.session(), e.ttlMillis(), now + e.ttlMillis()));
        return entry == null ? Optional.empty() : Optional.of(entry.session());
    }

    @Override
    public boolean remove(String id) {
        return sessions.remove(id) != null;
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
