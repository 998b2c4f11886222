package dev.toolgate.observe.prometheus;

import dev.toolgate.observe.ExchangeEvent;
import dev.toolgate.observe.McpEvent;
import dev.toolgate.observe.Origin;
import dev.toolgate.observe.TrafficSink;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@code prometheus} plugin instance: records the exchanges and messages of the routes it applies
 * to in {@link KongMetrics}, as its switches say. Updates are lock-free counters and buckets, done on
 * the event loop; the series of a route (by status, source and consumer, and by method and tool) are
 * looked up once and kept (the client's label lookup made a list and hashed it for each of eight series
 * per call). Method, tool and error-type labels are bounded by the metrics' {@link dev.toolgate.observe.LabelBounds}.
 */
final class PrometheusSink implements TrafficSink {

    private final PrometheusConfig config;
    private final KongMetrics metrics;
    private final ConcurrentHashMap<Origin.RouteFacts, RouteSeries> routes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ToolKey, ToolSeries> toolSeries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ExchangeKey, ExchangeSeries> exchanges = new ConcurrentHashMap<>();

    PrometheusSink(PrometheusConfig config, KongMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    /** The latency series of a route (their labels are the route's alone). */
    private record RouteSeries(DistributionDataPoint request, DistributionDataPoint upstream,
                               DistributionDataPoint kong) {
    }

    private record ToolKey(Origin.RouteFacts route, String method, String tool) {
    }

    /** Status codes, two sources and the configured consumers: a route has few of these. */
    private record ExchangeKey(Origin.RouteFacts route, int status, String source, String consumer) {
    }

    /**
     * Kong's request counter (null when off) and bandwidth of one status, source and consumer of a route.
     * A direction's series is made by its first bytes, as Kong's exporter adds only sizes above 0: a route
     * whose requests were all refused unread shows no ingress series at 0.
     */
    private final class ExchangeSeries {

        private final ExchangeKey key;
        private final String service;
        private final CounterDataPoint requests;
        private volatile GaugeDataPoint ingress;
        private volatile GaugeDataPoint egress;

        ExchangeSeries(ExchangeKey key, String service) {
            this.key = key;
            this.service = service;
            this.requests = config.statusCodeMetrics() ? metrics.requests.labelValues(service, key.route().routeName(),
                    Integer.toString(key.status()), key.source(), KongMetrics.WORKSPACE, key.consumer()) : null;
        }

        void count(long requestBytes, long responseBytes) {
            if (requests != null) {
                requests.inc();
            }
            if (!config.bandwidthMetrics()) {
                return;
            }
            if (requestBytes > 0) {
                GaugeDataPoint in = ingress;
                (in != null ? in : (ingress = direction("ingress"))).inc(requestBytes);
            }
            if (responseBytes > 0) {
                GaugeDataPoint out = egress;
                (out != null ? out : (egress = direction("egress"))).inc(responseBytes);
            }
        }

        /** The client returns the same series for the same labels, so two loops making it at once is harmless. */
        private GaugeDataPoint direction(String direction) {
            return metrics.bandwidth.labelValues(service, key.route().routeName(), direction, KongMetrics.WORKSPACE,
                    key.consumer());
        }
    }

    /** The MCP series of one method and tool of a route. */
    private record ToolSeries(DistributionDataPoint latency, DistributionDataPoint size) {
    }

    @Override
    public void message(McpEvent e) {
        Origin.RouteFacts route = e.origin().route();
        if (!config.aiMetrics() || !route.statistics()) {
            return;
        }
        // the bounds live with the metrics, not with this sink: a reload rebuilds the sink, never the series
        String tool = text(metrics.labels.tool(e));
        String method = text(metrics.labels.method(e));
        ToolSeries series = toolSeries.computeIfAbsent(new ToolKey(route, method, tool), k -> new ToolSeries(
                metrics.mcpLatency.labelValues(text(route.serviceName()), route.routeName(), method,
                        KongMetrics.WORKSPACE, tool),
                metrics.mcpResponseSize.labelValues(text(route.serviceName()), route.routeName(), method,
                        KongMetrics.WORKSPACE, tool)));
        series.latency().observe(e.latencyNanos() / 1e6);
        if (!e.notification() && !e.unanswered()) {
            // a call that got no answer has no answer's size (Kong observes the size of a response)
            series.size().observe(e.responseBytes());
        }
        String type = e.errorType();
        if (type != null) {
            metrics.mcpErrors.labelValues(text(route.serviceName()), route.routeName(), method, KongMetrics.WORKSPACE,
                    tool, metrics.labels.errorType(type)).inc();
        }
        if (e.acl() != null) {
            ("allow".equals(e.acl()) ? metrics.aclAllowed : metrics.aclDenied)
                    .labelValues(text(route.serviceName()), route.routeName(), KongMetrics.WORKSPACE, "tool", tool).inc();
        }
    }

    @Override
    public void exchange(ExchangeEvent x) {
        Origin.RouteFacts route = x.origin().route();
        String service = text(route.serviceName());
        if (config.statusCodeMetrics() || config.bandwidthMetrics()) {
            String consumer = config.perConsumer() ? text(x.origin().consumerLabel()) : "";
            // Kong's exporter: "service" when the service answered (kong.response.get_source()), else "kong";
            // its log serializer's word for the same is "upstream", which the log entry keeps
            String source = "upstream".equals(x.source()) ? "service" : "kong";
            exchanges.computeIfAbsent(new ExchangeKey(route, x.status(), source, consumer),
                    k -> new ExchangeSeries(k, service)).count(x.requestBytes(), x.responseBytes());
        }
        if (config.latencyMetrics()) {
            RouteSeries series = routes.computeIfAbsent(route, r -> new RouteSeries(
                    metrics.requestLatency.labelValues(service, r.routeName(), KongMetrics.WORKSPACE),
                    metrics.upstreamLatency.labelValues(service, r.routeName(), KongMetrics.WORKSPACE),
                    metrics.kongLatency.labelValues(service, r.routeName(), KongMetrics.WORKSPACE)));
            double total = x.latencyNanos() / 1e6;
            series.request().observe(total);
            if (x.upstreamNanos() >= 0) {
                double upstream = x.upstreamNanos() / 1e6;
                series.upstream().observe(upstream);
                series.kong().observe(Math.max(0, total - upstream));
            } else {
                series.kong().observe(total);
            }
        }
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }
}
