package dev.toolgate.gateway;

import dev.toolgate.http.ListenerLimits;
import dev.toolgate.http.UpstreamClient;
import dev.toolgate.observe.LogBacklog;

import java.util.List;

/**
 * The bounds {@code toolgate run} applies beyond the declarative file, each set by a command-line flag
 * or environment variable (README, "Limits and hardening").
 *
 * @param proxy                    the proxy listener's connection bounds
 * @param admin                    the admin listener's connection bounds
 * @param maxSessionsPerEndpoint   live MCP sessions one endpoint keeps; a new {@code initialize} beyond is 503
 * @param maxSessionsPerClient     live MCP sessions one client address keeps, over all endpoints
 * @param sessionIdleSeconds       a session unused this long ends, whatever its {@code session_ttl}
 * @param upstreamPoolSize         pooled connections per upstream host and port, per event loop
 * @param upstreamPoolWaitMs       how long a call may wait for a pooled connection when all are busy
 * @param upstreamIdleMs           a pooled upstream connection idle longer than this is closed rather than used
 * @param specsOutsideConfigDir    {@code config.openapi.spec} may name files outside the config file's folder
 * @param metadataUpstreams        services may point at link-local and cloud metadata addresses without a warning
 * @param adminHostNames           Host names the Admin API answers besides IP addresses and {@code localhost}
 * @param maxLogQueueBytes         bytes of entries all log and trace plugins' queues hold together (each has its
 *                                 own bound too); past it an entry makes room by dropping its queue's oldest
 */
public record Limits(ListenerLimits proxy, ListenerLimits admin, int maxSessionsPerEndpoint, int maxSessionsPerClient,
                     long sessionIdleSeconds, int upstreamPoolSize, long upstreamPoolWaitMs, long upstreamIdleMs,
                     boolean specsOutsideConfigDir, boolean metadataUpstreams, List<String> adminHostNames,
                     long maxLogQueueBytes) {

    /** The defaults of {@code toolgate run}. */
    public static final Limits DEFAULT = new Limits(ListenerLimits.DEFAULT, new ListenerLimits(256, 60_000, 10_000, 30_000),
            100_000, 1_000, 3_600, 256, 5_000, UpstreamClient.DEFAULT_IDLE_MS, false, false, List.of());

    /** The bounds with the default total of the log queues. */
    public Limits(ListenerLimits proxy, ListenerLimits admin, int maxSessionsPerEndpoint, int maxSessionsPerClient,
                  long sessionIdleSeconds, int upstreamPoolSize, long upstreamPoolWaitMs, long upstreamIdleMs,
                  boolean specsOutsideConfigDir, boolean metadataUpstreams, List<String> adminHostNames) {
        this(proxy, admin, maxSessionsPerEndpoint, maxSessionsPerClient, sessionIdleSeconds, upstreamPoolSize,
                upstreamPoolWaitMs, upstreamIdleMs, specsOutsideConfigDir, metadataUpstreams, adminHostNames,
                LogBacklog.DEFAULT_MAX_BYTES);
    }

    /** These bounds with another total of the log queues. */
    public Limits withMaxLogQueueBytes(long bytes) {
        return new Limits(proxy, admin, maxSessionsPerEndpoint, maxSessionsPerClient, sessionIdleSeconds,
                upstreamPoolSize, upstreamPoolWaitMs, upstreamIdleMs, specsOutsideConfigDir, metadataUpstreams,
                adminHostNames, bytes);
    }

    /** The bounds with the default upstream idle time. */
    public Limits(ListenerLimits proxy, ListenerLimits admin, int maxSessionsPerEndpoint, int maxSessionsPerClient,
                  long sessionIdleSeconds, int upstreamPoolSize, long upstreamPoolWaitMs,
                  boolean specsOutsideConfigDir, boolean metadataUpstreams, List<String> adminHostNames) {
        this(proxy, admin, maxSessionsPerEndpoint, maxSessionsPerClient, sessionIdleSeconds, upstreamPoolSize,
                upstreamPoolWaitMs, UpstreamClient.DEFAULT_IDLE_MS, specsOutsideConfigDir, metadataUpstreams,
                adminHostNames);
    }

    public Limits {
        adminHostNames = List.copyOf(adminHostNames);
        if (maxSessionsPerEndpoint < 1 || maxSessionsPerClient < 1 || sessionIdleSeconds < 1 || upstreamPoolSize < 1
                || upstreamPoolWaitMs < 1 || upstreamIdleMs < 1 || maxLogQueueBytes < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
