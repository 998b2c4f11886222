package dev.toolgate.cluster;

import dev.toolgate.mcp.Session;
import dev.toolgate.mcp.SessionIds;
import dev.toolgate.mcp.SessionLimits;
import dev.toolgate.mcp.SessionStore;
import io.vertx.core.Future;

import java.time.InstantSource;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Sessions held in this process (no {@code strategy}): they end with it. Expiry is by idle time: every
 * {@link #find} of the session's own endpoint (and caller, when one is given) pushes the deadline out, and
 * {@link #evictExpired} (called periodically) drops the rest.
 * The idle time is the session's TTL or the store's own idle bound, whichever is shorter. Live sessions
 * are counted per endpoint and per client address, and a new one beyond either cap is refused.
 */
public final class InMemorySessionStore implements SessionStore {

    private record Entry(Session session, String client, long ttlMillis, long expiresAtMillis) {

        Entry renewed(long now) {
            return new Entry(session, client, ttlMillis, now + ttlMillis);
        }
    }

    private final ConcurrentHashMap<String, Entry> sessions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> perEndpoint = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> perClient = new ConcurrentHashMap<>();
    private final InstantSource clock;
    private final SessionIds ids;
    private final SessionLimits limits;

    public InMemorySessionStore(InstantSource clock, SessionIds ids) {
        this(clock, ids, SessionLimits.DEFAULT);
    }

    public InMemorySessionStore(InstantSource clock, SessionIds ids, SessionLimits limits) {
        this.clock = clock;
        this.ids = ids;
        this.limits = limits;
    }

    @Override
    public Future<Session> create(Session draft, long ttlSeconds, String client) {
        if (!take(perEndpoint, draft.endpoint(), limits.maxPerEndpoint())) {
            return Future.failedFuture(new SessionLimits.Reached("this endpoint"));
        }
        if (client != null && !take(perClient, client, limits.maxPerClient())) {
            release(perEndpoint, draft.endpoint());
            return Future.failedFuture(new SessionLimits.Reached("this client address"));
        }
        Session session = draft.withId(ids.next());
        long ttlMillis = Math.multiplyExact(idleSeconds(ttlSeconds), 1000L);
        sessions.put(session.id(), new Entry(session, client, ttlMillis, clock.millis() + ttlMillis));
        return Future.succeededFuture(session);
    }

    @Override
    public Future<Session> find(String id, String endpoint) {
        return Future.succeededFuture(find(id, endpoint, (Session session) -> true));
    }

    @Override
    public Future<Session> find(String id, String endpoint, String caller) {
        return Future.succeededFuture(find(id, endpoint, (Session session) -> session.usableBy(caller)));
    }

    /**
     * The session when it is live, this endpoint's and {@code usable}; only such a find renews it: another
     * endpoint or caller presenting the id must not keep the session alive.
     */
    private Session find(String id, String endpoint, Predicate<Session> usable) {
        long now = clock.millis();
        Entry entry = sessions.get(id);
        if (entry == null) {
            return null;
        }
        if (entry.expiresAtMillis() <= now) {
            drop(id, entry);
            return null;
        }
        if (!entry.session().endpoint().equals(endpoint) || !usable.test(entry.session())) {
            return null;
        }
        // a concurrent remove wins: renew only what is still there
        boolean live = sessions.replace(id, entry, entry.renewed(now)) || sessions.containsKey(id);
        return live ? entry.session() : null;
    }

    @Override
    public long idleSeconds(long ttlSeconds) {
        return Math.min(ttlSeconds, limits.idleSeconds());
    }

    @Override
    public Future<Void> remove(Session session) {
        Entry entry = sessions.get(session.id());
        if (entry != null) {
            drop(session.id(), entry);
        }
        return Future.succeededFuture();
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

    /**
     * Ends every session of an endpoint a reload removed, releasing their places under the caps at once: a
     * client near its cap would otherwise wait out the idle time for them. Returns how many went.
     */
    public int endEndpoint(String endpoint) {
        return endEndpoints(Set.of(endpoint));
    }

    /** Ends every session of the endpoints a reload removed with one route (its bridges'), in one pass. */
    public int endEndpoints(Set<String> endpoints) {
        int ended = 0;
        for (Map.Entry<String, Entry> e : sessions.entrySet()) {
            if (endpoints.contains(e.getValue().session().endpoint()) && drop(e.getKey(), e.getValue())) {
                ended++;
            }
        }
        return ended;
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
