package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.http.BodyReader;
import dev.toolgate.http.ErrorResponses;
import dev.toolgate.http.OriginPolicy;
import dev.toolgate.http.RouteHandler;
import dev.toolgate.http.RouteMatch;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.JsonRpcMessage;
import dev.toolgate.mcp.MediaTypes;
import dev.toolgate.mcp.ProtocolVersion;
import dev.toolgate.mcp.Session;
import dev.toolgate.mcp.SessionLimits;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

import static dev.toolgate.mode.conversion.McpResponses.accepted;
import static dev.toolgate.mode.conversion.McpResponses.gzipJson;
import static dev.toolgate.mode.conversion.McpResponses.json;

/**
 * An MCP server on one route, over the streamable HTTP transport (2025-03-26, 2025-06-18,
 * 2025-11-25): POST carries messages, GET opens the server's notification stream, DELETE ends the
 * session. Transport rules are checked here in order (origin, method, Accept, Content-Type, size,
 * protocol version, session); the methods themselves are in {@link McpMethods}, batches in
 * {@link McpBatch}, GET and DELETE in {@link SessionRequests}.
 *
 * @see <a href="https://modelcontextprotocol.io/specification/2025-11-25/basic/transports">Transports</a>
 */
public final class McpServerEndpoint implements RouteHandler {

    /**
     * Per-endpoint settings, from the listener plugin.
     *
     * @param endpointId        the route id; sessions are bound to it
     * @param label             the route's name, shown as {@code serverInfo.title}
     * @param origins           DNS-rebinding protection
     * @param bodyLimit         largest POST body
     * @param sessionTtlSeconds idle lifetime of a session
     * @param managedSessions   issue sessions and offer the GET stream ({@code server.session.managed})
     * @param serverVersion     Toolgate's version, for {@code serverInfo}
     */
    public record Settings(String endpointId, String label, OriginPolicy origins, long bodyLimit,
                           long sessionTtlSeconds, boolean managedSessions, String serverVersion) {
    }

    private static final String ALLOWED = "GET, POST, DELETE";
    private static final long SESSION_RETRY_AFTER_SECONDS = 30;

    private final Settings settings;
    private final ToolSet tools;
    private final McpMethods methods;
    private final Sessions sessions;
    private final TransportHeaders headers;
    private final CallsInFlight calls;
    private final McpBatch batches;
    private final SessionRequests sessionRequests;

    public McpServerEndpoint(Settings settings, ToolSet tools, ToolInvoker invoker, Sessions sessions) {
        this.settings = settings;
        this.tools = tools;
        this.methods = new McpMethods(tools, invoker);
        this.sessions = sessions;
        this.headers = new TransportHeaders(settings, sessions);
        this.calls = new CallsInFlight(methods, sessions);
        this.batches = new McpBatch(headers, calls);
        this.sessionRequests = new SessionRequests(settings, headers, sessions);
    }

    public ToolSet tools() {
        return tools;
    }

    @Override
    public void handle(HttpServerRequest request, RouteMatch match) {
        try {
            if (!settings.origins().allows(request.getHeader("origin"))) {
                throw new GatewayException(new GatewayError.ForbiddenOrigin(request.getHeader("origin")));
            }
            switch (request.method().name()) {
                case "POST" -> post(request);
                case "GET" -> sessionRequests.openStream(request);
                case "DELETE" -> sessionRequests.delete(request);
                default -> throw new GatewayException(new GatewayError.MethodNotAllowed(request.method().name(),
                        settings.managedSessions() ? ALLOWED : "POST"));
            }
        } catch (GatewayException e) {
            ErrorResponses.mcp(request.response(), e.error());
        }
    }

