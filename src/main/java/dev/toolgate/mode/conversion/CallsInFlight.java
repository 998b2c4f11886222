package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.http.ForwardedHeaders;
import dev.toolgate.mcp.JsonRpcMessage;
import dev.toolgate.mcp.Session;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

import java.util.Set;

/**
 * Answers an endpoint's requests, keeping each {@code tools/call} cancellable while it runs: by the
 * client going away, or by {@code notifications/cancelled} from the same session (the call is
 * registered in {@link Sessions} under its session and JSON-RPC id).
 */
final class CallsInFlight {

    private final McpMethods methods;
    private final Sessions sessions;

    CallsInFlight(McpMethods methods, Sessions sessions) {
        this.methods = methods;
        this.sessions = sessions;
    }

    /** The serialized response to {@code r}; a call is cancelled when {@code disconnected} completes. */
    Future<Buffer> answer(JsonRpcMessage.Request r, Session session, HttpServerRequest request,
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

    private static String callKey(Session session, JsonNode id) {
        return (session == null ? "" : session.id()) + "\u0000" + id;
    }
}
