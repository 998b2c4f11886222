package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.error.GatewayError;
import dev.toolgate.mcp.JsonRpcMessage;
import dev.toolgate.mcp.Session;
import dev.toolgate.pipeline.Decision;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.McpCall;
import dev.toolgate.pipeline.MessagePolicy;
import dev.toolgate.pipeline.Observation;
import dev.toolgate.pipeline.RpcRecord;
import dev.toolgate.mcp.Json;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

import java.util.Optional;

/**
 * Answers an endpoint's request messages for one caller: each passes the endpoint's message
 * policies first (tool ACLs), then its method runs with what the caller may see. A
 * {@code tools/call} stays cancellable while it runs: by the client going away, or by
 * {@code notifications/cancelled} from the same session (the call is registered in {@link Sessions}
 * under its session and JSON-RPC id).
 */
final class ToolCalls {

    private static final Future<GatewayError> ADMITTED = Future.succeededFuture();

    private final McpMethods methods;
    private final Sessions sessions;
    private final MessagePolicy policies;
    private final ToolViews views;

    /**
     * @param policies the endpoint's message policies in order, or null for none
     * @param views    what each caller may see of the tools
     */
    ToolCalls(McpMethods methods, Sessions sessions, MessagePolicy policies, ToolViews views) {
        this.methods = methods;
        this.sessions = sessions;
        this.policies = policies;
        this.views = views;
    }

    /**
     * The refusal of a request by the message policies, or null (in a completed future) when it may go on.
     * The request's record opens here, for the events about it.
     */
    Future<GatewayError> admit(Exchange exchange, JsonRpcMessage.Request r) {
        String tool = methods.canonical(toolName(r));
        Observation observation = exchange.observation();
        RpcRecord record = observation.begin(r.id(), r.method(), tool, -1, metaTraceparent(r));
        if (record.wantsPayload()) {
            observation.requestPayload(record, Json.bytes(r.raw()));
        }
        if (policies == null) {
            return ADMITTED;
        }
        return policies.admit(new McpCall(exchange, r.id(), r.method(), tool)).map(decision -> {
            GatewayError refused = decision instanceof Decision.Reject reject ? reject.error() : null;
            if (tool != null && r.method().equals("tools/call")) {
                record.acl(refused == null);
            }
            if (refused != null) {
                observation.refused(record, refused);
            }
            return refused;
        });
    }

    /** {@code params._meta.traceparent}: the trace context MCP carries in the message itself. */
    private static String metaTraceparent(JsonRpcMessage.Request r) {
        JsonNode value = r.params() == null ? null : r.params().path("_meta").get("traceparent");
        return value != null && value.isTextual() ? value.asText() : null;
    }

    /** A {@code tools/list} answer compressed with gzip, when the caller's page is ready compressed. */
    Optional<Buffer> gzippedList(Exchange exchange, JsonRpcMessage.Request r) {
        return methods.gzippedList(r, views.of(exchange));
    }

    /** The serialized response to {@code r}; a call is cancelled when {@code disconnected} completes. */
    Future<Buffer> answer(Exchange exchange, JsonRpcMessage.Request r, Session session, Future<Void> disconnected) {
        Observation observation = exchange.observation();
        RpcRecord record = observation.record(r.id());
        if (!r.method().equals("tools/call")) {
            return methods.answer(r, views.of(exchange), null, null).onSuccess(out -> observation.answered(record, out));
        }
        Promise<Void> cancel = Promise.promise();
        disconnected.onComplete(v -> cancel.tryComplete());
        // without sessions, ids are not unique across clients: only a disconnect can cancel
        String key = session == null ? null : callKey(session, r.id());
        if (key != null) {
            sessions.started(key, cancel);
        }
        return methods.answer(r, views.of(exchange), exchange, cancel.future()).onComplete(done -> {
            if (key != null) {
                sessions.finished(key);
            }
            if (done.succeeded()) {
                observation.answered(record, done.result());
            }
        });
    }

    /** Acts on a client notification; only {@code notifications/cancelled} does anything. */
    void onNotification(Session session, JsonRpcMessage.Notification n) {
        if (session != null && n.method().equals("notifications/cancelled") && n.params() != null
                && n.params().has("requestId")) {
            sessions.cancel(callKey(session, n.params().get("requestId")));
        }
    }

    /**
     * Completes when the client goes away. One per HTTP request: a response keeps a single close
     * handler, so every call of a batch shares it.
     */
    static Future<Void> disconnection(HttpServerRequest request) {
        Promise<Void> disconnected = Promise.promise();
        request.response().closeHandler(v -> disconnected.tryComplete());
        return disconnected.future();
    }

    private static String toolName(JsonRpcMessage.Request r) {
        if (!r.method().equals("tools/call") || r.params() == null) {
            return null;
        }
        JsonNode name = r.params().get("name");
        return name != null && name.isTextual() ? name.asText() : null;
    }

    private static String callKey(Session session, JsonNode id) {
        return (session == null ? "" : session.id()) + "\u0000" + id;
    }
}
