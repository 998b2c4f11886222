package dev.toolgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.http.BodyReader;
import dev.toolgate.mcp.Json;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The declarative document a {@code POST /config} carries, in each form Kong's db-less endpoint
 * takes: the body itself (YAML or JSON), a {@code config} form field or file upload, or a JSON
 * object {@code {"config": ...}} wrapping it.
 */
final class ConfigUpload {

    /** Generated declarative files (openapi2mcp output for large APIs) run to tens of megabytes. */
    static final int MAX_BYTES = 64 * 1024 * 1024;

    private ConfigUpload() {
    }

    /**
     * What was posted, to be made the document off the event loop: inflating a 64 MiB body, and parsing it
     * whole to look for a {@code {"config": ...}} wrapper, take a second, in which the listener (its
     * {@code /status/ready} too) would answer nothing.
     */
    @FunctionalInterface
    interface Upload {
        /** The document; throws a {@link GatewayException} when the body inflates past the limit or is not its coding. */
        byte[] document();
    }

    /**
     * The body, however Kong's db-less endpoint accepts it; fails past {@code limit} bytes (as sent) and on
     * a coding it does not read with a {@link GatewayException}, on a form it cannot use with a message.
     */
    static Future<Upload> read(HttpServerRequest request, long limit) {
        String type = request.getHeader("content-type");
        if (type != null && (type.startsWith("multipart/form-data") || type.startsWith("application/x-www-form-urlencoded"))) {
            return readForm(request, limit).map(document -> () -> document);
        }
        return BodyReader.readEncoded(request, limit, new GatewayError.ConfigTooLarge(limit))
                .map(body -> () -> unwrap(body.decoded().getBytes()));
    }

    /**
     * A form's fields are decoded by Vert.x, which holds each whole in memory: the listener lets one
     * field be as large as a document ({@link AdminServer}), and the body as a whole is bounded here.
     */
    private static Future<byte[]> readForm(HttpServerRequest request, long limit) {
        Promise<byte[]> promise = Promise.promise();
        Buffer upload = Buffer.buffer();
        long[] received = {0};
        request.setExpectMultipart(true);
        request.handler(chunk -> {
            received[0] += chunk.length();
            if (received[0] > limit && promise.tryFail(new GatewayException(new GatewayError.ConfigTooLarge(limit)))) {
                // nothing more is read (nor decoded): the answer goes out, the rest of the body is not waited for
                request.pause();
            }
        });
        request.uploadHandler(file -> {
            if ("config".equals(file.name())) {
                file.handler(upload::appendBuffer);
            }
        });
        request.exceptionHandler(promise::tryFail);
        request.endHandler(v -> {
            String field = request.getFormAttribute("config");
            if (field != null) {
                promise.tryComplete(field.getBytes(StandardCharsets.UTF_8));
            } else if (upload.length() > 0) {
                promise.tryComplete(upload.getBytes());
            } else {
                promise.tryFail("the form has no 'config' field");
            }
        });
        return promise.future();
    }

    /**
     * {"config": "..."} or {"config": {...}} (without _format_version) carries the document inside. Read as strictly
     * as the document itself: a key repeated in the wrapped document would otherwise be dropped here, and
     * {@code "allow": ["admins"], "allow": ["everyone"]} applied as the last one (the document refuses it).
     */
    private static byte[] unwrap(byte[] body) {
        try {
            JsonNode json = Json.parseClientMessage(body);
            if (json != null && json.isObject() && json.has("config") && !json.has("_format_version")) {
                JsonNode inner = json.get("config");
                return inner.isTextual() ? inner.asText().getBytes(StandardCharsets.UTF_8) : Json.bytes(inner);
            }
        } catch (IOException e) {
            // not JSON: a YAML document, passed on as is
        }
        return body;
    }
}
