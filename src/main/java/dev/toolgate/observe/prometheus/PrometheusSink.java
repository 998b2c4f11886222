package dev.toolgate.observe.prometheus;

import dev.toolgate.observe.ExchangeEvent;
import dev.toolgate.observe.McpEvent;
import dev.toolgate.observe.Origin;
import dev.toolgate.observe.TrafficSink;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@code prometheus} plugin instance: records the exchanges and messages of the routes it applies
 * to in {@link KongMetrics}, as its switches say. Updates are lock-free counters and buckets, done on
 * the event loop.
 */
final class PrometheusSink implements TrafficSink {

    /** Distinct tool labels kept; tool names can come from clients, and each is a series. */
    private static final int MAX_TOOLS = 1000;

    private final PrometheusConfig config;
    private final KongMetrics metrics;
    private final ConcurrentHashMap<String, Boolean> tools = new ConcurrentHashMap<>();

    PrometheusSink(PrometheusConfig config, KongMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    @Override
    public void message(McpEvent e) {
        Origin.RouteFacts route = e.origin().route();
        if (!config.aiMetrics() || !route.statistics()) {
            return;
        }
        String service = text(route.serviceName());
        String tool = toolLabel(e.tool());
        String method = text(e.method());
        metrics.mcpLatency.labelValues(service, route.routeName(), method, KongMetrics.WORKSPACE, tool)
                .observe(e.latencyNanos() / 1e6);
        if (!e.notification()) {
            metrics.mcpResponseSize.labelValues(service, route.routeName(), method, KongMetrics.WORKSPACE, tool)
                    .observe(e.responseBytes());
        }
        String type = e.errorType();
        if (type != null) {
            metrics.mcpErrors.labelValues(service, route.routeName(), method, KongMetrics.WORKSPACE, tool, type).inc();
        }
        if (e.acl() != null) {
            ("allow".equals(e.acl()) ? metrics.aclAllowed : metrics.aclDenied)
                    .labelValues(service, route.routeName(), KongMetrics.WORKSPACE, "tool", tool).inc();
        }
    }

    @Override
    public void exchange(ExchangeEvent x) {
        Origin.RouteFacts route = x.origin().route();
        String service = text(route.serviceName());
        String consumer = config.perConsumer() ? text(x.origin().consumerLabel()) : "";
        if (config.statusCodeMetrics()) {
            metrics.requests.labelValues(service, route.routeName(), Integer.toString(x.status()), x.source(),
                    KongMetrics.WORKSPACE, consumer).inc();
        }
        if (config.latencyMetrics()) {
            double total = x.latencyNanos() / 1e6;
            metrics.requestLatency.labelValues(service, route.routeName(), KongMetrics.WORKSPACE).observe(total);
            if (x.upstreamNanos() >= 0) {
                double upstream = x.upstreamNanos() / 1e6;
                metrics.upstreamLatency.labelValues(service, route.routeName(), KongMetrics.WORKSPACE).observe(upstream);
                metrics.kongLatency.labelValues(service, route.routeName(), KongMetrics.WORKSPACE)
                        .observe(Math.max(0, total - upstream));
            } else {
                metrics.kongLatency.labelValues(service, route.routeName(), KongMetrics.WORKSPACE).observe(total);
            }
        }
        if (config.bandwidthMetrics()) {
            metrics.bandwidth.labelValues(service, route.routeName(), "ingress", KongMetrics.WORKSPACE, consumer)
                    .inc(x.requestBytes());
            metrics.bandwidth.labelValues(service, route.routeName(), "egress", KongMetrics.WORKSPACE, consumer)
                    .inc(x.responseBytes());
        }
    }

    private String toolLabel(String tool) {
        if (tool == null) {
            return "";
        }
        if (tools.containsKey(tool)) {
            return tool;
        }
        if (tools.size() >= MAX_TOOLS) {
            return "(other)";
        }
        tools.putIfAbsent(tool, Boolean.TRUE);
        return tool;
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }
}
