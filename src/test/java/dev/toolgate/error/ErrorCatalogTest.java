package dev.toolgate.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.toolgate.mcp.JsonRpc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** One row per GatewayError variant: what the client gets for it. A variant without a row fails the suite. */
class ErrorCatalogTest {

    private static final JsonNode ID = IntNode.valueOf(7);

    /** error, HTTP status, JSON-RPC code, reason, details the message must contain. */
    static Stream<Arguments> rows() {
        return Stream.of(
                arguments(new GatewayError.MalformedJson("Unexpected character ('x')"), 400, JsonRpc.PARSE_ERROR,
                        "parse_error", List.of("Parse error: ", "Unexpected character ('x')")),
                arguments(new GatewayError.InvalidMessage(ID, "\"jsonrpc\" must be \"2.0\""), 400,
                        JsonRpc.INVALID_REQUEST, "invalid_request", List.of("Invalid Request: ", "\"jsonrpc\" must be")),
                arguments(new GatewayError.BatchNotAllowed("2025-06-18"), 400, JsonRpc.INVALID_REQUEST,
                        "batch_not_allowed", List.of("batches", "2025-03-26", "not 2025-06-18")),
                arguments(new GatewayError.MethodNotFound(ID, "resources/list"), 200, JsonRpc.METHOD_NOT_FOUND,
                        "method_not_found", List.of("Method not found: resources/list")),
                arguments(new GatewayError.InvalidParams(ID, "arguments must be an object"), 200,
                        JsonRpc.INVALID_PARAMS, "invalid_params", List.of("Invalid params: arguments must be an object")),
                arguments(new GatewayError.UnknownTool(ID, "get_weather"), 200, JsonRpc.INVALID_PARAMS,
                        "unknown_tool", List.of("Unknown tool: get_weather")),
                arguments(new GatewayError.MissingSession(), 400, JsonRpc.TRANSPORT_ERROR, "missing_session",
                        List.of("Mcp-Session-Id", "initialize")),
                arguments(new GatewayError.UnknownSession(), 404, JsonRpc.SESSION_NOT_FOUND, "unknown_session",
                        List.of("Session not found", "initialize")),
                arguments(new GatewayError.SessionInQuery("sessionId"), 400, JsonRpc.TRANSPORT_ERROR,
                        "session_in_query", List.of("Bad Request: ", "'sessionId'", "server.session.strategy",
                                "Streamable HTTP")),
                arguments(new GatewayError.UnsupportedProtocolVersion("2024-11-05"), 400, JsonRpc.TRANSPORT_ERROR,
                        "unsupported_protocol_version", List.of("'2024-11-05'", "2025-03-26, 2025-06-18, 2025-11-25")),
                arguments(new GatewayError.NotAcceptable("application/json and text/event-stream"), 406,
                        JsonRpc.TRANSPORT_ERROR, "not_acceptable", List.of("Accept", "application/json and text/event-stream")),
                arguments(new GatewayError.UnsupportedMediaType("text/plain"), 415, JsonRpc.TRANSPORT_ERROR,
                        "unsupported_media_type", List.of("application/json", "'text/plain'")),
                arguments(new GatewayError.BodyTooLarge(1_048_576), 413, JsonRpc.TRANSPORT_ERROR, "body_too_large",
                        List.of("1048576 bytes", "max_request_body_size")),
                arguments(new GatewayError.ForbiddenOrigin("https://evil.example"), 403, JsonRpc.TRANSPORT_ERROR,
                        "forbidden_origin", List.of("Forbidden", "'https://evil.example'")),
                arguments(new GatewayError.MethodNotAllowed("PUT", "GET, POST, DELETE"), 405, JsonRpc.TRANSPORT_ERROR,
                        "method_not_allowed", List.of("PUT", "GET, POST, DELETE")),
                arguments(new GatewayError.NoRoute("GET", "/nope"), 404, JsonRpc.TRANSPORT_ERROR, "no_route",
                        List.of("no Route matched with those values")),
                arguments(new GatewayError.NotServed("tools-route"), 404, JsonRpc.TRANSPORT_ERROR, "not_served",
                        List.of("'tools-route'", "no MCP listener")),
                arguments(new GatewayError.UpstreamUnavailable("shop", "connection refused"), 502,
                        JsonRpc.INTERNAL_ERROR, "upstream_unavailable", List.of("'shop'", "connection refused")),
                arguments(new GatewayError.UpstreamRateLimited(7L), 429, JsonRpc.TRANSPORT_ERROR,
                        "upstream_rate_limited", List.of("Too Many Requests", "retry in 7 s")),
                arguments(new GatewayError.UpstreamTimeout("shop", "no answer within 10000 ms (service read_timeout)"),
                        504, JsonRpc.INTERNAL_ERROR, "upstream_timeout", List.of("'shop'", "10000 ms", "read_timeout")),
                arguments(new GatewayError.UnsupportedContentEncoding("br"), 415, JsonRpc.TRANSPORT_ERROR,
                        "unsupported_content_encoding", List.of("Content-Encoding 'br'", "gzip, deflate")),
                arguments(new GatewayError.TooManySessions("this client address", 30), 503, JsonRpc.TRANSPORT_ERROR,
                        "too_many_sessions", List.of("this client address", "retry in 30 s")),
                arguments(new GatewayError.UnsupportedHttpVersion("HTTP/9.9"), 505, JsonRpc.TRANSPORT_ERROR,
                        "http_version_not_supported", List.of("HTTP/9.9", "HTTP/1.1")),
                arguments(new GatewayError.UnsupportedTransferCoding("gzip, chunked"), 501, JsonRpc.TRANSPORT_ERROR,
                        "unsupported_transfer_coding", List.of("Not Implemented: ", "'gzip, chunked'", "only chunked")),
                arguments(new GatewayError.BadHost("an HTTP/1.1 request needs a Host header"), 400,
                        JsonRpc.TRANSPORT_ERROR, "bad_host", List.of("Bad Request: ", "Host header")),
                arguments(new GatewayError.InvalidPath("the request path is not valid UTF-8"), 400,
                        JsonRpc.TRANSPORT_ERROR, "invalid_path", List.of("Bad Request: ", "UTF-8")),
                arguments(new GatewayError.InvalidHeader("the header name is not valid"), 400,
                        JsonRpc.TRANSPORT_ERROR, "invalid_header", List.of("Bad Request: ", "header name")),
                arguments(new GatewayError.HeaderFieldsTooLarge(8192), 431, JsonRpc.TRANSPORT_ERROR,
                        "request_header_fields_too_large", List.of("Request Header Fields Too Large", "8192 bytes")),
                arguments(new GatewayError.RequestTimeout("request head"), 408, JsonRpc.TRANSPORT_ERROR,
                        "request_timeout", List.of("Request Timeout", "request head")),
                arguments(new GatewayError.TooManyConnections(10), 503, JsonRpc.TRANSPORT_ERROR,
                        "too_many_connections", List.of("10 connections")),
                arguments(new GatewayError.TooManyDashboards(16), 503, JsonRpc.TRANSPORT_ERROR,
                        "too_many_dashboards", List.of("16 pages")),
                arguments(new GatewayError.Internal("err-1234"), 500, JsonRpc.INTERNAL_ERROR, "internal_error",
                        List.of("error id err-1234")),
                arguments(new GatewayError.Unauthenticated("No API key found in request", "Key"), 401,
                        JsonRpc.TRANSPORT_ERROR, "unauthenticated", List.of("No API key found in request")),
                arguments(new GatewayError.Forbidden("You cannot consume this service", null), 403,
                        JsonRpc.TRANSPORT_ERROR, "forbidden", List.of("You cannot consume this service")),
                arguments(new GatewayError.ToolDenied(ID, "delete_user"), 403, JsonRpc.TRANSPORT_ERROR, "tool_denied",
                        List.of("Forbidden", "'delete_user'")),
                arguments(new GatewayError.InvalidCredentials("Bad Request: send one Authorization header",
                                "Bearer error=\"invalid_request\""), 400, JsonRpc.TRANSPORT_ERROR, "invalid_credentials",
                        List.of("one Authorization header")),
                arguments(new GatewayError.AuthorizationUnavailable(), 503, JsonRpc.TRANSPORT_ERROR,
                        "authorization_unavailable", List.of("authorization server could not be reached")),
                arguments(new GatewayError.AuthorizationBusy(), 503, JsonRpc.TRANSPORT_ERROR,
                        "authorization_busy", List.of("capacity to check tokens", "exhausted")),
                arguments(new GatewayError.AddressRefused(451, "IP address not allowed: 10.1.2.3"), 451,
                        JsonRpc.TRANSPORT_ERROR, "address_refused", List.of("IP address not allowed: 10.1.2.3")),
                arguments(new GatewayError.RequestTooLarge(), 413, JsonRpc.TRANSPORT_ERROR, "request_too_large",
                        List.of("Request size limit exceeded")),
                arguments(new GatewayError.HttpsRequired(), 426, JsonRpc.TRANSPORT_ERROR, "https_required",
                        List.of("Please use HTTPS protocol")),
                arguments(new GatewayError.LengthRequired(), 411, JsonRpc.TRANSPORT_ERROR, "length_required",
                        List.of("A valid Content-Length header is required")),
                arguments(new GatewayError.NotFound(), 404, JsonRpc.TRANSPORT_ERROR, "not_found", List.of("Not found")),
                arguments(new GatewayError.MisdirectedHost("evil.example"), 421, JsonRpc.TRANSPORT_ERROR,
                        "misdirected_host", List.of("does not answer for Host 'evil.example'", "--admin-hostname")),
                arguments(new GatewayError.CrossSiteRequest("cross-site"), 403, JsonRpc.TRANSPORT_ERROR,
                        "cross_site_request", List.of("Forbidden", "Sec-Fetch-Site: cross-site", "own address")),
                arguments(new GatewayError.InvalidConfiguration(3), 400, JsonRpc.INVALID_PARAMS, "invalid_configuration",
                        List.of("declarative config is invalid", "3 problem(s)")),
                arguments(new GatewayError.ConfigTooLarge(1024), 413, JsonRpc.TRANSPORT_ERROR, "config_too_large",
                        List.of("Payload Too Large: a declarative config may be at most 1024 bytes")),
                arguments(new GatewayError.ConfigLoadInProgress(), 429, JsonRpc.TRANSPORT_ERROR,
                        "config_load_in_progress", List.of("another declarative config is being loaded")),
                arguments(new GatewayError.ConfigWhileStopping(), 503, JsonRpc.TRANSPORT_ERROR,
                        "config_while_stopping", List.of("the gateway is stopping", "no longer takes a new configuration")),
                arguments(new GatewayError.ListingsInProgress(), 429, JsonRpc.TRANSPORT_ERROR,
                        "listings_in_progress", List.of("other entity listings are being rendered")),
                arguments(new GatewayError.UnreadableConfig("not multipart"), 400, JsonRpc.INVALID_REQUEST,
                        "unreadable_config", List.of("cannot read the declarative config: not multipart")),
                arguments(new GatewayError.TooManyEndedSessions(60), 429, JsonRpc.TRANSPORT_ERROR,
                        "too_many_ended_sessions", List.of("ended as many sessions as it may this hour", "retry in 60 s")),
                arguments(new GatewayError.SessionsUnavailable(), 503, JsonRpc.TRANSPORT_ERROR, "sessions_unavailable",
                        List.of("session store cannot be reached")),
                arguments(new GatewayError.RateLimited(429, "API rate limit exceeded", 12L), 429,
                        JsonRpc.TRANSPORT_ERROR, "rate_limited", List.of("API rate limit exceeded")),
                arguments(new GatewayError.LimitsUnavailable(), 500, JsonRpc.INTERNAL_ERROR, "limits_unavailable",
                        List.of("An unexpected error occurred", "fault_tolerant")),
                arguments(new GatewayError.WithheldByLimit(ID, "search"), 200, JsonRpc.TRANSPORT_ERROR,
                        "withheld_by_limit", List.of("Not forwarded", "tool 'search'", "send this request again")),
                arguments(new GatewayError.TooManyStreams(1_000), 503, JsonRpc.TRANSPORT_ERROR, "too_many_streams",
                        List.of("1000 open GET streams", "retry in 30 s")),
                arguments(new GatewayError.WithheldLimitUnchecked(ID, "search"), 200, JsonRpc.INTERNAL_ERROR,
                        "withheld_limit_unchecked", List.of("Not forwarded", "tool 'search'", "cannot be checked")),
                arguments(new GatewayError.WithheldForUnknownTool(ID), 200, JsonRpc.TRANSPORT_ERROR,
                        "withheld_for_unknown_tool", List.of("Not forwarded", "unknown tool")),
                arguments(new GatewayError.UnboundSseTransport(), 405, JsonRpc.TRANSPORT_ERROR, "unbound_sse_transport",
                        List.of("HTTP+SSE transport of 2024-11-05", "unset server.session.strategy")),
                arguments(new GatewayError.RouteRemoved("mcp"), 503, JsonRpc.TRANSPORT_ERROR, "route_removed",
                        List.of("route 'mcp' was removed by a configuration reload", "call was ended")),
                arguments(new GatewayError.RouteRepointed("mcp"), 503, JsonRpc.TRANSPORT_ERROR, "route_repointed",
                        List.of("changed where route 'mcp' relays", "initialize again")),
                arguments(new GatewayError.Stopping(), 503, JsonRpc.TRANSPORT_ERROR, "stopping",
                        List.of("stopping")),
                arguments(new GatewayError.StoppedAwaitingInput(), 503, JsonRpc.TRANSPORT_ERROR,
                        "stopped_awaiting_input", List.of("the gateway is stopping", "call was ended")),
                arguments(new GatewayError.MissingRequestMeta(ID, "params._meta is required"), 400,
                        JsonRpc.INVALID_PARAMS, "missing_request_meta", List.of("Invalid params: params._meta is required")),
                arguments(new GatewayError.HeaderMismatch(ID, "Mcp-Method header value 'a' does not match body value 'b'"),
                        400, -32020, "header_mismatch", List.of("Header mismatch: Mcp-Method")),
                arguments(new GatewayError.UnsupportedRevision(ID, "v999.0.0"), 400, -32022, "unsupported_revision",
                        List.of("'v999.0.0'", "2026-07-28")),
                arguments(new GatewayError.MissingClientCapability(ID, "sampling"), 400, -32021,
                        "missing_client_capability", List.of("sampling")),
                arguments(new GatewayError.UnknownMethod(ID, "ping"), 404, JsonRpc.METHOD_NOT_FOUND, "unknown_method",
                        List.of("Method not found: ping")),
                arguments(new GatewayError.InvalidRequestState(ID, "has expired"), 400, JsonRpc.INVALID_PARAMS,
                        "invalid_request_state", List.of("requestState has expired")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void errorMapsToItsStatusCodeReasonAndMessage(GatewayError error, int status, int rpcCode, String reason,
                                                  List<String> details) {
        ErrorCatalog.Entry entry = ErrorCatalog.of(error);

        assertThat(entry.status()).isEqualTo(status);
        assertThat(entry.rpcCode()).isEqualTo(rpcCode);
        assertThat(entry.reason()).isEqualTo(reason);
        assertThat(entry.message()).contains(details);
    }

    @Test
    void everyVariantHasARow() {
        List<Class<?>> covered = rows().<Class<?>>map(row -> row.get()[0].getClass()).toList();

        // each of the two kinds (GatewayError.OfMessage, GatewayError.OfExchange) permits its records
        assertThat(covered).containsExactlyInAnyOrder(Arrays.stream(GatewayError.class.getPermittedSubclasses())
                .flatMap(kind -> Arrays.stream(kind.getPermittedSubclasses())).toArray(Class<?>[]::new));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void anErrorIsAboutTheMessageItselfExactlyWhenItIsAParseErrorOrAnInvalidRequest(GatewayError error, int status,
                                                                                    int rpcCode) {
        boolean aboutTheMessage = rpcCode == JsonRpc.PARSE_ERROR || rpcCode == JsonRpc.INVALID_REQUEST;

        assertThat(error instanceof GatewayError.OfMessage).isEqualTo(aboutTheMessage);
        assertThat(error.answerId(TextNode.valueOf("read")))
                .isEqualTo(aboutTheMessage ? error.id() : error.id() == null ? TextNode.valueOf("read") : error.id());
    }

    @Test
    void aRateLimitRefusalCarriesKongsStatusMessageAndRetryAfter() {
        ErrorCatalog.Entry entry = ErrorCatalog.of(new GatewayError.RateLimited(503, "slow down", 7L));

        assertThat(entry.status()).isEqualTo(503);
        assertThat(entry.message()).isEqualTo("slow down");
        assertThat(entry.headers()).containsEntry("retry-after", "7");
        assertThat(ErrorCatalog.of(new GatewayError.RateLimited(429, "x", null)).headers()).isEmpty();
    }

    @Test
    void modernErrorsCarryTheDataTheRevisionDefines() {
        assertThat(ErrorCatalog.data(new GatewayError.UnsupportedRevision(ID, "v9")).toString())
                .isEqualTo("{\"supported\":[\"2026-07-28\"],\"requested\":\"v9\"}");
        assertThat(ErrorCatalog.data(new GatewayError.MissingClientCapability(ID, "sampling")).toString())
                .isEqualTo("{\"requiredCapabilities\":{\"sampling\":{}}}");
        assertThat(ErrorCatalog.data(new GatewayError.UnknownTool(ID, "x"))).isNull();
    }

    @Test
    void everyVariantHasItsOwnReason() {
        assertThat(rows().map(row -> row.get()[3])).doesNotHaveDuplicates();
    }

    @Test
    void messageProblemsAnswerTheRequestIdWhileTransportProblemsHaveNone() {
        assertThat(new GatewayError.UnknownTool(TextNode.valueOf("r-1"), "x").id().asText()).isEqualTo("r-1");
        assertThat(new GatewayError.InvalidParams(ID, "x").id()).isEqualTo(ID);
        assertThat(new GatewayError.MissingSession().id()).isNull();
        assertThat(new GatewayError.BodyTooLarge(1).id()).isNull();
    }

    @Test
    void headersBelongToTheirEntry() {
        assertThat(ErrorCatalog.of(new GatewayError.MethodNotAllowed("PUT", "GET, POST")).headers())
                .containsEntry("allow", "GET, POST");
        assertThat(ErrorCatalog.of(new GatewayError.BodyTooLarge(10)).headers()).containsEntry("connection", "close");
        assertThat(ErrorCatalog.of(new GatewayError.Unauthenticated("No API key found in request", "Key realm=\"mcp\""))
                .headers()).containsEntry("www-authenticate", "Key realm=\"mcp\"");
        assertThat(ErrorCatalog.of(new GatewayError.ToolDenied(ID, "x")).headers())
                .containsEntry("www-authenticate", "Bearer error=\"insufficient_scope\"");
        // the challenge is the policy's to write (ai-mcp-oauth2 names its metadata): the catalog sends it as it is
        String stepUp = "Bearer error=\"insufficient_scope\", scope=\"mcp:admin\", resource_metadata=\"https://g/m\"";
        assertThat(ErrorCatalog.of(new GatewayError.ToolDenied(ID, "x", stepUp)).headers())
                .containsEntry("www-authenticate", stepUp);
        assertThat(ErrorCatalog.of(new GatewayError.AuthorizationUnavailable()).headers()).containsEntry("retry-after", "5");
        assertThat(ErrorCatalog.of(new GatewayError.Forbidden("no", null)).headers()).isEmpty();
        assertThat(ErrorCatalog.of(new GatewayError.UnknownTool(ID, "x")).headers()).isEmpty();
    }

    @Test
    void aToolDenialAnswersTheRequestId() {
        assertThat(new GatewayError.ToolDenied(ID, "x").id()).isEqualTo(ID);
    }

    @Test
    void internalErrorMessageShowsOnlyTheErrorId() {
        assertThat(ErrorCatalog.of(new GatewayError.Internal("err-1234")).message())
                .isEqualTo("Internal error (error id err-1234)");
        assertThat(Arrays.stream(GatewayError.Internal.class.getRecordComponents()).map(java.lang.reflect.RecordComponent::getName))
                .containsExactly("errorId");
    }

    @Test
    void anAnswerCarriesTheRequestsIdUnlessTheErrorIsAboutTheMessageItself() {
        JsonNode sent = TextNode.valueOf("call-1");

        assertThat(new GatewayError.UpstreamUnavailable("s", "down").answerId(sent)).isEqualTo(sent);
        assertThat(new GatewayError.TooManySessions("this client address", 30).answerId(sent))
                .isEqualTo(sent);
        assertThat(new GatewayError.UnknownTool(ID, "t").answerId(sent)).isEqualTo(ID);
        assertThat(new GatewayError.MalformedJson("x").answerId(sent)).isNull();
        assertThat(new GatewayError.InvalidMessage(null, "x").answerId(sent)).isNull();
        assertThat(new GatewayError.BatchNotAllowed("2025-06-18").answerId(sent)).isNull();
        assertThat(new GatewayError.MissingSession().answerId(null)).isNull();
    }
}
