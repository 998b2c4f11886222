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
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The declarative document a {@code POST /config} carries, in each form Kong's db-less endpoint
 * takes: the body itself (YAML or JSON), a {@code config} form field or file upload, or a JSON
 * object {@code {"config": ...}} wrapping it. Nothing may come beside {@code config}: a key or field
 * there is refused by name.
 */
final class ConfigUpload {

    /** Generated declarative files (openapi2mcp output for large APIs) run to tens of megabytes. */
    static final int MAX_BYTES = 64 * 1024 * 1024;

    /** Options Kong's {@code /config} reads beside {@code config}; Toolgate implements neither. */
    private static final Set<String> KONG_OPTIONS = Set.of("check_hash", "flatten_errors");

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
        String contentType = request.getHeader("content-type");
        String type = mediaType(contentType);
        if (type.equals("multipart/form-data") || type.equals("application/x-www-form-urlencoded")) {
            // Netty tells a multipart form by a case-sensitive prefix, and would decode "Multipart/Form-Data" as
            // urlencoded: it is given the media type in lower case, the parameters (the boundary) as sent
            int parameters = contentType.indexOf(';');
            request.headers().set("content-type", parameters < 0 ? type : type + contentType.substring(parameters));
            return readForm(request, limit).map(document -> () -> document);
        }
        return BodyReader.readEncoded(request, limit, new GatewayError.ConfigTooLarge(limit))
                .map(body -> () -> unwrap(body.decoded().getBytes()));
    }

    /** The media type alone, lower case (RFC 9110 §8.3.1: case-insensitive), without parameters; "" for none. */
    private static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    /**
     * Why a key or field beside {@code config} is refused: Kong's {@code /config} reads its own options there, which
     * Toolgate does not implement, and anything else is a mistake; dropped, either would pass unnoticed.
     */
    private static String besideConfig(String kind, String name) {
        String shown = name.length() > 64 ? name.substring(0, 64) + "..." : name;
        return KONG_OPTIONS.contains(name)
                ? "'" + shown + "' beside 'config' is an option of Kong's /config that Toolgate does not implement"
                : "unknown " + kind + " '" + shown + "' beside 'config' (the document goes in 'config' alone)";
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
        Set<String> others = new LinkedHashSet<>();
        request.uploadHandler(file -> {
            if ("config".equals(file.name())) {
                file.handler(upload::appendBuffer);
            } else {
                others.add(file.name());
            }
        });
        request.exceptionHandler(promise::tryFail);
        request.endHandler(v -> {
            String field = request.getFormAttribute("config");
            request.formAttributes().names().stream().filter(name -> !name.equals("config")).forEach(others::add);
            if (field == null && upload.length() == 0) {
                promise.tryFail("the form has no 'config' field");
            } else if (!others.isEmpty()) {
                promise.tryFail(besideConfig("field", others.iterator().next()));
            } else {
                promise.tryComplete(field != null ? field.getBytes(StandardCharsets.UTF_8) : upload.getBytes());
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
                for (var names = json.fieldNames(); names.hasNext(); ) {
                    String name = names.next();
                    if (!name.equals("config")) {
                        throw new GatewayException(new GatewayError.UnreadableConfig(besideConfig("key", name)));
                    }
                }
                JsonNode inner = json.get("config");
                return inner.isTextual() ? inner.asText().getBytes(StandardCharsets.UTF_8) : Json.bytes(inner);
            }
        } catch (IOException e) {
            // not JSON: a YAML document, passed on as is
        }
        return body;
    }
}
