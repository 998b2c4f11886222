package dev.toolgate.mode.conversion;

import dev.toolgate.error.GatewayError;
import dev.toolgate.http.ErrorResponses;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.mcp.MediaTypes;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/** The answers of an MCP endpoint; refusals go through {@link ErrorResponses}. */
final class McpResponses {

    private McpResponses() {
    }

    /** 200 with a JSON-RPC body; nothing when the client has gone or was already answered. */
    static Future<Void> json(HttpServerRequest request, Buffer body, String sessionId) {
        HttpServerResponse response = request.response();
        if (response.closed() || response.ended()) {
            return Future.succeededFuture();
        }
        response.setStatusCode(200).putHeader("content-type", MediaTypes.JSON);
        if (sessionId != null) {
            response.putHeader("mcp-session-id", sessionId);
        }
        return response.end(body);
    }

    /** 200 with a body that is already gzip. */
    static Future<Void> gzipJson(HttpServerRequest request, Buffer body) {
        request.response().putHeader("content-encoding", "gzip").putHeader("vary", "accept-encoding");
        return json(request, body, null);
    }

    /**
     * A request left unanswered (its client cancelled it): an event stream that ends without an event, as the
     * legacy bridge ends a cancelled call. The client's exchange ends cleanly and no response reaches it.
     */
    static Future<Void> unanswered(HttpServerRequest request) {
        HttpServerResponse response = request.response();
        if (response.closed() || response.ended()) {
            return Future.succeededFuture();
        }
        return response.setStatusCode(200).putHeader("content-type", MediaTypes.EVENT_STREAM)
                .putHeader("cache-control", "no-cache").end();
    }

    /** 202 with no body: a notification or a response from the client. */
    static Future<Void> accepted(HttpServerRequest request) {
        return request.response().setStatusCode(202).end();
    }

    /** A single request refused by a message policy: the catalog's status, with the request's id. */
    static Future<Void> refused(Exchange exchange, GatewayError error) {
        exchange.refuse(error);
        return Future.succeededFuture();
    }
}
