package dev.toolgate.observe.prometheus;

import dev.toolgate.observe.LabelBounds;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.List;

/**
 * Kong's Prometheus metrics, with Kong's names, labels and buckets, registered once in the gateway's
 * registry and kept across reloads while a {@code prometheus} plugin is configured (values keep
 * counting); unregistered when none is. Without exemplars: the gateway gives the client no span
 * context to take them from, yet its sampler ran on every observation and woke a scheduler thread.
 */
final class KongMetrics implements AutoCloseable {

    /** Kong 3's buckets of {@code kong_kong_latency_ms}, in milliseconds (its exporter's {@code KONG_LATENCY_BUCKETS}). */
    static final double[] KONG_LATENCY_BUCKETS = {1, 2, 5, 7, 10, 15, 20, 30, 50, 75, 100, 200, 500, 750, 1000};
    /** Kong 3's buckets of {@code kong_upstream_latency_ms} and {@code kong_request_latency_ms}, in milliseconds. */
    static final double[] UPSTREAM_LATENCY_BUCKETS = {25, 50, 80, 100, 250, 400, 700, 1000, 2000, 5000, 10000, 30000,
            60000};
    /**
     * The buckets of {@code kong_ai_mcp_latency_ms}, in milliseconds: Kong documents none; these hold both of
     * Kong's lists' small steps and the {@code le="25.0"} of its how-to's sample.
     */
    static final double[] LATENCY_BUCKETS = {1, 2, 5, 7, 10, 15, 20, 25, 30, 40, 50, 60, 70, 80, 90, 100, 200, 300, 400,
            500, 1000, 2000, 5000, 10000, 30000, 60000};
    /** Response sizes, in bytes. */
    static final double[] SIZE_BUCKETS = {64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216};
    static final String WORKSPACE = "default";

    final Counter requests;
    final Histogram requestLatency;
    final Histogram upstreamLatency;
    final Histogram kongLatency;
    final Gauge bandwidth;
    final Histogram mcpLatency;
    final Histogram mcpResponseSize;
    final Counter mcpErrors;
    final Counter aclAllowed;
    final Counter aclDenied;
    /** The MCP series' method, tool and error-type labels: bounded for as long as those series live. */
    final LabelBounds labels = new LabelBounds();
    private final PrometheusRegistry registry;
    private final List<Collector> all;

    KongMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        requests = Counter.builder().name("kong_http_requests_total")
                .help("HTTP status codes per consumer/service/route in Kong")
                .labelNames("service", "route", "code", "source", "workspace", "consumer")
                .withoutExemplars().register(registry);
        requestLatency = latency("kong_request_latency_ms", "Total latency incurred during requests for each service/route in Kong",
                UPSTREAM_LATENCY_BUCKETS);
        upstreamLatency = latency("kong_upstream_latency_ms", "Latency added by upstream response for each service/route in Kong",
                UPSTREAM_LATENCY_BUCKETS);
        kongLatency = latency("kong_kong_latency_ms", "Latency added by Kong and enabled plugins for each service/route in Kong",
                KONG_LATENCY_BUCKETS);
        // Kong's name has no _total suffix, which the client adds to every counter: a gauge that only grows
        bandwidth = Gauge.builder().name("kong_bandwidth_bytes")
                .help("Total bandwidth (ingress/egress) throughput in bytes")
                .labelNames("service", "route", "direction", "workspace", "consumer")
                .withoutExemplars().register(registry);
        mcpLatency = Histogram.builder().name("kong_ai_mcp_latency_ms").help("AI MCP latency per tool in milliseconds")
                .labelNames("service", "route", "method", "workspace", "tool_name")
                .classicUpperBounds(LATENCY_BUCKETS).classicOnly().withoutExemplars().register(registry);
        mcpResponseSize = Histogram.builder().name("kong_ai_mcp_response_body_size_bytes")
                .help("AI MCP response body size in bytes")
                .labelNames("service", "route", "method", "workspace", "tool_name")
                .classicUpperBounds(SIZE_BUCKETS).classicOnly().withoutExemplars().register(registry);
        mcpErrors = Counter.builder().name("kong_ai_mcp_error_total").help("AI MCP errors by JSON-RPC error type")
                .labelNames("service", "route", "method", "workspace", "tool_name", "type")
                .withoutExemplars().register(registry);
        aclAllowed = acl("kong_ai_mcp_acl_allowed_total", "AI MCP tool calls the tool ACLs allowed");
        aclDenied = acl("kong_ai_mcp_acl_denied_total", "AI MCP tool calls the tool ACLs denied");
        all = List.of(requests, requestLatency, upstreamLatency, kongLatency, bandwidth, mcpLatency, mcpResponseSize,
                mcpErrors, aclAllowed, aclDenied);
    }

    private Histogram latency(String name, String help, double[] buckets) {
        return Histogram.builder().name(name).help(help).labelNames("service", "route", "workspace")
                .classicUpperBounds(buckets).classicOnly().withoutExemplars().register(registry);
    }

    private Counter acl(String name, String help) {
        return Counter.builder().name(name).help(help)
                .labelNames("service", "route", "workspace", "primitive", "primitive_name")
                .withoutExemplars().register(registry);
    }

    @Override
    public void close() {
        all.forEach(registry::unregister);
    }
}
