package dev.toolgate.mcp;

/**
 * Bounds on the sessions a store keeps (this process's, or a Redis over the fleet), so that
 * {@code initialize} in a loop cannot fill memory.
 *
 * @param maxPerEndpoint live sessions one endpoint keeps
 * @param maxPerClient   live sessions one client address keeps, over all endpoints
 * @param idleSeconds    a session unused this long ends, even when its own TTL is longer
 */
public record SessionLimits(int maxPerEndpoint, int maxPerClient, long idleSeconds) {

    /** The defaults of {@code toolgate run}. */
    public static final SessionLimits DEFAULT = new SessionLimits(100_000, 1_000, 3_600);

    /**
     * A store refused a new session because a cap is reached; existing sessions are untouched.
     *
     * @param scope whose sessions are at the cap, in words a client can read ("this endpoint")
     */
    public static final class Reached extends RuntimeException {

        private final String scope;

        public Reached(String scope) {
            super("too many sessions for " + scope, null, false, false);
            this.scope = scope;
        }

        public String scope() {
            return scope;
        }
    }

    /**
     * A store refused to end a session: the client ended as many as it may in a window, and each one ended
     * is an entry kept until the session would have expired. Nothing was written; the session lives on.
     */
    public static final class TooManyEnded extends RuntimeException {

        private final long retryAfterSeconds;

        public TooManyEnded(long retryAfterSeconds) {
            super("too many sessions ended", null, false, false);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }
}
