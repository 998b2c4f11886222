package dev.toolgate.observe.otel;

import dev.toolgate.config.Redacted;
import dev.toolgate.observe.LabelBounds;
import dev.toolgate.observe.McpEvent;
import dev.toolgate.observe.Origin;
import dev.toolgate.observe.TraceIds;
import dev.toolgate.observe.UpstreamHttp;
import io.opentelemetry.api.common.AttributeKey;
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
 * sent one), and a CLIENT span for the call upstream, whose id the upstream received as its parent: in
 * passthrough an MCP request named as the server span, for a converted tool a REST call named and attributed
 * by the HTTP client conventions ({@code GET /widgets/{id}}); both with the HTTP request's method, URL and status.
 */
final class McpSpans {

    private final InstrumentationScopeInfo scope;
    private final Resource resource;

    McpSpans(InstrumentationScopeInfo scope, Resource resource) {
        this.scope = scope;
        this.resource = resource;
    }

    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("mcp.method.name");
    private static final AttributeKey<String> SESSION = AttributeKey.stringKey("mcp.session.id");
    private static final AttributeKey<String> PROTOCOL = AttributeKey.stringKey("mcp.protocol.version");
    private static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("jsonrpc.request.id");
    private static final AttributeKey<String> TOOL = AttributeKey.stringKey("gen_ai.tool.name");
    private static final AttributeKey<String> PROMPT = AttributeKey.stringKey("gen_ai.prompt.name");
    private static final AttributeKey<String> RESOURCE = AttributeKey.stringKey("mcp.resource.uri");
    private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    private static final AttributeKey<String> RPC_STATUS = AttributeKey.stringKey("rpc.response.status_code");
    private static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.stringKey("client.address");
    private static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("kong.route.name");
    private static final AttributeKey<String> SERVICE = AttributeKey.stringKey("kong.service.name");
    private static final AttributeKey<String> CONSUMER = AttributeKey.stringKey("kong.consumer.name");
    private static final AttributeKey<String> TRANSPORT = AttributeKey.stringKey("network.transport");
    private static final AttributeKey<String> PROTOCOL_NAME = AttributeKey.stringKey("network.protocol.name");
    private static final AttributeKey<String> PEER = AttributeKey.stringKey("peer.service");
    private static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
    private static final AttributeKey<String> URL_TEMPLATE = AttributeKey.stringKey("url.template");
    private static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    private static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    private static final AttributeKey<Long> CLIENT_PORT = AttributeKey.longKey("client.port");
    /** The {@code mcp.method.name} of a method nothing proves real. */
    static final String OTHER_METHOD = "_OTHER";
    /** The longest status description kept: a server chooses its error messages. */
    private static final int MOST_DESCRIBED = 256;
    /** The most attributes a span gets: the common ones and the server span's own. */
    private static final int MOST = 20;

    /** The spans of a traced, sampled message (none otherwise). */
    List<SpanData> of(McpEvent e) {
        TraceIds ids = e.trace();
        if (ids == null || !ids.sampled()) {
            return List.of();
        }
        TraceFlags flags = TraceFlags.getSampled();
        TraceState state = TraceState.getDefault();
        // the hex made here, where the marshaler reads it next, not on the event loop
        String traceId = ids.traceId();
        SpanContext server = SpanContext.create(traceId, ids.spanId(), flags, state);
        String parentId = ids.parentSpanId();
        SpanContext parent = parentId == null ? SpanContext.getInvalid()
                : SpanContext.createFromRemoteParent(traceId, parentId, flags, state);
        long start = e.startedAtMillis() * 1_000_000;
        String method = method(e);
        String target = tool(e);
        if (target == null) {
            target = prompt(e);
        }
        String name = target != null ? method + " " + target : method;
        String errorType = e.otelErrorType();
        StatusData status = errorType == null ? StatusData.unset() : StatusData.create(StatusCode.ERROR, description(e));
        Origin origin = e.origin();
        SpanAttributes attributes = common(e, errorType)
                .put(CLIENT_ADDRESS, origin.clientIp())
                .put(CLIENT_PORT, origin.clientPort() > 0 ? (long) origin.clientPort() : null)
                .put(SERVER_ADDRESS, host(origin.authority()))
                .put(SERVER_PORT, port(origin.authority()))
                .put(ROUTE, origin.route().routeName())
                .put(SERVICE, origin.route().serviceName())
                .put(CONSUMER, origin.consumerLabel())
                .put(TRANSPORT, "tcp")
                .put(PROTOCOL_NAME, "http");
        SpanData serverSpan = new McpSpan(name, SpanKind.SERVER, server, parent, status, start,
                start + e.latencyNanos(), attributes, scope, resource);
        if (e.upstreamNanos() < 0 || e.upstreamOffsetNanos() < 0) {
            return List.of(serverSpan);
        }
        boolean passthrough = "passthrough-listener".equals(origin.route().mode());
        UpstreamHttp http = e.upstreamHttp();
        boolean failed = e.upstreamFailed() || e.upstreamStatus() >= 400;
        String httpError = failed ? httpErrorType(e.upstreamStatus()) : null;
        // passthrough's call is an MCP request (its error is the message's, else the HTTP one); a tool's a REST call
        SpanAttributes upstream = (passthrough ? common(e, errorType != null ? errorType : httpError)
                : new SpanAttributes(8).put(ERROR_TYPE, httpError))
                .put(SERVER_ADDRESS, host(e.upstreamAddress()))
                .put(SERVER_PORT, port(e.upstreamAddress()))
                .put(PEER, e.upstream())
                .put(HTTP_METHOD, http == null ? null : http.method())
                .put(URL_FULL, http == null ? null : http.url())
                .put(URL_TEMPLATE, http == null ? null : http.template())
                .put(HTTP_STATUS, e.upstreamStatus() > 0 ? (long) e.upstreamStatus() : null);
        StatusData upstreamStatus = !failed ? StatusData.unset()
                : StatusData.create(StatusCode.ERROR, e.upstreamStatus() == 0 ? "no answer" : "HTTP " + e.upstreamStatus());
        long upstreamStart = start + e.upstreamOffsetNanos();
        // a tool's REST call is named as the HTTP client conventions name one: {method} {url.template}
        String clientName = passthrough ? name : http != null ? http.spanName() : "HTTP";
        SpanData client = new McpSpan(clientName,
                SpanKind.CLIENT, SpanContext.create(traceId, ids.upstreamSpanId(), flags, state), server,
                upstreamStatus, upstreamStart, upstreamStart + e.upstreamNanos(), upstream, scope, resource);
        return List.of(serverSpan, client);
    }

