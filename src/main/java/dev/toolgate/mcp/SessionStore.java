package dev.toolgate.mcp;

import io.vertx.core.Future;

/**
 * Where sessions live between requests: this process, Redis, or the session id itself. Every
 * operation is asynchronous and never blocks the caller's event loop; a failed future means the
 * store cannot be reached now (an unknown session is not a failure). Implementations are thread-safe.
 */
public interface SessionStore {

    /**
     * Starts a session from a draft (its id null) that ends after {@code ttlSeconds} without use;
     * completes with the session under the id the store issued. A store that holds sessions fails
     * with {@link SessionLimits.Reached} when the endpoint or the client address has as many as
     * allowed.
     *
     * @param client the client's address, or null when unknown
     */
    Future<Session> create(Session draft, long ttlSeconds, String client);

    /**
     * The live session of {@code endpoint} with this id; null (in a succeeded future) when it is
     * unknown, ended, expired, altered, or another endpoint's.
     */
    Future<Session> find(String id, String endpoint);

    /**
     * Like {@link #find(String, String)}, for a caller: null too when the session is not
     * {@linkplain Session#usableBy usable by} {@code caller}. A store renews only a session found for this
     * endpoint and this caller (an id is not a credential, and whoever holds another's should not keep that
     * session alive by presenting it).
     */
    default Future<Session> find(String id, String endpoint, String caller) {
        return find(id, endpoint).map(session -> session != null && session.usableBy(caller) ? session : null);
    }

    /**
     * How long a session started with {@code ttlSeconds} may go unused before it ends: its TTL, or less
     * where the store bounds idle time ({@code --session-idle-timeout}).
     */
    default long idleSeconds(long ttlSeconds) {
        return ttlSeconds;
    }

    /** Ends a session, for every instance that shares the store. */
    Future<Void> remove(Session session);

    /**
     * Ends a session at a client's request ({@code DELETE}). A store that keeps an entry per session ended
     * fails with {@link SessionLimits.TooManyEnded} when {@code client} has ended too many lately.
     *
     * @param client the client's address, or null when unknown
     */
    default Future<Void> remove(Session session, String client) {
        return remove(session);
    }

    /** How many sessions this store holds, or -1 when it cannot tell (they are in the ids, or in Redis). */
    int size();
}
