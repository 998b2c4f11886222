package dev.toolgate.mode.conversion;

import dev.toolgate.mcp.MediaTypes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/** The successful answers of an MCP endpoint; refusals go through {@code ErrorResponses}. */
final class McpResponses {

    private McpResponses() {
    }

    /** 200 with a JSON-RPC body; nothing when the client has gone or was already answered. */
    static void json(HttpServerRequest request, Buffer body, String sessionId) {
        HttpServerResponse response = request.response();
        if (response.closed() || response.ended()) {
            return;
        }
        response.setStatusCode(200).putHeader("content-type", MediaTypes.JSON);
        if (sessionId != null) {
            response.putHeader("mcp-session-id", sessionId);
        }
        response.end(body);
    }

    /** 200 with a body that is already gzip. */
    static void gzipJson(HttpServerRequest request, Buffer body) {
        request.response().putHeader("content-encoding", "gzip").putHeader("vary", "accept-encoding");
        json(request, body, null);
    }

    /** 202 with no body: a notification or a response from the client. */
    static void accepted(HttpServerRequest request) {
        request.response().setStatusCode(202).end();
    }
}