    private static SpanAttributes common(McpEvent e, String errorType) {
        return new SpanAttributes(MOST)
                .put(METHOD, method(e))
                .put(SESSION, e.session())
                .put(PROTOCOL, e.origin().protocol())
                .put(REQUEST_ID, e.idValue())
                .put(TOOL, tool(e))
                .put(PROMPT, prompt(e))
                .put(RESOURCE, resource(e))
                .put(OPERATION, e.operation())
                .put(ERROR_TYPE, errorType)
                .put(RPC_STATUS, e.errorCode() == null ? null : e.errorCode().toString());
    }

    /**
     * The upstream call's {@code error.type} by the HTTP client conventions: the status code as text for an error
     * answer, {@code transport_error} when none came (unreachable, timed out), as the MCP spans name that.
     */
    private static String httpErrorType(int status) {
        return status > 0 ? Integer.toString(status) : "transport_error";
    }

    /** The status description: the JSON-RPC error's message, as the conventions ask, else the error type. */
    private static String description(McpEvent e) {
        String message = e.errorCode() != null && e.error() != null ? e.error() : e.otelErrorType();
        return message.length() <= MOST_DESCRIBED ? message : message.substring(0, MOST_DESCRIBED);
    }

    /**
     * The method a span names: {@value #OTHER_METHOD}, as the conventions ask for a value outside the known set,
     * unless MCP defines it or a request with it was answered (what {@link LabelBounds} takes as a metric label).
     * A client may send any method, as long as a body, and each would be a span name of its own.
     */
    private static String method(McpEvent e) {
        return e.method() == null || LabelBounds.methodProven(e) ? e.method() : OTHER_METHOD;
    }

    /**
     * The tool a span names, or null: only one the event proves real (the route has it, or the call
     * succeeded). A client may send any name up to 256 characters, and each would be a span name of its
     * own where the conventions ask for a low-cardinality target.
     */
    private static String tool(McpEvent e) {
        return e.tool() != null && LabelBounds.proven(e) ? e.tool() : null;
    }

    /**
     * The prompt of a {@code prompts/get} that was answered without an error, or null: a name the server did not
     * refuse is one it has, and the rest would be span names a client made up.
     */
    private static String prompt(McpEvent e) {
        return e.target() != null && "prompts/get".equals(e.method()) && !e.failed() ? e.target() : null;
    }

    /**
     * The resource's URI ({@code resources/read}, {@code /subscribe}, {@code /unsubscribe}; the event cut it at
     * {@link McpEvent#MAX_TEXT}), or null: an attribute only, never in the span's name, as the conventions ask of
     * a value this varied.
     */
    private static String resource(McpEvent e) {
        // a resource URI may carry credentials (a signed URL's sig=, a database URL's password): masked as the
        // Admin API and the logs mask URLs
        return e.target() != null && e.method().startsWith("resources/") ? Redacted.url(e.target()) : null;
    }

    /**
     * The host of a {@code host[:port]} authority as {@code server.address} has it: an IPv6 literal without its
     * brackets ({@code [::1]:8000} is {@code ::1}).
     */
    static String host(String authority) {
        if (authority == null) {
            return null;
        }
        if (authority.startsWith("[")) {
            int end = authority.indexOf(']');
            return end > 0 ? authority.substring(1, end) : authority;
        }
        // the last colon: an upstream's address is its host and port joined, its host an unbracketed IPv6 literal too
        int colon = authority.lastIndexOf(':');
        return colon > 0 ? authority.substring(0, colon) : authority;
    }

    /** The port of a {@code host:port} authority, or null when it names none (or not as a port). */
    static Long port(String authority) {
        if (authority == null) {
            return null;
        }
        int colon = authority.lastIndexOf(':');
        if (colon <= 0 || authority.startsWith("[") && colon != authority.lastIndexOf(']') + 1) {
            return null;
        }
        int port = 0;
        int digits = authority.length() - colon - 1;
        if (digits == 0 || digits > 5) {
            return null;
        }
        for (int i = colon + 1; i < authority.length(); i++) {
            char c = authority.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            port = port * 10 + (c - '0');
        }
        return port > 0 && port <= 65_535 ? (long) port : null;
    }
}
