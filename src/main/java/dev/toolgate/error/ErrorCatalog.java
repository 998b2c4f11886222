package dev.toolgate.error;

import dev.toolgate.error.GatewayError.AddressRefused;
import dev.toolgate.error.GatewayError.BadHost;
import dev.toolgate.error.GatewayError.BatchNotAllowed;
import dev.toolgate.error.GatewayError.HttpsRequired;
import dev.toolgate.error.GatewayError.LengthRequired;
import dev.toolgate.error.GatewayError.RequestTooLarge;
import dev.toolgate.error.GatewayError.BodyTooLarge;
import dev.toolgate.error.GatewayError.ForbiddenOrigin;
import dev.toolgate.error.GatewayError.Internal;
import dev.toolgate.error.GatewayError.InvalidMessage;
import dev.toolgate.error.GatewayError.InvalidParams;
import dev.toolgate.error.GatewayError.InvalidHeader;
import dev.toolgate.error.GatewayError.InvalidPath;
import dev.toolgate.error.GatewayError.MalformedJson;
import dev.toolgate.error.GatewayError.MethodNotAllowed;
import dev.toolgate.error.GatewayError.MisdirectedHost;
import dev.toolgate.error.GatewayError.CrossSiteRequest;
import dev.toolgate.error.GatewayError.MethodNotFound;
import dev.toolgate.error.GatewayError.MissingSession;
import dev.toolgate.error.GatewayError.NoRoute;
import dev.toolgate.error.GatewayError.NotAcceptable;
import dev.toolgate.error.GatewayError.NotServed;
import dev.toolgate.error.GatewayError.HeaderFieldsTooLarge;
import dev.toolgate.error.GatewayError.RequestTimeout;
import dev.toolgate.error.GatewayError.SessionInQuery;
import dev.toolgate.error.GatewayError.UnboundSseTransport;
import dev.toolgate.error.GatewayError.TooManyStreams;
import dev.toolgate.error.GatewayError.TooManyConnections;
import dev.toolgate.error.GatewayError.TooManyDashboards;
import dev.toolgate.error.GatewayError.TooManySessions;
import dev.toolgate.error.GatewayError.UnknownSession;
import dev.toolgate.error.GatewayError.UnknownTool;
import dev.toolgate.error.GatewayError.UnsupportedContentEncoding;
import dev.toolgate.error.GatewayError.UnsupportedHttpVersion;
import dev.toolgate.error.GatewayError.UnsupportedMediaType;
import dev.toolgate.error.GatewayError.UnsupportedProtocolVersion;
import dev.toolgate.error.GatewayError.UnsupportedTransferCoding;
import dev.toolgate.error.GatewayError.UpstreamRateLimited;
import dev.toolgate.error.GatewayError.UpstreamTimeout;
import dev.toolgate.error.GatewayError.UpstreamUnavailable;
import dev.toolgate.error.GatewayError.AuthorizationBusy;
import dev.toolgate.error.GatewayError.AuthorizationUnavailable;
import dev.toolgate.error.GatewayError.Forbidden;
import dev.toolgate.error.GatewayError.LimitsUnavailable;
import dev.toolgate.error.GatewayError.RateLimited;
import dev.toolgate.error.GatewayError.SessionsUnavailable;
import dev.toolgate.error.GatewayError.TooManyEndedSessions;
import dev.toolgate.error.GatewayError.InvalidCredentials;
import dev.toolgate.error.GatewayError.InvalidConfiguration;
import dev.toolgate.error.GatewayError.NotFound;
import dev.toolgate.error.GatewayError.RouteRemoved;
import dev.toolgate.error.GatewayError.RouteRepointed;
import dev.toolgate.error.GatewayError.Stopping;
import dev.toolgate.error.GatewayError.StoppedAwaitingInput;
import dev.toolgate.error.GatewayError.ToolDenied;
import dev.toolgate.error.GatewayError.Unauthenticated;
import dev.toolgate.error.GatewayError.UnreadableConfig;
import dev.toolgate.error.GatewayError.ConfigTooLarge;
import dev.toolgate.error.GatewayError.ConfigLoadInProgress;
import dev.toolgate.error.GatewayError.ConfigWhileStopping;
import dev.toolgate.error.GatewayError.ListingsInProgress;
import dev.toolgate.error.GatewayError.HeaderMismatch;
import dev.toolgate.error.GatewayError.InvalidRequestState;
import dev.toolgate.error.GatewayError.MissingClientCapability;
import dev.toolgate.error.GatewayError.MissingRequestMeta;
import dev.toolgate.error.GatewayError.UnknownMethod;
import dev.toolgate.error.GatewayError.UnsupportedRevision;
import dev.toolgate.error.GatewayError.WithheldByLimit;
import dev.toolgate.error.GatewayError.WithheldForUnknownTool;
import dev.toolgate.error.GatewayError.WithheldLimitUnchecked;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.JsonRpc;
import dev.toolgate.mcp.ProtocolVersion;