    private void post(HttpServerRequest request) {
        String accept = request.getHeader("accept");
        if (!MediaTypes.accepts(accept, MediaTypes.JSON) || !MediaTypes.accepts(accept, MediaTypes.EVENT_STREAM)) {
            throw new GatewayException(new GatewayError.NotAcceptable("both application/json and text/event-stream"));
        }
        String contentType = request.getHeader("content-type");
        if (!MediaTypes.is(contentType, MediaTypes.JSON)) {
            throw new GatewayException(new GatewayError.UnsupportedMediaType(contentType == null ? "" : contentType));
        }
        TransportHeaders.checkVersion(request);
        BodyReader.read(request, settings.bodyLimit()).onComplete(body -> {
            try {
                if (body.failed()) {
                    throw body.cause() instanceof GatewayException g ? g : new GatewayException(
                            new GatewayError.InvalidMessage(null, "the body could not be read"));
                }
                JsonNode message = parse(body.result());
                if (message instanceof ArrayNode batch) {
                    batches.answer(request, batch);
                } else {
                    single(request, JsonRpcMessage.classify(message));
                }
            } catch (GatewayException e) {
                ErrorResponses.mcp(request.response(), e.error());
            }
        });
    }

    private void single(HttpServerRequest request, JsonRpcMessage message) {
        if (message instanceof JsonRpcMessage.Request r && r.method().equals("initialize")) {
            initialize(request, r);
            return;
        }
        switch (message) {
            case JsonRpcMessage.Invalid invalid ->
                    throw new GatewayException(new GatewayError.InvalidMessage(invalid.id(), invalid.reason()));
            case JsonRpcMessage.Notification n -> {
                calls.onNotification(headers.session(request), n);
                accepted(request);
            }
            case JsonRpcMessage.Response ignored -> {
                headers.session(request);
                accepted(request);
            }
            case JsonRpcMessage.Request r when r.method().equals("tools/list")
                    && MediaTypes.acceptsGzip(request.getHeader("accept-encoding")) -> {
                headers.session(request);
                methods.gzippedList(r).ifPresentOrElse(body -> gzipJson(request, body),
                        () -> methods.answer(r, null, null).onComplete(out -> json(request, out.result(), null)));
            }
            case JsonRpcMessage.Request r -> {
                Session session = headers.session(request);
                Future<Void> disconnected = CallsInFlight.disconnection(request);
                calls.answer(r, session, request, disconnected).onComplete(out -> json(request, out.result(), null));
            }
        }
    }

    private void initialize(HttpServerRequest request, JsonRpcMessage.Request r) {
        JsonNode requested = r.params() == null ? null : r.params().get("protocolVersion");
        if (requested == null || !requested.isTextual()) {
            json(request, McpMethods.error(new GatewayError.InvalidParams(r.id(), "initialize needs params.protocolVersion")), null);
            return;
        }
        String version = ProtocolVersion.negotiate(requested.asText());
        ObjectNode result = McpMethods.initializeResult(version, settings.label(), settings.serverVersion(),
                settings.managedSessions());
        String sessionId = null;
        if (settings.managedSessions()) {
            JsonNode client = r.params().path("clientInfo");
            Session session = new Session(sessions.ids().next(), settings.endpointId(), version,
                    client.path("name").asText(null), client.path("version").asText(null), sessions.clock().millis());
            String address = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
            SessionLimits.Admission admission = sessions.store().create(session, settings.sessionTtlSeconds(), address);
            if (admission != SessionLimits.Admission.ADMITTED) {
                // existing sessions are untouched; the client may retry once one ends
                throw new GatewayException(new GatewayError.TooManySessions(admission == SessionLimits.Admission.CLIENT_FULL
                        ? "this client address" : "this endpoint", SESSION_RETRY_AFTER_SECONDS));
            }
            sessionId = session.id();
        }
        json(request, McpMethods.result(r.id(), Json.bytes(result)), sessionId);
    }

    private static JsonNode parse(Buffer body) {
        try {
            JsonNode node = Json.parse(body.getBytes());
            if (node == null || node.isMissingNode()) {
                throw new GatewayException(new GatewayError.MalformedJson("the body is empty"));
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new GatewayException(new GatewayError.MalformedJson(e.getOriginalMessage()));
        } catch (java.io.IOException e) {
            throw new GatewayException(new GatewayError.MalformedJson(e.getMessage()));
        }
    }
}
