package dev.toolgate.mcp;

import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions held in this process. Expiry is by idle time: every {@link #find} pushes the deadline out,
 * and {@link #evictExpired} (called periodically) drops the rest. The idle time is the session's TTL or
 * the store's own idle bound, whichever is shorter. Live sessions are counted per endpoint and per
 * client address, and a new one beyond either cap is refused.
 */
public final class InMemorySessionStore implements SessionStore {

    private record Entry(Session session, String client, long ttlMillis, long expiresAtMillis) {
    }

    private final ConcurrentHashMap<String, Entry> sessions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> perEndpoint = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> perClient = new ConcurrentHashMap<>();
    private final InstantSource clock;
    private final SessionLimits limits;

    public InMemorySessionStore(InstantSource clock) {
        this(clock, SessionLimits.DEFAULT);
    }

    public InMemorySessionStore(InstantSource clock, SessionLimits limits) {
        this.clock = clock;
        this.limits = limits;
    }

    @Override
    public SessionLimits.Admission create(Session session, long ttlSeconds, String client) {
        if (!take(perEndpoint, session.endpoint(), limits.maxPerEndpoint())) {
            return SessionLimits.Admission.ENDPOINT_FULL;
        }
        if (client != null && !take(perClient, client, limits.maxPerClient())) {
            release(perEndpoint, session.endpoint());
            return SessionLimits.Admission.CLIENT_FULL;
        }
        long ttlMillis = Math.multiplyExact(Math.min(ttlSeconds, limits.idleSeconds()), 1000L);
        sessions.put(session.id(), new Entry(session, client, ttlMillis, clock.millis() + ttlMillis));
        return SessionLimits.Admission.ADMITTED;
    }

    @Override
    public Optional<Session> find(String id) {
        long now = clock.millis();
        Entry entry = sessions.get(id);
        if (entry == null) {
            return Optional.empty();
        }
        if (entry.expiresAtMillis() <= now) {
            drop(id, entry);
            return Optional.empty();
        }
        Entry renewed = new Entry(entry.session(), entry.client(), entry.ttlMillis(), now + entry.ttlMillis());
        // a concurrent remove wins: replace only what is still there
        return sessions.replace(id, entry, renewed) || sessions.containsKey(id) ? Optional.of(entry.session())
                : Optional.empty();
    }

    @Override
    public boolean remove(String id) {
        Entry entry = sessions.get(id);
        return entry != null && drop(id, entry);
    }

    @Override
    public int size() {
        return sessions.size();
    }

    /** Live sessions of one client address (for tests and the Admin API). */
    public int sessionsOf(String client) {
        Integer count = perClient.get(client);
        return count == null ? 0 : count;
    }

    /** Drops every session whose idle deadline has passed; returns how many went. */
    public int evictExpired() {
        long now = clock.millis();
        int evicted = 0;
        for (Map.Entry<String, Entry> e : sessions.entrySet()) {
            if (e.getValue().expiresAtMillis() <= now && drop(e.getKey(), e.getValue())) {
                evicted++;
            }
        }
        return evicted;
    }

    /** Removes exactly this entry (not a newer one under the id) and releases its counts. */
    private boolean drop(String id, Entry entry) {
        if (!sessions.remove(id, entry)) {
            return false;
        }
        release(perEndpoint, entry.session().endpoint());
        if (entry.client() != null) {
            release(perClient, entry.client());
        }
        return true;
    }

    /** Counts one more under {@code key} unless it has {@code max} already; atomic per key. */
    private static boolean take(ConcurrentHashMap<String, Integer> counts, String key, int max) {
        boolean[] taken = {false};
        counts.compute(key, (k, count) -> {
            int n = count == null ? 0 : count;
            if (n >= max) {
                return count;
            }
            taken[0] = true;
            return n + 1;
        });
        return taken[0];
    }

    private static void release(ConcurrentHashMap<String, Integer> counts, String key) {
        counts.computeIfPresent(key, (k, count) -> count <= 1 ? null : count - 1);
    }
}
