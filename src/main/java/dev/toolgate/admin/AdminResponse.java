package dev.toolgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.error.ErrorCatalog;
import dev.toolgate.error.GatewayError;
import dev.toolgate.http.ErrorResponses;
import dev.toolgate.mcp.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

import java.util.Map;

/**
 * An Admin API answer: a status, a JSON body and the headers a refusal carries (the catalog's), sent as
 * {@code application/json}.
 */
record AdminResponse(int status, JsonNode body, Map<String, String> headers) {

    AdminResponse(int status, JsonNode body) {
        this(status, body, Map.of());
    }

    /** The catalog's answer for a refusal, in Kong's shape. */
    static AdminResponse of(GatewayError error) {
        ErrorCatalog.Entry entry = ErrorCatalog.of(error);
        return new AdminResponse(entry.status(), ErrorResponses.message(entry), entry.headers());
    }

    /** Kong's {@code {"message": ...}}. */
    static ObjectNode message(String text) {
        ObjectNode body = Json.object();
        body.put("message", text);
        return body;
    }

    void send(HttpServerRequest request) {
        send(request, Buffer.buffer(Json.bytes(body)));
    }

    /**
     * The answer encoded here, to be sent by the returned action on the request's event loop: an answer made on a
     * virtual thread may be megabytes of JSON (every warning of a 30,000-tool file, a long listing), which the
     * proxy's event loops should not spend their time serializing.
     */
    Runnable encoded(HttpServerRequest request) {
        Buffer bytes = Buffer.buffer(Json.bytes(body));
        return () -> send(request, bytes);
    }

    private void send(HttpServerRequest request, Buffer bytes) {
        ErrorResponses.putHeaders(request.response(), headers);
        request.response().setStatusCode(status).putHeader("content-type", "application/json; charset=utf-8")
                .end(body(request, bytes));
    }

    /**
     * The body, or none for a HEAD with the length a GET's would have: Vert.x leaves a HEAD's body out, and
     * sets no Content-Length for it.
     */
    static Buffer body(HttpServerRequest request, Buffer body) {
        if (request.method().name().equals("HEAD")) {
            request.response().putHeader("content-length", Integer.toString(body.length()));
            return Buffer.buffer();
        }
        return body;
    }
}
