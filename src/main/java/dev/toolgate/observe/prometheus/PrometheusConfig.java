package dev.toolgate.observe.prometheus;

import dev.toolgate.config.ConfigNode;
import dev.toolgate.config.PluginSettings;

/**
 * The {@code config} of Kong's {@code prometheus} plugin, with Kong's names and defaults. The metrics
 * are served on the admin listener's {@code GET /metrics}, with the JVM's and the process's.
 *
 * @param perConsumer           add the {@code consumer} label to {@code kong_http_requests_total} and
 *                              {@code kong_bandwidth_bytes} (its username); default false
 * @param statusCodeMetrics     {@code kong_http_requests_total}: exchanges by service, route, status code and
 *                              source; default false
 * @param latencyMetrics        {@code kong_request_latency_ms}, {@code kong_upstream_latency_ms},
 *                              {@code kong_kong_latency_ms} histograms; default false
 * @param bandwidthMetrics      {@code kong_bandwidth_bytes} by direction ({@code ingress}, {@code egress}); default false
 * @param upstreamHealthMetrics {@code kong_upstream_target_health}: each called service's passive health
 *                              ({@code healthy}/{@code unhealthy}, from its calls' outcomes); default false
 * @param aiMetrics             the MCP metrics of routes whose ai-mcp-proxy sets {@code logging.log_statistics}:
 *                              {@code kong_ai_mcp_latency_ms}, {@code kong_ai_mcp_response_body_size_bytes},
 *                              {@code kong_ai_mcp_error_total}, and the tool ACL counters
 *                              {@code kong_ai_mcp_acl_allowed_total} / {@code kong_ai_mcp_acl_denied_total}; default false
 * @param wasmMetrics           Kong's WebAssembly filter metrics: accepted, nothing to report (Toolgate runs no filters)
 */
public record PrometheusConfig(boolean perConsumer, boolean statusCodeMetrics, boolean latencyMetrics,
                               boolean bandwidthMetrics, boolean upstreamHealthMetrics, boolean aiMetrics,
                               boolean wasmMetrics) implements PluginSettings {

    static PrometheusConfig read(ConfigNode node) {
        PrometheusConfig config = new PrometheusConfig(node.bool("per_consumer", false),
                node.bool("status_code_metrics", false), node.bool("latency_metrics", false),
                node.bool("bandwidth_metrics", false), node.bool("upstream_health_metrics", false),
                node.bool("ai_metrics", false), node.bool("wasm_metrics", false));
        return config;
    }
}
