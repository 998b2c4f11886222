package dev.toolgate.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.error.ErrorCatalog;
import dev.toolgate.error.GatewayError;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.JsonRpc;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import java.util.Map;

/** Writes a {@link GatewayError} as the {@link ErrorCatalog} says. Nothing else sends errors. */
public final class ErrorResponses {

    private ErrorResponses() {
    }

    /**
     * On an MCP endpoint: the catalog's status and a JSON-RPC error body.
     *
     * @param requestId the one request the exchange's body holds, as read; null when none is known
     *                  ({@link GatewayError#answerId})
     */
    public static void mcp(HttpServerResponse response, GatewayError error, JsonNode requestId) {
        send(response, ErrorCatalog.of(error), body(error, requestId));
    }

    /** The JSON-RPC error body of {@code error} with its own id (null when it knows none): for one element of a batch. */
    public static ObjectNode body(GatewayError error) {
        return body(error, null);
    }

    /**
     * The JSON-RPC error body of {@code error}: code, message, the id ({@link GatewayError#answerId}), and
     * {@code data} when the catalog has one.
     */
    public static ObjectNode body(GatewayError error, JsonNode requestId) {
        ErrorCatalog.Entry entry = ErrorCatalog.of(error);
        ObjectNode body = JsonRpc.error(error.answerId(requestId), entry.rpcCode(), entry.message());
        JsonNode data = ErrorCatalog.data(error);
        if (data != null) {
            ((ObjectNode) body.get("error")).set("data", data);
        }
        return body;
    }

    /** Elsewhere (no MCP endpoint, Admin API): the catalog's status and Kong's {@code {"message": ...}}. */
    public static void plain(HttpServerResponse response, GatewayError error) {
        ErrorCatalog.Entry entry = ErrorCatalog.of(error);
        send(response, entry, message(entry));
    }

    /** Kong's error body for an entry: {@code {"message": ...}}, for callers that add fields to it. */
    public static ObjectNode message(ErrorCatalog.Entry entry) {
        ObjectNode body = Json.object();
        body.put("message", entry.message());
        return body;
    }

    /** The catalog's status and headers for {@code entry}, with {@code body}; resets a response already under way. */
    public static void send(HttpServerResponse response, ErrorCatalog.Entry entry, ObjectNode body) {
        if (response.headWritten()) {
            response.reset();
            return;
        }
        if (response.ended() || response.closed()) {
            return;
        }
        // its own framing: Vert.x would keep a Content-Length already set, and the body below has another length
        response.headers().remove("content-length").remove("transfer-encoding");
        response.setChunked(false);
        response.setStatusCode(entry.status()).putHeader("content-type", "application/json");
        putHeaders(response, entry.headers());
        response.end(Buffer.buffer(Json.bytes(body)));
    }

    /**
     * Puts a catalog entry's {@code headers} on {@code response}, but for those about the connection on an HTTP/2
     * stream, which HTTP/2 forbids ({@link ConnectionHeaders}).
     */
    public static void putHeaders(HttpServerResponse response, Map<String, String> headers) {
        boolean http2 = ConnectionHeaders.http2(response);
        headers.forEach((name, value) -> {
            if (!http2 || !ConnectionHeaders.forbiddenOverHttp2(name, value)) {
                response.putHeader(name, value);
            }
        });
    }
}
