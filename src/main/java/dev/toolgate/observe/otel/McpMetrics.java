package dev.toolgate.observe.otel;

import dev.toolgate.observe.LabelBounds;
import dev.toolgate.observe.McpEvent;
import dev.toolgate.observe.Origin;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;

import java.util.List;

/**
 * The MCP metrics of the opentelemetry plugin, with the names of the OpenTelemetry MCP conventions
 * and Kong's: {@code mcp.server.operation.duration}, {@code mcp.client.operation.duration}
 * (passthrough only), {@code kong.gen_ai.mcp.response.size}, {@code kong.gen_ai.mcp.request.error.count},
 * {@code kong.gen_ai.mcp.acl.allowed} and {@code .denied}. Recorded on the event loop that offers each
 * event, as Prometheus's are: cheap (attribute sets are cached, the instruments take no lock), and never
 * behind the span queue. Method, tool and error-type attributes are bounded ({@link LabelBounds}) for as
 * long as the meter provider that keeps their series lives, which is this object's life.
 */
final class McpMetrics {

    /** The conventions' buckets for MCP operation durations, in seconds. */
    static final List<Double> DURATION_BUCKETS = List.of(0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0,
            60.0, 120.0, 300.0);
    /**
     * Response sizes, in bytes: powers of 4 from 64 B to 16 MiB, the buckets of Prometheus's
     * {@code kong_ai_mcp_response_body_size_bytes}. The SDK's default buckets are made for milliseconds (0 to
     * 10,000): every response past 10 kB would fall in the last one.
     */
    static final List<Long> SIZE_BUCKETS = List.of(64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L, 1048576L,
            4194304L, 16777216L);

    private final OpenTelemetryConfig.Metrics settings;
    private final DoubleHistogram server;
    private final DoubleHistogram client;
    private final LongHistogram size;
    private final LongCounter errors;
    private final LongCounter allowed;
    private final LongCounter denied;
    /** Attribute sets by their values: a route's few methods and tools repeat (the event loops share it). */
    private final java.util.Map<Key, Attributes> known = new java.util.concurrent.ConcurrentHashMap<>();
    private final LabelBounds labels = new LabelBounds();

    McpMetrics(Meter meter, OpenTelemetryConfig.Metrics settings) {
        this.settings = settings;
        server = meter.histogramBuilder("mcp.server.operation.duration").setUnit("s")
                .setDescription("MCP request or notification duration as observed on the receiver")
                .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build();
        client = meter.histogramBuilder("mcp.client.operation.duration").setUnit("s")
                .setDescription("MCP request or notification duration as observed on the sender")
                .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build();
        size = meter.histogramBuilder("kong.gen_ai.mcp.response.size").ofLongs().setUnit("By")
                .setDescription("MCP response body size").setExplicitBucketBoundariesAdvice(SIZE_BUCKETS).build();
        errors = meter.counterBuilder("kong.gen_ai.mcp.request.error.count").setUnit("{error}")
                .setDescription("MCP requests that ended in an error").build();
        allowed = meter.counterBuilder("kong.gen_ai.mcp.acl.allowed").setUnit("{request}")
                .setDescription("MCP tool calls the tool ACLs allowed").build();
        denied = meter.counterBuilder("kong.gen_ai.mcp.acl.denied").setUnit("{request}")
                .setDescription("MCP tool calls the tool ACLs denied").build();
    }

    void record(McpEvent e) {
        Origin origin = e.origin();
        if (!settings.enableAiMetrics() || !origin.route().statistics()) {
            return;
        }
        String errorType = labels.errorType(e.otelErrorType());
        // each distinct value is a series the provider keeps: clients choose methods and tools, servers codes
        // a method not proven real, or past the bound, is _OTHER: as on the spans, as the conventions ask (Prometheus
        // keeps "(other)")
        String method = labels.method(e, McpSpans.OTHER_METHOD);
        String tool = labels.tool(e);
        Attributes attributes = cached("op", e, method, tool, errorType, () -> {
            AttributesBuilder operation = route(origin).put("mcp.method.name", method);
            putIfPresent(operation, "gen_ai.tool.name", tool);
            putIfPresent(operation, "gen_ai.operation.name", e.operation());
            if (settings.enableRequestMetrics()) {
                putIfPresent(operation, "error.type", errorType);
            }
            return operation.build();
        });
        server.record(e.latencyNanos() / 1e9, attributes);
        if (settings.enableLatencyMetrics() && e.upstreamNanos() >= 0
                && "passthrough-listener".equals(origin.route().mode())) {
            client.record(e.upstreamNanos() / 1e9, attributes);
        }
        if (!e.notification() && !e.unanswered()) {
            size.record(e.responseBytes(), cached("size", e, method, tool, null, () -> {
                AttributesBuilder sized = route(origin).put("mcp.method.name", method);
                putIfPresent(sized, "gen_ai.tool.name", tool);
                return sized.build();
            }));
        }
        if (errorType != null && settings.enableRequestMetrics()) {
            AttributesBuilder failed = route(origin).put("mcp.method.name", method)
                    .put("error.type", errorType);
            putIfPresent(failed, "gen_ai.tool.name", tool);
            errors.add(1, failed.build());
        }
        if (e.acl() != null && tool != null) {
            Attributes acl = route(origin).put("kong.gen_ai.mcp.primitive", "tool")
                    .put("kong.gen_ai.mcp.primitive_name", tool).build();
            ("allow".equals(e.acl()) ? allowed : denied).add(1, acl);
        }
    }

    /**
     * What an attribute set is made of: a route's few methods and tools repeat, so sets are made once. The
     * route's and service's names, not the route's id: this object outlives reloads that rename a route or
     * move it to another service, and its sets must then carry the new names.
     */
    private record Key(String kind, String route, String service, String method, String tool, String errorType,
                       String consumer) {
    }

    private Attributes cached(String kind, McpEvent e, String method, String tool, String errorType,
                              java.util.function.Supplier<Attributes> make) {
        Origin.RouteFacts route = e.origin().route();
        Key key = new Key(kind, route.routeName(), route.serviceName(), method, tool, errorType,
                settings.enableConsumerAttribute() ? e.origin().consumerLabel() : null);
        Attributes attributes = known.get(key);
        if (attributes == null) {
            attributes = make.get();
            if (known.size() < 10_000) {
                known.put(key, attributes);
            }
        }
        return attributes;
    }

    private AttributesBuilder route(Origin origin) {
        AttributesBuilder a = Attributes.builder().put("kong.route.name", origin.route().routeName())
                .put("kong.workspace.name", "default");
        putIfPresent(a, "kong.service.name", origin.route().serviceName());
        if (settings.enableConsumerAttribute()) {
            putIfPresent(a, "kong.consumer.name", origin.consumerLabel());
        }
        return a;
    }

    private static void putIfPresent(AttributesBuilder a, String key, String value) {
        if (value != null) {
            a.put(key, value);
        }
    }
}
