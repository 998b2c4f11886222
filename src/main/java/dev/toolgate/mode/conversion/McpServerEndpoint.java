package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.http.OriginPolicy;
import dev.toolgate.mcp.Json;
import dev.toolgate.mode.RouteRuntime;
import dev.toolgate.mode.JsonBody;
import dev.toolgate.mcp.JsonRpcMessage;
import dev.toolgate.mcp.MediaTypes;
import dev.toolgate.mcp.ModernMeta;
import dev.toolgate.mode.ModernRequest;
import dev.toolgate.mode.TransportRules;
import dev.toolgate.mcp.ProtocolVersion;
import dev.toolgate.mcp.Session;
import dev.toolgate.mcp.SessionStore;
import dev.toolgate.pipeline.Decision;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.McpEndpoint;
import dev.toolgate.pipeline.MessageEvents;
import dev.toolgate.pipeline.MessagePolicy;
import dev.toolgate.pipeline.RpcRecord;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

import java.time.InstantSource;
import java.util.function.Predicate;

import static dev.toolgate.mode.conversion.McpResponses.accepted;
import static dev.toolgate.mode.conversion.McpResponses.gzipJson;
import static dev.toolgate.mode.conversion.McpResponses.json;

/**
 * An MCP server on one route, over the streamable HTTP transport (2025-03-26, 2025-06-18,
 * 2025-11-25): POST carries messages, GET opens the server's notification stream, DELETE ends the
 * session. Transport rules are checked here in order (origin, method, Accept, Content-Type, size,
 * protocol version, session); each request message then passes the endpoint's message policies
 * ({@link ToolCalls}); the methods themselves are in {@link McpMethods}, batches in {@link McpBatch},
 * GET and DELETE in {@link SessionRequests}; requests of the 2026-07-28 revision (stateless: their
 * revision in every request's {@code _meta}) in {@link ModernRequests}. A refusal is thrown as a {@link GatewayException} and
 * answered by the pipeline's error net.
 *
 * @see <a href="https://modelcontextprotocol.io/specification/2025-11-25/basic/transports">Transports</a>
 */
public final class McpServerEndpoint implements McpEndpoint {

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
     * @param clock             when sessions begin
     * @param listTtlMs         a 2026-07-28 tool list's {@code ttlMs} ({@code server.cache_hints})
     * @param listCacheScope    a 2026-07-28 tool list's {@code cacheScope}: {@code public} or {@code private}
     * @param runtime           what the route runs with, which its GET streams are admitted under (a reload
     *                          that changes it judges them again); null where no reload can follow
     */
    public record Settings(String endpointId, String label, OriginPolicy origins, long bodyLimit,
                           long sessionTtlSeconds, boolean managedSessions, String serverVersion, InstantSource clock,
                           long listTtlMs, String listCacheScope, RouteRuntime runtime) {
    }

    private static final String ALLOWED = "GET, POST, DELETE";

    private final Settings settings;
    private final ToolSet tools;
    private final SessionStore store;
    private final TransportHeaders headers;
    private final ToolCalls calls;
    private final McpBatch batches;
    private final SessionRequests sessionRequests;
    private final ModernRequests modern;

    /**
     * @param sessions what the gateway keeps of sessions in this process (streams, calls in flight)
     * @param store    where this endpoint's sessions are ({@code server.session.strategy})
     * @param policies the endpoint's message policies in order (tool ACLs, tool limits), or null for none
     * @param views    what each caller may see of the tools
     * @param aclsJudge whether tool ACLs are among {@code policies}
     * @param refusedOutright the callers the tool ACLs refuse every request (Kong's 403 at connect), whose GET
     *                  streams are refused as their POSTs are
     */
    public McpServerEndpoint(Settings settings, ToolSet tools, ToolInvoker invoker, Sessions sessions,
                             SessionStore store, MessagePolicy policies, ToolViews views, boolean aclsJudge,
                             Predicate<Exchange> refusedOutright) {
        this.settings = settings;
        this.tools = tools;
        this.store = store;
        this.headers = new TransportHeaders(settings, store, sessions);
        McpMethods methods = new McpMethods(tools, invoker);
        this.calls = new ToolCalls(methods, sessions, policies, views, aclsJudge);
        this.batches = new McpBatch(headers, calls);
        this.sessionRequests = new SessionRequests(settings, headers, sessions, store, refusedOutright);
        this.modern = new ModernRequests(settings, methods, calls, settings.listTtlMs(), settings.listCacheScope());
    }

    public ToolSet tools() {
        return tools;
    }

    @Override
    public boolean exactPath() {
        return true;
    }

    @Override
    public long bodyLimit() {
        return settings.bodyLimit();
    }

    @Override
    public Future<Void> handle(Exchange exchange) {
        HttpServerRequest request = exchange.request();
        exchange.requireOrigin(settings.origins());
        if (!request.method().name().equals("POST") && ProtocolVersion.isModern(exchange.protocolVersion())) {
            // 2026-07-28 has no GET stream and no session to DELETE
            throw new GatewayException(new GatewayError.MethodNotAllowed(request.method().name(), "POST"));
        }
        return switch (request.method().name()) {
            case "POST" -> post(exchange);
            case "GET" -> sessionRequests.openStream(exchange);
            case "DELETE" -> sessionRequests.delete(exchange);
            default -> throw new GatewayException(new GatewayError.MethodNotAllowed(request.method().name(),
                    settings.managedSessions() ? ALLOWED : "POST"));
        };
    }