import java.util.Map;

/**
 * The one table from {@link GatewayError} to what the client sees and what the logs say.
 *
 * <p>Policy: transport problems (headers, session, size, origin) are HTTP errors whose body is a
 * JSON-RPC error, as the streamable-HTTP transport allows. Message problems on a well-formed request
 * (unknown method, bad params, unknown tool) are JSON-RPC errors with HTTP 200. Unparseable bodies and
 * invalid envelopes are HTTP 400. Refusals by the policies in front of an endpoint (authentication,
 * ACLs) use Kong's statuses and words. Every one carries the id of the request it answers when that
 * could be read ({@link GatewayError#answerId}).
 */
public final class ErrorCatalog {

    /**
     * How one error is reported.
     *
     * @param status  HTTP status
     * @param rpcCode JSON-RPC error code for the body
     * @param reason  short, low-cardinality label for logs and metrics
     * @param message what the client reads; never internals
     * @param headers response headers that belong to this answer ({@code WWW-Authenticate}, {@code Allow}...)
     */
    public record Entry(int status, int rpcCode, String reason, String message, Map<String, String> headers) {

        public Entry {
            headers = Map.copyOf(headers);
        }

        Entry(int status, int rpcCode, String reason, String message) {
            this(status, rpcCode, reason, message, Map.of());
        }
    }

    /** What Kong ≥ 3.14 sends beside a tool-ACL 403 (MCP 2025-11-25 authorization errors). */
    static final String INSUFFICIENT_SCOPE = "Bearer error=\"insufficient_scope\"";

    private ErrorCatalog() {
    }

