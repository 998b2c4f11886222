package dev.toolgate.mcp;

import java.util.Optional;

/** Where sessions live between requests. Implementations are thread-safe. */
public interface SessionStore {

    /** Stores a new session that expires after {@code ttlSeconds} without use. */
    void create(Session session, long ttlSeconds);

    /** The live session with this id, refreshing its idle timer; empty when unknown, ended or expired. */
    Optional<Session> find(String id);

    /** Ends a session; returns false when it was not live. */
    boolean remove(String id);

    /** How many sessions are live. */
    int size();
}