    private Future<Void> post(Exchange exchange) {
        TransportRules.checkMediaTypes(exchange.request());
        String version = exchange.protocolVersion();
        return exchange.body().compose(body -> {
            JsonNode message = JsonBody.parse(body);
            JsonRpcMessage single = message instanceof ArrayNode ? null : JsonRpcMessage.classify(message);
            if (single instanceof JsonRpcMessage.Request r) {
                // the gateway's errors from here on (a session unknown or at its cap, a version refused) name it
                exchange.holdsRequest(r.id());
            }
            boolean claimed = ModernMeta.claimed(message);
            // the header is for the requests after initialization: an initialize's own protocolVersion is what is
            // negotiated, whatever version the header names (the Java SDK sends its latest on initialize too)
            boolean opening = !claimed && initialize(message);
            if (!opening && ModernRequest.isModern(version, claimed)) {
                return modern.answer(exchange, message);
            }
            if (!opening) {
                TransportRules.checkVersion(version);
            }
            return message instanceof ArrayNode batch ? batches.answer(exchange, batch) : single(exchange, single);
        });
    }

    /** True for an {@code initialize} request (the legacy era's first message). */
    private static boolean initialize(JsonNode message) {
        return message.isObject() && message.has("id") && "initialize".equals(message.path("method").asText(null));
    }

    private Future<Void> single(Exchange exchange, JsonRpcMessage message) {
        HttpServerRequest request = exchange.request();
        if (message instanceof JsonRpcMessage.Request r && r.method().equals("initialize")) {
            return calls.admit(exchange, r).compose(admitted -> admitted.proceeds()
                    ? initialize(exchange, r, admitted.record()) : instead(exchange, admitted.decision(), r));
        }
        return switch (message) {
            case JsonRpcMessage.Invalid invalid ->
                    throw new GatewayException(new GatewayError.InvalidMessage(invalid.id(), invalid.reason()));
            case JsonRpcMessage.Notification n -> headers.session(exchange).compose(session -> {
                calls.onNotification(session, n);
                exchange.observation().notification(n.method(), -1);
                return accepted(request);
            });
            case JsonRpcMessage.Response ignored -> headers.session(exchange).compose(session -> accepted(request));
            case JsonRpcMessage.Request r -> headers.session(exchange).compose(session -> calls.admit(exchange, r)
                    .compose(admitted -> admitted.proceeds() ? answer(exchange, session, r, admitted.record())
                            : instead(exchange, admitted.decision(), r)));
        };
    }

    /** A single request the message policies answered: a refusal with the catalog's status, or a tool result. */
    private static Future<Void> instead(Exchange exchange, Decision decision, JsonRpcMessage.Request r) {
        return decision instanceof Decision.Reject reject ? McpResponses.refused(exchange, reject.error())
                : json(exchange.request(), ToolCalls.instead(decision, r), null);
    }

    private Future<Void> answer(Exchange exchange, Session session, JsonRpcMessage.Request r, RpcRecord record) {
        HttpServerRequest request = exchange.request();
        String acceptEncoding = MediaTypes.joined(request.headers().getAll("accept-encoding"));
        if (r.method().equals("tools/list") && MediaTypes.acceptsGzip(acceptEncoding)) {
            var gzipped = calls.gzippedList(exchange, r);
            if (gzipped.isPresent()) {
                GzippedList list = gzipped.get();
                MessageEvents.answered(record, list.length(), list::json);
                return gzipJson(request, list.body());
            }
        }
        return calls.answer(exchange, r, record, session, ToolCalls.disconnection(request))
                .compose(out -> out == null ? McpResponses.unanswered(request) : json(request, out, null));
    }

    /** Answers {@code initialize}, and finishes its record with the answer (a refusal is no successful start). */
    private Future<Void> initialize(Exchange exchange, JsonRpcMessage.Request r, RpcRecord record) {
        HttpServerRequest request = exchange.request();
        JsonNode requested = r.params() == null ? null : r.params().get("protocolVersion");
        if (requested == null || !requested.isTextual()) {
            Buffer refused = McpMethods.error(new GatewayError.InvalidParams(r.id(),
                    "initialize needs params.protocolVersion"));
            MessageEvents.answered(record, refused);
            return json(request, refused, null);
        }
        String version = ProtocolVersion.negotiate(requested.asText());
        exchange.observation().initializing(version);
        ObjectNode result = McpMethods.initializeResult(version, settings.label(), settings.serverVersion(),
                settings.managedSessions());
        Buffer answer = McpMethods.result(r.id(), Json.bytes(result));
        if (!settings.managedSessions()) {
            MessageEvents.answered(record, answer);
            return json(request, answer, null);
        }
        Session draft = SessionDraft.of(settings.endpointId(), version, r.params(), settings.clock().millis(),
                exchange.principal().sessionOwner());
        // counted by the client as the pipeline knows it (behind trusted proxies, the forwarded address)
        return store.create(draft, settings.sessionTtlSeconds(), exchange.clientNetwork())
                .recover(t -> {
                    // the record ends with the refusal its client gets, as any other refused request's
                    GatewayError refused = GatewayError.TooManySessions.orUnavailable(t);
                    MessageEvents.refused(record, refused);
                    return Future.failedFuture(new GatewayException(refused));
                })
                .compose(session -> {
                    MessageEvents.answered(record, answer);
                    return json(request, answer, session.id());
                });
    }
}
