package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.http.BodyReader;
import dev.toolgate.http.ErrorResponses;
import dev.toolgate.http.ForwardedHeaders;
import dev.toolgate.http.OriginPolicy;
import dev.toolgate.http.RouteHandler;
import dev.toolgate.http.RouteMatch;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.JsonRpcMessage;
import dev.toolgate.mcp.MediaTypes;
import dev.toolgate.mcp.ProtocolVersion;
import dev.toolgate.mcp.Session;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.toolgate.mode.conversion.McpResponses.accepted;
import static dev.toolgate.mode.conversion.McpResponses.gzipJson;
import static dev.toolgate.mode.conversion.McpResponses.json;

/**
 * An MCP server on one route, over the streamable HTTP transport (2025-03-26, 2025-06-18,
 * 2025-11-25): POST carries messages, GET opens the server's notification stream, DELETE ends the
 * session. Transport rules are checked here in order (origin, method, Accept, Content-Type, size,
 * protocol version, session); the methods themselves are in {@link McpMethods}.
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

    private final Settings settings;
    private final ToolSet tools;
    private final McpMethods methods;
    private final Sessions sessions;

    public McpServerEndpoint(Settings settings, ToolSet tools, ToolInvoker invoker, Sessions sessions) {
        this.settings = settings;
        this.tools = tools;
        this.methods = new McpMethods(tools, invoker);
        this.sessions = sessions;
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
                case "GET" -> openStream(request);
                case "DELETE" -> delete(request);
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
        checkVersionHeader(request);
        BodyReader.read(request, settings.bodyLimit()).onComplete(body -> {
            try {
                if (body.failed()) {
                    throw body.cause() instanceof GatewayException g ? g : new GatewayException(
                            new GatewayError.InvalidMessage(null, "the body could not be read"));
                }
                JsonNode message = parse(body.result());
                if (message instanceof ArrayNode batch) {
                    batch(request, batch);
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
                onNotification(session(request), n);
                accepted(request);
            }
            case JsonRpcMessage.Response ignored -> {
                session(request);
                accepted(request);
            }
            case JsonRpcMessage.Request r when r.method().equals("tools/list")
                    && MediaTypes.acceptsGzip(request.getHeader("accept-encoding")) -> {
                session(request);
                methods.gzippedList(r).ifPresentOrElse(body -> gzipJson(request, body),
                        () -> methods.answer(r, null, null).onComplete(out -> json(request, out.result(), null)));
            }
            case JsonRpcMessage.Request r -> {
                Session session = session(request);
                Promise<Void> disconnected = disconnection(request);
                answer(r, session, request, disconnected.future()).onComplete(out -> json(request, out.result(), null));
            }
        }
    }

    /** JSON-RPC batches: allowed by 2025-03-26 only, answered with an array in request order. */
    private void batch(HttpServerRequest request, ArrayNode batch) {
        Session session = session(request);
        String version = session != null ? session.protocolVersion() : headerVersion(request);
        if (!ProtocolVersion.BATCHING.equals(version)) {
            throw new GatewayException(new GatewayError.BatchNotAllowed(version));
        }
        if (batch.isEmpty()) {
            throw new GatewayException(new GatewayError.InvalidMessage(null, "an empty batch"));
        }
        Promise<Void> disconnected = disconnection(request);
        List<Future<Buffer>> answers = new ArrayList<>();
        for (JsonNode element : batch) {
            switch (JsonRpcMessage.classify(element)) {
                case JsonRpcMessage.Invalid invalid -> answers.add(Future.succeededFuture(
                        McpMethods.error(new GatewayError.InvalidMessage(invalid.id(), invalid.reason()))));
                case JsonRpcMessage.Request r when r.method().equals("initialize") -> answers.add(Future.succeededFuture(
                        McpMethods.error(new GatewayError.InvalidMessage(r.id(), "initialize cannot be part of a batch"))));
                case JsonRpcMessage.Request r -> answers.add(answer(r, session, request, disconnected.future()));
                case JsonRpcMessage.Notification n -> onNotification(session, n);
                case JsonRpcMessage.Response ignored -> {
                }
            }
        }
        if (answers.isEmpty()) {
            accepted(request);
            return;
        }
        Future.all(answers).onComplete(done -> {
            Buffer out = Buffer.buffer().appendByte((byte) '[');
            for (int i = 0; i < answers.size(); i++) {
                out.appendBuffer(i == 0 ? answers.get(i).result() : Buffer.buffer(",").appendBuffer(answers.get(i).result()));
            }
            json(request, out.appendByte((byte) ']'), null);
        });
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
            sessions.store().create(session, settings.sessionTtlSeconds());
            sessionId = session.id();
        }
        json(request, McpMethods.result(r.id(), Json.bytes(result)), sessionId);
    }

    private Future<Buffer> answer(JsonRpcMessage.Request r, Session session, HttpServerRequest request,
                                  Future<Void> disconnected) {
        if (!r.method().equals("tools/call")) {
            return methods.answer(r, null, null);
        }
        Promise<Void> cancel = Promise.promise();
        disconnected.onComplete(v -> cancel.tryComplete());
        // without sessions, ids are not unique across clients: only a disconnect can cancel
        String key = session == null ? null : callKey(session, r.id());
        if (key != null) {
            sessions.started(key, cancel);
        }
        RequestEncoder.Client caller = new RequestEncoder.Client(request.headers(),
                request.remoteAddress() == null ? null : request.remoteAddress().hostAddress(),
                ForwardedHeaders.authority(request), request.localAddress() == null ? 0 : request.localAddress().port(), Set.of());
        return methods.answer(r, caller, cancel.future()).onComplete(done -> {
            if (key != null) {
                sessions.finished(key);
            }
        });
    }

    private void onNotification(Session session, JsonRpcMessage.Notification n) {
        if (session != null && n.method().equals("notifications/cancelled") && n.params() != null
                && n.params().has("requestId")) {
            sessions.cancel(callKey(session, n.params().get("requestId")));
        }
    }

    private void openStream(HttpServerRequest request) {
        if (!settings.managedSessions()) {
            throw new GatewayException(new GatewayError.MethodNotAllowed("GET", "POST"));
        }
        if (!MediaTypes.accepts(request.getHeader("accept"), MediaTypes.EVENT_STREAM)) {
            throw new GatewayException(new GatewayError.NotAcceptable(MediaTypes.EVENT_STREAM));
        }
        checkVersionHeader(request);
        Session session = session(request);
        HttpServerResponse response = request.response();
        if (!sessions.openStream(session.id(), settings.endpointId(), response, Vertx.currentContext())) {
            throw new GatewayException(new GatewayError.StreamAlreadyOpen());
        }
        NotificationStream.start(response, session.id(), sessions);
    }

    private void delete(HttpServerRequest request) {
        if (!settings.managedSessions()) {
            throw new GatewayException(new GatewayError.MethodNotAllowed("DELETE", "POST"));
        }
        checkVersionHeader(request);
        Session session = session(request);
        sessions.store().remove(session.id());
        sessions.closeStream(session.id());
        request.response().setStatusCode(200).end();
    }

    /** The request's session; null when this endpoint does not manage sessions. */
    private Session session(HttpServerRequest request) {
        if (!settings.managedSessions()) {
            return null;
        }
        String id = request.getHeader("mcp-session-id");
        if (id == null || id.isEmpty()) {
            throw new GatewayException(new GatewayError.MissingSession());
        }
        return sessions.store().find(id)
                .filter(s -> s.endpoint().equals(settings.endpointId()))
                .orElseThrow(() -> new GatewayException(new GatewayError.UnknownSession()));
    }

    private static void checkVersionHeader(HttpServerRequest request) {
        String version = request.getHeader("mcp-protocol-version");
        if (version != null && !ProtocolVersion.isSupported(version)) {
            throw new GatewayException(new GatewayError.UnsupportedProtocolVersion(version));
        }
    }

    private static String headerVersion(HttpServerRequest request) {
        String version = request.getHeader("mcp-protocol-version");
        return version == null ? ProtocolVersion.ASSUMED_WHEN_ABSENT : version;
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

    private static Promise<Void> disconnection(HttpServerRequest request) {
        Promise<Void> disconnected = Promise.promise();
        request.response().closeHandler(v -> disconnected.tryComplete());
        return disconnected;
    }

    private static String callKey(Session session, JsonNode id) {
        return (session == null ? "" : session.id()) + "\u0000" + id;
    }
}
