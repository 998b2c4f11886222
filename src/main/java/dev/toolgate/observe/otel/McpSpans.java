package dev.toolgate.observe.otel;

import dev.toolgate.observe.McpEvent;
import dev.toolgate.observe.Origin;
import dev.toolgate.observe.TraceIds;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;

import java.util.List;

/**
 * The spans of one MCP message, named and attributed by the OpenTelemetry MCP semantic conventions:
 * the gateway's SERVER span {@code {mcp.method.name} {target}} (child of the client's span when it
 * sent one), and a CLIENT span for the call upstream, whose id the upstream received as its parent.
 */
final class McpSpans {

    private final InstrumentationScopeInfo scope;
    private final Resource resource;

    McpSpans(InstrumentationScopeInfo scope, Resource resource) {
        this.scope = scope;
        this.resource = resource;
    }

    /** The spans of a traced, sampled message (none otherwise). */
    List<SpanData> of(McpEvent e) {
        TraceIds ids = e.trace();
        if (ids == null || !ids.sampled()) {
            return List.of();
        }
        TraceFlags flags = TraceFlags.getSampled();
        TraceState state = TraceState.getDefault();
        SpanContext server = SpanContext.create(ids.traceId(), ids.spanId(), flags, state);
        SpanContext parent = ids.parentSpanId() == null ? SpanContext.getInvalid()
                : SpanContext.createFromRemoteParent(ids.traceId(), ids.parentSpanId(), flags, state);
        long start = e.startedAtMillis() * 1_000_000;
        String name = e.tool() != null ? e.method() + " " + e.tool() : e.method();
        String errorType = e.errorType();
        StatusData status = errorType == null ? StatusData.unset() : StatusData.create(StatusCode.ERROR, errorType);
        Origin origin = e.origin();
        AttributesBuilder attributes = common(e, errorType);
        put(attributes, "client.address", origin.clientIp());
        put(attributes, "server.address", host(origin.authority()));
        put(attributes, "kong.route.name", origin.route().routeName());
        put(attributes, "kong.service.name", origin.route().serviceName());
        put(attributes, "kong.consumer.name", origin.consumerLabel());
        attributes.put("network.transport", "tcp");
        attributes.put("network.protocol.name", "http");
        SpanData serverSpan = new McpSpan(name, SpanKind.SERVER, server, parent, status, start,
                start + e.latencyNanos(), attributes.build(), scope, resource);
        if (e.upstreamNanos() < 0 || e.upstreamOffsetNanos() < 0) {
            return List.of(serverSpan);
        }
        boolean passthrough = "passthrough-listener".equals(origin.route().mode());
        AttributesBuilder upstream = passthrough ? common(e, errorType) : Attributes.builder();
        put(upstream, "server.address", host(e.upstreamAddress()));
        put(upstream, "peer.service", e.upstream());
        if (e.upstreamStatus() > 0) {
            upstream.put(AttributeKey.longKey("http.response.status_code"), e.upstreamStatus());
        }
        boolean failed = e.upstreamFailed() || e.upstreamStatus() >= 400;
        StatusData upstreamStatus = !failed ? StatusData.unset()
                : StatusData.create(StatusCode.ERROR, e.upstreamStatus() == 0 ? "no answer" : "HTTP " + e.upstreamStatus());
        long upstreamStart = start + e.upstreamOffsetNanos();
        SpanData client = new McpSpan(passthrough ? name : "tool call " + (e.upstream() == null ? "" : e.upstream()),
                SpanKind.CLIENT, SpanContext.create(ids.traceId(), ids.upstreamSpanId(), flags, state), server,
                upstreamStatus, upstreamStart, upstreamStart + e.upstreamNanos(), upstream.build(), scope, resource);
        return List.of(serverSpan, client);
    }

    private static AttributesBuilder common(McpEvent e, String errorType) {
        AttributesBuilder a = Attributes.builder();
        a.put("mcp.method.name", e.method());
        put(a, "mcp.session.id", e.session());
        put(a, "mcp.protocol.version", e.origin().protocol());
        put(a, "jsonrpc.request.id", e.id() == null ? null : e.id().startsWith("\"")
                ? e.id().substring(1, e.id().length() - 1) : e.id());
        put(a, "gen_ai.tool.name", e.tool());
        put(a, "gen_ai.operation.name", e.operation());
        put(a, "error.type", errorType);
        if (e.errorCode() != null) {
            a.put(AttributeKey.longKey("rpc.response.status_code"), e.errorCode());
        }
        return a;
    }

    private static void put(AttributesBuilder a, String key, String value) {
        if (value != null) {
            a.put(key, value);
        }
    }

    private static String host(String authority) {
        if (authority == null) {
            return null;
        }
        int colon = authority.lastIndexOf(':');
        return colon > 0 && !authority.endsWith("]") ? authority.substring(0, colon) : authority;
    }
}
