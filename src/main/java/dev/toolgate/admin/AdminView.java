package dev.toolgate.admin;

import dev.toolgate.config.ConfigProblem;
import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.config.InvalidConfigException;

import java.time.Instant;
import java.util.List;

/** What the Admin API reads from, and asks of, the running gateway. */
public interface AdminView {

    /** The configuration being served. */
    DeclarativeConfig config();

    /** Tools served by all MCP endpoints. */
    int toolCount();

    /** Warnings of the configuration being served. */
    List<ConfigProblem> warnings();

    /** When the configuration being served was loaded. */
    Instant loadedAt();

    /** True while the proxy listener takes new connections; false once a graceful stop has begun. */
    boolean accepting();

    /** Live MCP sessions kept in this process (sessions in Redis or sealed in their ids are not counted). */
    int sessions();

    /**
     * One Redis server the gateway uses (rate-limiting counters, sessions), as a PING just found it.
     *
     * @param address   where it is (no credentials)
     * @param reachable it answered
     * @param latencyMs the PING round trip in milliseconds, or null when it did not answer
     * @param error     why not, or null
     */
    record RedisHealth(String address, boolean reachable, Double latencyMs, String error) {
    }

    /** Checks every Redis in use; asynchronous (a PING each, within its read timeout). */
    io.vertx.core.Future<List<RedisHealth>> redis();

    /** Open server-to-client streams. */
    int streams();

    /** What observation keeps: the metrics registry, the live feed, the services' health. */
    dev.toolgate.observe.Telemetry telemetry();

    /**
     * The MCP routes being served, for the live page: each with its mode and its tools (name and ACL),
     * as {@code [{route, mode, service, tools: [{name, acl: {allow, deny}}]}]}.
     */
    com.fasterxml.jackson.databind.node.ArrayNode mcpRoutes();

    /** Counts of the MCP messages observed on passthrough routes, by direction, kind and method. */
    java.util.Map<String, Long> traffic();

    /**
     * Replaces the whole configuration. Blocking: call it off the event loop.
     *
     * @throws InvalidConfigException with every problem; the current configuration keeps serving
     */
    void apply(byte[] document);
}
