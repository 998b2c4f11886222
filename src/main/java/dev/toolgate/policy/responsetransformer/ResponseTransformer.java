package dev.toolgate.policy.responsetransformer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.MediaTypes;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.UpstreamAnswer;
import dev.toolgate.pipeline.UpstreamPolicy;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;

/**
 * Kong's {@code response-transformer} on the upstream's answer: in conversion modes before it becomes
 * the tool result (so its text and {@code structuredContent} show the change), in passthrough on the
 * answer's headers only (JSON-RPC bodies are relayed intact).
 */
final class ResponseTransformer implements UpstreamPolicy {

    private final ResponseTransformerConfig config;
    private final boolean jsonRules;

    ResponseTransformer(ResponseTransformerConfig config) {
        this.config = config;
        this.jsonRules = !config.remove().json().isEmpty() || !config.rename().json().isEmpty()
                || !config.replace().json().isEmpty() || !config.add().json().isEmpty() || !config.append().json().isEmpty();
    }

    @Override
    public String rewritesMessages() {
        return jsonRules ? "response-transformer's json rules would rewrite JSON-RPC messages; on a passthrough route "
                + "only its header rules may apply" : null;
    }

    @Override
    public void response(Exchange exchange, UpstreamAnswer answer) {
        headers(answer.headers());
        if (jsonRules && answer.bodyChangeable() && answer.body() != null
                && MediaTypes.isJson(answer.headers().get("content-type"))) {
            ObjectNode json = object(answer.body());
            if (json != null) {
                json(json);
                answer.body(Buffer.buffer(Json.bytes(json)));
                answer.headers().remove("content-length");
            }
        }
    }

    private void headers(MultiMap h) {
        config.remove().headers().forEach(h::remove);
        for (String rename : config.rename().headers()) {
            List<String> values = h.getAll(name(rename));
            if (!values.isEmpty()) {
                h.remove(name(rename));
                h.set(value(rename), values);
            }
        }
        config.replace().headers().stream().filter(e -> h.contains(name(e))).forEach(e -> h.set(name(e), value(e)));
        config.add().headers().stream().filter(e -> !h.contains(name(e))).forEach(e -> h.set(name(e), value(e)));
        config.append().headers().forEach(e -> h.add(name(e), value(e)));
    }

    private void json(ObjectNode json) {
        config.remove().json().forEach(json::remove);
        for (String rename : config.rename().json()) {
            JsonNode value = json.remove(name(rename));
            if (value != null) {
                json.set(value(rename), value);
            }
        }
        List<String> replace = config.replace().json();
        for (int i = 0; i < replace.size(); i++) {
            if (json.has(name(replace.get(i)))) {
                json.set(name(replace.get(i)), typed(replace.get(i), config.replace().jsonTypes(), i));
            }
        }
        List<String> add = config.add().json();
        for (int i = 0; i < add.size(); i++) {
            if (!json.has(name(add.get(i)))) {
                json.set(name(add.get(i)), typed(add.get(i), config.add().jsonTypes(), i));
            }
        }
        List<String> append = config.append().json();
        for (int i = 0; i < append.size(); i++) {
            JsonNode value = typed(append.get(i), config.append().jsonTypes(), i);
            JsonNode earlier = json.get(name(append.get(i)));
            if (earlier == null) {
                json.set(name(append.get(i)), value);
            } else if (earlier instanceof ArrayNode values) {
                values.add(value);
            } else {
                json.putArray(name(append.get(i))).add(earlier).add(value);
            }
        }
    }

    private static JsonNode typed(String entry, List<String> types, int index) {
        String value = value(entry);
        String type = index < types.size() ? types.get(index) : "string";
        try {
            return switch (type) {
                case "number" -> DecimalNode.valueOf(new BigDecimal(value));
                case "boolean" -> BooleanNode.valueOf(Boolean.parseBoolean(value));
                default -> TextNode.valueOf(value);
            };
        } catch (NumberFormatException e) {
            return TextNode.valueOf(value);
        }
    }

    private static ObjectNode object(Buffer body) {
        try {
            JsonNode tree = Json.parse(body.getBytes());
            return tree instanceof ObjectNode object ? object : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String name(String entry) {
        int colon = entry.indexOf(':');
        return colon < 0 ? entry : entry.substring(0, colon);
    }

    private static String value(String entry) {
        return entry.substring(entry.indexOf(':') + 1);
    }
}
