package dev.toolgate.mcp;

import java.util.Optional;

/** Where sessions live between requests. Implementations are thread-safe. */
public interface SessionStore {

    /** Stores a new session that expires after {@code ttlSeconds} without use; no client address is counted. */
    default void create(Session session, long ttlSeconds) {
        create(session, ttlSeconds, null);
    }

    /**
     * Stores a new session that expires after {@code ttlSeconds} without use (or sooner, by the store's
     * own idle bound), unless the endpoint or the client address already has as many as allowed.
     *
     * @param client the client's address, or null when unknown
     */
    SessionLimits.Admission create(Session session, long ttlSeconds, String client);

    /** The live session with this id, refreshing its idle timer; empty when unknown, ended or expired. */
    Optional<Session> find(String id);

    /** Ends a session; returns false when it was not live. */
    boolean remove(String id);

    /** How many sessions are live. */
    int size();
}
