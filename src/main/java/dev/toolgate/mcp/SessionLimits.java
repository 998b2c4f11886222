package dev.toolgate.mcp;

/**
 * Bounds on the sessions one process keeps, so that {@code initialize} in a loop cannot fill memory.
 *
 * @param maxPerEndpoint live sessions one endpoint keeps
 * @param maxPerClient   live sessions one client address keeps, over all endpoints
 * @param idleSeconds    a session unused this long ends, even when its own TTL is longer
 */
public record SessionLimits(int maxPerEndpoint, int maxPerClient, long idleSeconds) {

    /** The defaults of {@code toolgate run}. */
    public static final SessionLimits DEFAULT = new SessionLimits(100_000, 1_000, 3_600);

    /** What {@link SessionStore#create} decided. */
    public enum Admission { ADMITTED, ENDPOINT_FULL, CLIENT_FULL }
}
