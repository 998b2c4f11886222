package dev.toolgate.cli;

import dev.toolgate.gateway.Limits;
import dev.toolgate.http.ListenerLimits;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The bounds of {@code toolgate run} (README, "Limits and hardening"): each a flag with an environment
 * variable, named after Kong's setting where Kong has one. Timeouts are in seconds.
 */
final class LimitOptions {

    /** A DNS name (underscores allowed, as container names have them), with or without its final dot. */
    private static final Pattern HOST_NAME = Pattern.compile(
            "[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\\.?");

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "${env:TOOLGATE_MAX_CONNECTIONS:-10000}",
            description = "Open connections the proxy listener allows at once; more are answered 503 "
                    + "(env TOOLGATE_MAX_CONNECTIONS; default ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--keepalive-timeout", paramLabel = "SECONDS",
            defaultValue = "${env:TOOLGATE_KEEPALIVE_TIMEOUT:-60}",
            description = "Kong's keepalive_timeout: how long a connection may sit without a request "
                    + "(env TOOLGATE_KEEPALIVE_TIMEOUT; default ${DEFAULT-VALUE}).")
    long keepAlive;

    @Option(names = "--client-header-timeout", paramLabel = "SECONDS",
            defaultValue = "${env:TOOLGATE_CLIENT_HEADER_TIMEOUT:-10}",
            description = "Kong's nginx_http_client_header_timeout: how long a request head may take; then 408 "
                    + "(env TOOLGATE_CLIENT_HEADER_TIMEOUT; default ${DEFAULT-VALUE}).")
    long headerTimeout;

    @Option(names = "--client-body-timeout", paramLabel = "SECONDS",
            defaultValue = "${env:TOOLGATE_CLIENT_BODY_TIMEOUT:-30}",
            description = "Kong's nginx_http_client_body_timeout: the longest pause while a request body arrives; "
                    + "then 408 (env TOOLGATE_CLIENT_BODY_TIMEOUT; default ${DEFAULT-VALUE}).")
    long bodyTimeout;

    @Option(names = "--send-timeout", paramLabel = "SECONDS",
            defaultValue = "${env:TOOLGATE_SEND_TIMEOUT:-60}",
            description = "nginx's send_timeout: how long an answer may wait on a client that reads none of it; "
                    + "then the connection is closed (env TOOLGATE_SEND_TIMEOUT; default ${DEFAULT-VALUE}).")
    long sendTimeout;

    @Option(names = "--max-sessions-per-endpoint", paramLabel = "N",
            defaultValue = "${env:TOOLGATE_MAX_SESSIONS_PER_ENDPOINT:-100000}",
            description = "Live MCP sessions one endpoint keeps; initialize beyond gets 503 "
                    + "(env TOOLGATE_MAX_SESSIONS_PER_ENDPOINT; default ${DEFAULT-VALUE}).")
    int sessionsPerEndpoint;

    @Option(names = "--max-sessions-per-client", paramLabel = "N",
            defaultValue = "${env:TOOLGATE_MAX_SESSIONS_PER_CLIENT:-1000}",
            description = "Live MCP sessions one client address keeps; initialize beyond gets 503 "
                    + "(env TOOLGATE_MAX_SESSIONS_PER_CLIENT; default ${DEFAULT-VALUE}).")
    int sessionsPerClient;

    @Option(names = "--session-idle-timeout", paramLabel = "SECONDS",
            defaultValue = "${env:TOOLGATE_SESSION_IDLE_TIMEOUT:-3600}",
            description = "A session unused this long ends, even when its session_ttl is longer "
                    + "(env TOOLGATE_SESSION_IDLE_TIMEOUT; default ${DEFAULT-VALUE}).")
    long sessionIdle;

    @Option(names = "--upstream-keepalive-pool-size", paramLabel = "N",
            defaultValue = "${env:TOOLGATE_UPSTREAM_KEEPALIVE_POOL_SIZE:-256}",
            description = "Kong's upstream_keepalive_pool_size: connections per upstream host and port, per event loop "
                    + "(env TOOLGATE_UPSTREAM_KEEPALIVE_POOL_SIZE; default ${DEFAULT-VALUE}).")
    int poolSize;

    @Option(names = "--upstream-pool-wait-timeout", paramLabel = "SECONDS",
            defaultValue = "${env:TOOLGATE_UPSTREAM_POOL_WAIT_TIMEOUT:-5}",
            description = "How long a call waits for a pooled upstream connection when all are busy "
                    + "(env TOOLGATE_UPSTREAM_POOL_WAIT_TIMEOUT; default ${DEFAULT-VALUE}).")
    long poolWait;

    @Option(names = "--upstream-keepalive-idle-timeout", paramLabel = "SECONDS",
            defaultValue = "${env:TOOLGATE_UPSTREAM_KEEPALIVE_IDLE_TIMEOUT:-4}",
            description = "A pooled upstream connection idle longer than this is closed rather than used; keep it "
                    + "below the upstreams' own keep-alive timeouts (Node.js: 5 s) "
                    + "(env TOOLGATE_UPSTREAM_KEEPALIVE_IDLE_TIMEOUT; default ${DEFAULT-VALUE}).")
    long upstreamIdle;

    @Option(names = "--max-log-queue-bytes", paramLabel = "BYTES",
            defaultValue = "${env:TOOLGATE_MAX_LOG_QUEUE_BYTES:-268435456}",
            description = "Bytes of entries all log and trace plugins' queues hold together (256 MiB); past it an "
                    + "entry makes room by dropping its queue's oldest (env TOOLGATE_MAX_LOG_QUEUE_BYTES; "
                    + "default ${DEFAULT-VALUE}).")
    long logQueueBytes;

    @Option(names = "--allow-spec-outside-config-dir", negatable = false,
            defaultValue = "${env:TOOLGATE_ALLOW_SPEC_OUTSIDE_CONFIG_DIR:-false}",
            description = "Let config.openapi.spec name files outside the config file's folder "
                    + "(env TOOLGATE_ALLOW_SPEC_OUTSIDE_CONFIG_DIR).")
    boolean specsOutside;

    @Option(names = "--allow-metadata-upstreams", negatable = false,
            defaultValue = "${env:TOOLGATE_ALLOW_METADATA_UPSTREAMS:-false}",
            description = "Services may point at link-local or cloud metadata addresses without a warning "
                    + "(env TOOLGATE_ALLOW_METADATA_UPSTREAMS).")
    boolean metadataUpstreams;

    @Option(names = "--admin-hostname", paramLabel = "NAME", split = ",",
            defaultValue = "${env:TOOLGATE_ADMIN_HOSTNAMES:-}",
            description = "A Host name the Admin API answers besides IP addresses and localhost; repeatable "
                    + "(env TOOLGATE_ADMIN_HOSTNAMES, comma-separated).")
    List<String> adminHostNames = new ArrayList<>();

    Limits limits(CommandSpec spec) {
        long keepAliveMs = millis(spec, keepAlive, "--keepalive-timeout");
        long headerMs = millis(spec, headerTimeout, "--client-header-timeout");
        long bodyMs = millis(spec, bodyTimeout, "--client-body-timeout");
        long sendMs = millis(spec, sendTimeout, "--send-timeout");
        long poolWaitMs = millis(spec, poolWait, "--upstream-pool-wait-timeout");
        long upstreamIdleMs = millis(spec, upstreamIdle, "--upstream-keepalive-idle-timeout");
        try {
            ListenerLimits proxy = new ListenerLimits(maxConnections, keepAliveMs, headerMs, bodyMs, sendMs);
            ListenerLimits admin = new ListenerLimits(Limits.DEFAULT.admin().maxConnections(), keepAliveMs, headerMs,
                    bodyMs, sendMs);
            return new Limits(proxy, admin, sessionsPerEndpoint, sessionsPerClient, sessionIdle, poolSize,
                    poolWaitMs, upstreamIdleMs, specsOutside, metadataUpstreams,
                    adminHostNames(spec), logQueueBytes);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "every limit must be 1 or more ("
                    + e.getMessage() + ")");
        }
    }

    /**
     * The names as the Admin API compares them with a request's {@code Host} (its port and a final dot
     * dropped): a name given with a port, a scheme or a path could never match, and would leave the
     * operator with 421s and no reason, so it is a usage error.
     */
    private List<String> adminHostNames(CommandSpec spec) {
        List<String> names = new ArrayList<>();
        for (String given : adminHostNames) {
            String name = given.trim();
            if (name.isEmpty()) {
                continue;
            }
            if (!HOST_NAME.matcher(name).matches()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--admin-hostname '" + name
                        + "' is not a host name: give the name alone, without a port or scheme (IP addresses are "
                        + "always answered)");
            }
            names.add(name.endsWith(".") ? name.substring(0, name.length() - 1) : name);
        }
        return names;
    }

    /**
     * Seconds as milliseconds; a number of seconds whose milliseconds a long cannot hold is a usage error
     * (multiplied, it would wrap: to a negative bound, or a small positive one). 0 and less stay as they
     * are, for the bounds to refuse.
     */
    private static long millis(CommandSpec spec, long seconds, String option) {
        if (seconds < 1) {
            return seconds;
        }
        if (seconds > Long.MAX_VALUE / 1000) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " must be at most "
                    + Long.MAX_VALUE / 1000 + " seconds");
        }
        return seconds * 1000;
    }
}