    /** The entry for {@code error}. */
    public static Entry of(GatewayError error) {
        return switch (error) {
            case MalformedJson e -> new Entry(400, JsonRpc.PARSE_ERROR, "parse_error",
                    "Parse error: " + e.detail());
            case InvalidMessage e -> new Entry(400, JsonRpc.INVALID_REQUEST, "invalid_request",
                    "Invalid Request: " + e.detail());
            case BatchNotAllowed e -> new Entry(400, JsonRpc.INVALID_REQUEST, "batch_not_allowed",
                    "Invalid Request: JSON-RPC batches are only allowed with protocol version "
                            + ProtocolVersion.BATCHING + ", not " + e.protocolVersion());
            case MethodNotFound e -> new Entry(200, JsonRpc.METHOD_NOT_FOUND, "method_not_found",
                    "Method not found: " + e.method());
            case InvalidParams e -> new Entry(200, JsonRpc.INVALID_PARAMS, "invalid_params",
                    "Invalid params: " + e.detail());
            case UnknownTool e -> new Entry(200, JsonRpc.INVALID_PARAMS, "unknown_tool",
                    "Unknown tool: " + e.name());
            case MissingSession e -> new Entry(400, JsonRpc.TRANSPORT_ERROR, "missing_session",
                    "Bad Request: Mcp-Session-Id header is required (send initialize first to get one)");
            case UnknownSession e -> new Entry(404, JsonRpc.SESSION_NOT_FOUND, "unknown_session",
                    "Session not found: it expired or was terminated; send initialize to start a new one");
            case SessionInQuery e -> new Entry(400, JsonRpc.TRANSPORT_ERROR, "session_in_query",
                    "Bad Request: this route binds sessions to their callers (server.session.strategy), and a session "
                            + "named in the query ('" + e.parameter() + "', as the HTTP+SSE transport of 2024-11-05 names "
                            + "it) cannot be bound; use the Streamable HTTP transport");
            // 405, as a server without a GET stream answers: a Streamable HTTP client (2025-03-26, no version header)
            // opening its optional stream without a session takes it for "no stream here" and goes on
            case UnboundSseTransport e -> new Entry(405, JsonRpc.TRANSPORT_ERROR, "unbound_sse_transport",
                    "Method Not Allowed: this route binds sessions to their callers (server.session.strategy), and the "
                            + "HTTP+SSE transport of 2024-11-05 (GET without Mcp-Session-Id or MCP-Protocol-Version, "
                            + "whose endpoint names the session in the query) cannot be bound; use the Streamable "
                            + "HTTP transport, or unset server.session.strategy on this route to relay it unbound",
                    Map.of("allow", "POST"));
            case UnsupportedProtocolVersion e -> new Entry(400, JsonRpc.TRANSPORT_ERROR, "unsupported_protocol_version",
                    "Bad Request: unsupported MCP-Protocol-Version '" + e.version() + "' (supported: "
                            + String.join(", ", ProtocolVersion.SUPPORTED) + ")");
            case NotAcceptable e -> new Entry(406, JsonRpc.TRANSPORT_ERROR, "not_acceptable",
                    "Not Acceptable: the Accept header must allow " + e.required());
            case UnsupportedMediaType e -> new Entry(415, JsonRpc.TRANSPORT_ERROR, "unsupported_media_type",
                    "Unsupported Media Type: Content-Type must be application/json, got '" + e.contentType() + "'");
            // the rest of the body was not read: the connection cannot be reused
            case BodyTooLarge e -> new Entry(413, JsonRpc.TRANSPORT_ERROR, "body_too_large",
                    "Payload Too Large: the request body exceeds " + e.limitBytes()
                            + " bytes (config.max_request_body_size)", Map.of("connection", "close"));
            case ForbiddenOrigin e -> new Entry(403, JsonRpc.TRANSPORT_ERROR, "forbidden_origin",
                    "Forbidden: Origin '" + e.origin() + "' is not allowed to call this endpoint");
            case MethodNotAllowed e -> new Entry(405, JsonRpc.TRANSPORT_ERROR, "method_not_allowed",
                    "Method Not Allowed: " + e.method() + " (allowed: " + e.allowed() + ")", Map.of("allow", e.allowed()));
            case TooManyStreams e -> new Entry(503, JsonRpc.TRANSPORT_ERROR, "too_many_streams",
                    "Service Unavailable: this client address already has " + e.limit() + " open GET streams or "
                            + "passthrough requests here, as many as allowed; close one or retry in 30 s",
                    Map.of("retry-after", "30"));
            case NoRoute e -> new Entry(404, JsonRpc.TRANSPORT_ERROR, "no_route",
                    "no Route matched with those values");
            case NotServed e -> new Entry(404, JsonRpc.TRANSPORT_ERROR, "not_served",
                    "route '" + e.route() + "' has no MCP listener (no ai-mcp-proxy plugin in a listening mode applies to it)");
            case UpstreamUnavailable e -> new Entry(502, JsonRpc.INTERNAL_ERROR, "upstream_unavailable",
                    "Bad Gateway: service '" + e.service() + "' is unavailable: " + e.detail());
            case UpstreamRateLimited e -> new Entry(429, JsonRpc.TRANSPORT_ERROR, "upstream_rate_limited",
                    "Too Many Requests: the MCP server refused the gateway's protocol-era probe as one request too many; "
                            + "the request was not sent; retry " + (e.retryAfterSeconds() == null ? "later"
                            : "in " + e.retryAfterSeconds() + " s"),
                    e.retryAfterSeconds() == null ? Map.of() : Map.of("retry-after", e.retryAfterSeconds().toString()));
            case UpstreamTimeout e -> new Entry(504, JsonRpc.INTERNAL_ERROR, "upstream_timeout",
                    "Gateway Timeout: service '" + e.service() + "': " + e.detail());
            case UnsupportedContentEncoding e -> new Entry(415, JsonRpc.TRANSPORT_ERROR, "unsupported_content_encoding",
                    "Unsupported Media Type: Content-Encoding '" + e.encoding() + "' is not supported (gzip, deflate or none)",
                    // the body was not read: the connection cannot be reused
                    Map.of("connection", "close"));
            case TooManySessions e -> new Entry(503, JsonRpc.TRANSPORT_ERROR, "too_many_sessions",
                    "Service Unavailable: " + e.scope() + " has as many live sessions as allowed; end one (DELETE) "
                            + "or retry in " + e.retryAfterSeconds() + " s",
                    Map.of("retry-after", Long.toString(e.retryAfterSeconds())));
            case UnsupportedHttpVersion e -> new Entry(505, JsonRpc.TRANSPORT_ERROR, "http_version_not_supported",
                    "HTTP Version Not Supported: " + e.version() + " (this listener speaks HTTP/1.0 and HTTP/1.1)");
            case UnsupportedTransferCoding e -> new Entry(501, JsonRpc.TRANSPORT_ERROR, "unsupported_transfer_coding",
                    "Not Implemented: Transfer-Encoding '" + e.codings() + "' (this listener accepts only chunked)");
            case HeaderFieldsTooLarge e -> new Entry(431, JsonRpc.TRANSPORT_ERROR, "request_header_fields_too_large",
                    "Request Header Fields Too Large: the request's headers are over " + e.limitBytes() + " bytes");
            case BadHost e -> new Entry(400, JsonRpc.TRANSPORT_ERROR, "bad_host", "Bad Request: " + e.detail());
            case InvalidPath e -> new Entry(400, JsonRpc.TRANSPORT_ERROR, "invalid_path", "Bad Request: " + e.detail());
            case InvalidHeader e -> new Entry(400, JsonRpc.TRANSPORT_ERROR, "invalid_header", "Bad Request: " + e.detail());
            case RequestTimeout e -> new Entry(408, JsonRpc.TRANSPORT_ERROR, "request_timeout",
                    "Request Timeout: the " + e.what() + " did not arrive in time");
            case TooManyConnections e -> new Entry(503, JsonRpc.TRANSPORT_ERROR, "too_many_connections",
                    "Service Unavailable: this listener already has " + e.limit() + " connections; retry shortly");
            case TooManyDashboards e -> new Entry(503, JsonRpc.TRANSPORT_ERROR, "too_many_dashboards",
                    "Service Unavailable: the dashboard is already open in " + e.limit() + " pages, as many as "
                            + "its live events are sent to; close one, or retry in 30 s", Map.of("retry-after", "30"));
            case Internal e -> new Entry(500, JsonRpc.INTERNAL_ERROR, "internal_error",
                    "Internal error (error id " + e.errorId() + ")");
            case Unauthenticated e -> new Entry(401, JsonRpc.TRANSPORT_ERROR, "unauthenticated", e.message(),
                    challenge(e.challenge()));
            case Forbidden e -> new Entry(403, JsonRpc.TRANSPORT_ERROR, "forbidden", e.message(),
                    challenge(e.challenge()));
            case ToolDenied e -> new Entry(403, JsonRpc.TRANSPORT_ERROR, "tool_denied",
                    "Forbidden: tool '" + e.name() + "' is not available to this caller",
                    challenge(e.challenge()));
            case InvalidCredentials e -> new Entry(400, JsonRpc.TRANSPORT_ERROR, "invalid_credentials", e.message(),
                    challenge(e.challenge()));
            case AuthorizationUnavailable e -> new Entry(503, JsonRpc.TRANSPORT_ERROR, "authorization_unavailable",
                    "Service Unavailable: the authorization server could not be reached to check the token; try again shortly",
                    Map.of("retry-after", "5"));
            case AuthorizationBusy e -> new Entry(503, JsonRpc.TRANSPORT_ERROR, "authorization_busy",
                    "Service Unavailable: the gateway's capacity to check tokens with the authorization server is "
                            + "exhausted; try again shortly", Map.of("retry-after", Long.toString(e.retryAfterSeconds())));
            case AddressRefused e -> new Entry(e.status(), JsonRpc.TRANSPORT_ERROR, "address_refused", e.message());
            // the rest of the body was not read: the connection cannot be reused
            case RequestTooLarge e -> new Entry(413, JsonRpc.TRANSPORT_ERROR, "request_too_large",
                    "Request size limit exceeded", Map.of("connection", "close"));
            case LengthRequired e -> new Entry(411, JsonRpc.TRANSPORT_ERROR, "length_required",
                    "A valid Content-Length header is required");
            // Kong's headers; a 426 must name the protocol to upgrade to (RFC 9110), over HTTP/1.x only
            case HttpsRequired e -> new Entry(426, JsonRpc.TRANSPORT_ERROR, "https_required",
                    "Please use HTTPS protocol", Map.of("upgrade", "TLS/1.2, HTTP/1.1", "connection", "Upgrade"));
            case NotFound e -> new Entry(404, JsonRpc.TRANSPORT_ERROR, "not_found", "Not found");
            case MisdirectedHost e -> new Entry(421, JsonRpc.TRANSPORT_ERROR, "misdirected_host",
                    "Misdirected Request: the Admin API does not answer for Host '" + e.host()
                            + "' (use an IP address or localhost, or list the name with --admin-hostname)");
            case CrossSiteRequest e -> new Entry(403, JsonRpc.TRANSPORT_ERROR, "cross_site_request",
                    "Forbidden: a page of another site (Sec-Fetch-Site: " + e.site() + ") may not call the Admin API "
                            + "through the browser; open the dashboard at this listener's own address");
            case InvalidConfiguration e -> new Entry(400, JsonRpc.INVALID_PARAMS, "invalid_configuration",
                    "declarative config is invalid: " + e.problems() + " problem(s)");
            // the rest of the body was not read: the connection cannot be reused
            case ConfigTooLarge e -> new Entry(413, JsonRpc.TRANSPORT_ERROR, "config_too_large",
                    "Payload Too Large: a declarative config may be at most " + e.limitBytes() + " bytes",
                    Map.of("connection", "close"));
            case ConfigLoadInProgress e -> new Entry(429, JsonRpc.TRANSPORT_ERROR, "config_load_in_progress",
                    "Too Many Requests: another declarative config is being loaded; retry when it is done",
                    Map.of("retry-after", "1"));
            case ConfigWhileStopping e -> new Entry(503, JsonRpc.TRANSPORT_ERROR, "config_while_stopping",
                    "Service Unavailable: the gateway is stopping and no longer takes a new configuration; "
                            + "post it to an instance that is serving");
            case ListingsInProgress e -> new Entry(429, JsonRpc.TRANSPORT_ERROR, "listings_in_progress",
                    "Too Many Requests: other entity listings are being rendered; retry when they are done",
                    Map.of("retry-after", "1"));
            case UnreadableConfig e -> new Entry(400, JsonRpc.INVALID_REQUEST, "unreadable_config",
                    "cannot read the declarative config: " + e.detail());
            case TooManyEndedSessions e -> new Entry(429, JsonRpc.TRANSPORT_ERROR, "too_many_ended_sessions",
                    "Too Many Requests: this client ended as many sessions as it may this hour; the session was not "
                            + "ended (it ends by itself after its TTL); retry in " + e.retryAfterSeconds() + " s",
                    Map.of("retry-after", Long.toString(e.retryAfterSeconds())));
            case SessionsUnavailable e -> new Entry(503, JsonRpc.TRANSPORT_ERROR, "sessions_unavailable",
                    "Service Unavailable: the session store cannot be reached; try again shortly", Map.of("retry-after", "1"));
            case RateLimited e -> new Entry(e.status(), JsonRpc.TRANSPORT_ERROR, "rate_limited", e.message(),
                    e.retryAfterSeconds() == null ? Map.of() : Map.of("retry-after", e.retryAfterSeconds().toString()));
            case LimitsUnavailable e -> new Entry(500, JsonRpc.INTERNAL_ERROR, "limits_unavailable",
                    "An unexpected error occurred: the rate-limiting counters cannot be reached "
                            + "(the plugin is not fault_tolerant)");
            // inside a batch answered with 200: the status is never sent on its own
            case WithheldByLimit e -> new Entry(200, JsonRpc.TRANSPORT_ERROR, "withheld_by_limit",
                    "Not forwarded: a call to tool '" + e.tool() + "' in the same batch is over its rate limit; "
                            + "send this request again");
            // inside a batch answered with 200; the code is the rate-limiting plugin's for unreachable counters
            case WithheldLimitUnchecked e -> new Entry(200, JsonRpc.INTERNAL_ERROR, "withheld_limit_unchecked",
                    "Not forwarded: the rate limit of tool '" + e.tool() + "', called in the same batch, cannot be "
                            + "checked right now; send this request again in a few seconds");
            case WithheldForUnknownTool e -> new Entry(200, JsonRpc.TRANSPORT_ERROR, "withheld_for_unknown_tool",
                    "Not forwarded: a call in the same batch names an unknown tool; send this request again");
            case RouteRemoved e -> new Entry(503, JsonRpc.TRANSPORT_ERROR, "route_removed",
                    "Service Unavailable: route '" + e.route() + "' was removed by a configuration reload while this "
                            + "call was in flight; the call was ended");
            // as a removal's: the request that opened the session was cut short, and another may succeed at once
            case RouteRepointed e -> new Entry(503, JsonRpc.TRANSPORT_ERROR, "route_repointed",
                    "Service Unavailable: a configuration reload changed where route '" + e.route() + "' relays; this "
                            + "session was ended, initialize again");
            case Stopping e -> new Entry(503, JsonRpc.TRANSPORT_ERROR, "stopping",
                    "stopping: new connections are refused while calls in flight finish");
            case StoppedAwaitingInput e -> new Entry(503, JsonRpc.TRANSPORT_ERROR, "stopped_awaiting_input",
                    "Service Unavailable: the gateway is stopping, and this call was waiting for the client's answer "
                            + "to the server's request, which could no longer reach it; the call was ended, send it "
                            + "again");
            case MissingRequestMeta e -> new Entry(400, JsonRpc.INVALID_PARAMS, "missing_request_meta",
                    "Invalid params: " + e.detail());
            case HeaderMismatch e -> new Entry(400, JsonRpc.HEADER_MISMATCH, "header_mismatch",
                    "Header mismatch: " + e.detail());
            case UnsupportedRevision e -> new Entry(400, JsonRpc.UNSUPPORTED_PROTOCOL_VERSION, "unsupported_revision",
                    "Unsupported protocol version '" + e.requested() + "' (supported: "
                            + String.join(", ", ProtocolVersion.MODERN) + ")");
            case MissingClientCapability e -> new Entry(400, JsonRpc.MISSING_CLIENT_CAPABILITY,
                    "missing_client_capability", "Missing required client capability: " + e.capability()
                    + " (declare it in params._meta[\"io.modelcontextprotocol/clientCapabilities\"])");
            case UnknownMethod e -> new Entry(404, JsonRpc.METHOD_NOT_FOUND, "unknown_method",
                    "Method not found: " + e.method());
            case InvalidRequestState e -> new Entry(400, JsonRpc.INVALID_PARAMS, "invalid_request_state",
                    "Invalid params: requestState " + e.detail() + "; send the request again without it");
        };
    }

    /**
     * The JSON-RPC error's {@code data} for {@code error}, or null for none: the supported and
     * requested versions of an unsupported revision, the missing capabilities (as a
     * {@code ClientCapabilities} object) of a missing capability, as 2026-07-28 defines them.
     */
    public static JsonNode data(GatewayError error) {
        return switch (error) {
            case UnsupportedRevision e -> {
                ObjectNode data = Json.object();
                ProtocolVersion.MODERN.forEach(data.putArray("supported")::add);
                data.put("requested", e.requested());
                yield data;
            }
            case MissingClientCapability e -> {
                ObjectNode data = Json.object();
                data.putObject("requiredCapabilities").putObject(e.capability());
                yield data;
            }
            default -> null;
        };
    }

    private static Map<String, String> challenge(String value) {
        return value == null ? Map.of() : Map.of("www-authenticate", value);
    }
}
