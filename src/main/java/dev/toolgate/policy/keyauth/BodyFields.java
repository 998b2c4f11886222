package dev.toolgate.policy.keyauth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.MediaTypes;
import dev.toolgate.pipeline.Exchange;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The top-level fields of a request body, for {@code key_in_body}: a JSON object, or a form
 * ({@code application/x-www-form-urlencoded}, a repeated field becoming an array). Anything else
 * (another type, bad JSON, a JSON batch) has no fields: the mode reports what is wrong with it.
 */
final class BodyFields {

    private BodyFields() {
    }

    static JsonNode of(Exchange exchange, Buffer body) {
        String type = exchange.header("content-type");
        if (MediaTypes.isJson(type)) {
            try {
                JsonNode tree = Json.parse(body.getBytes());
                return tree != null && tree.isObject() ? tree : Json.object();
            } catch (IOException e) {
                return Json.object();
            }
        }
        if (MediaTypes.is(type, "application/x-www-form-urlencoded")) {
            return form(body.toString(StandardCharsets.UTF_8));
        }
        return Json.object();
    }

    private static ObjectNode form(String text) {
        ObjectNode fields = Json.object();
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            JsonNode earlier = fields.get(name);
            if (earlier == null) {
                fields.put(name, value);
            } else if (earlier instanceof ArrayNode values) {
                values.add(value);
            } else {
                fields.putArray(name).add(earlier).add(value);
            }
        }
        return fields;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }
}
