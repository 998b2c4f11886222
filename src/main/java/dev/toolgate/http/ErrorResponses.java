package dev.toolgate.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.error.ErrorCatalog;
import dev.toolgate.error.GatewayError;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.JsonRpc;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/** Writes a {@link GatewayError} as the {@link ErrorCatalog} says. Nothing else sends errors. */
public final class ErrorResponses {

    private ErrorResponses() {
    }

    /** On an MCP endpoint: the catalog's status and a JSON-RPC error body (with the id when known). */
    public static void mcp(HttpServerResponse response, GatewayError error) {
        ErrorCatalog.Entry entry = ErrorCatalog.of(error);
        send(response, entry.status(), JsonRpc.error(error.id(), entry.rpcCode(), entry.message()), error);
    }

    /** Elsewhere (no MCP endpoint, Admin API): the catalog's status and Kong's {@code {"message": ...}}. */
    public static void plain(HttpServerResponse response, GatewayError error) {
        ErrorCatalog.Entry entry = ErrorCatalog.of(error);
        ObjectNode body = Json.object();
        body.put("message", entry.message());
        send(response, entry.status(), body, error);
    }

    private static void send(HttpServerResponse response, int status, ObjectNode body, GatewayError error) {
        if (response.headWritten()) {
            response.reset();
            return;
        }
        response.setStatusCode(status).putHeader("content-type", "application/json");
        if (error instanceof GatewayError.MethodNotAllowed notAllowed) {
            response.putHeader("allow", notAllowed.allowed());
        }
        if (error instanceof GatewayError.TooManySessions full) {
            // until the catalog carries headers of its own
            response.putHeader("retry-after", Long.toString(full.retryAfterSeconds()));
        }
        if (error instanceof GatewayError.BodyTooLarge || error instanceof GatewayError.UnsupportedContentEncoding) {
            // the rest of the body was not read; the connection cannot be reused
            response.putHeader("connection", "close");
        }
        response.end(Buffer.buffer(Json.bytes(body)));
    }
}
