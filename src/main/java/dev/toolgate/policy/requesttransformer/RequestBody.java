package dev.toolgate.policy.requesttransformer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.toolgate.http.UpstreamQuery;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.MediaTypes;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.UpstreamCall;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;

/**
 * The body rules of a {@code request-transformer} on a JSON object's top-level fields (values are
 * strings, as in Kong) or a form's fields. Other bodies (multipart, a JSON array, anything else) are
 * sent as they are.
 */
final class RequestBody {

    private RequestBody() {
    }

    static void transform(Exchange exchange, UpstreamCall call, Rules rules) {
        String type = call.headers().get("content-type");
        Buffer body = call.body();
        // as in Kong: a body without a JSON or form content type is left alone
        if (MediaTypes.isJson(type)) {
            ObjectNode json = json(body);
            if (json != null) {
                json(exchange, json, rules);
                call.body(Buffer.buffer(Json.bytes(json)));
            }
        } else if (MediaTypes.is(type, "application/x-www-form-urlencoded")) {
            List<Map.Entry<String, String>> form = UpstreamQuery.decode(body == null ? null
                    : body.toString(StandardCharsets.UTF_8), true);
            form(exchange, form, rules);
            String encoded = UpstreamQuery.encode(form);
            call.body(Buffer.buffer(encoded == null ? "" : encoded));
        }
    }

    private static ObjectNode json(Buffer body) {
        if (body == null || body.length() == 0) {
            return Json.object();
        }
        try {
            JsonNode tree = Json.parse(body.getBytes());
            return tree instanceof ObjectNode object ? object : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void json(Exchange exchange, ObjectNode json, Rules rules) {
        rules.remove().forEach(json::remove);
        for (Rules.Entry rename : rules.rename()) {
            JsonNode value = json.remove(rename.name());
            if (value != null) {
                json.set(rename.value().render(exchange), value);
            }
        }
        for (Rules.Entry replace : rules.replace()) {
            String value = replace.render(exchange);
            if (value != null && json.has(replace.name())) {
                json.put(replace.name(), value);
            }
        }
        for (Rules.Entry add : rules.add()) {
            String value = add.render(exchange);
            if (value != null && !json.has(add.name())) {
                json.put(add.name(), value);
            }
        }
        for (Rules.Entry append : rules.append()) {
            String value = append.render(exchange);
            if (value == null) {
                continue;
            }
            JsonNode earlier = json.get(append.name());
            if (earlier == null) {
                json.put(append.name(), value);
            } else if (earlier instanceof ArrayNode values) {
                values.add(value);
            } else {
                json.putArray(append.name()).add(earlier).add(TextNode.valueOf(value));
            }
        }
    }

    private static void form(Exchange exchange, List<Map.Entry<String, String>> form, Rules rules) {
        form.removeIf(e -> rules.remove().contains(e.getKey()));
        for (Rules.Entry rename : rules.rename()) {
            String to = rename.value().render(exchange);
            form.replaceAll(e -> e.getKey().equals(rename.name()) ? new AbstractMap.SimpleEntry<>(to, e.getValue()) : e);
        }
        for (Rules.Entry replace : rules.replace()) {
            String value = replace.render(exchange);
            if (value != null) {
                form.replaceAll(e -> e.getKey().equals(replace.name()) ? new AbstractMap.SimpleEntry<>(e.getKey(), value) : e);
            }
        }
        for (Rules.Entry add : rules.add()) {
            String value = add.render(exchange);
            if (value != null && form.stream().noneMatch(e -> e.getKey().equals(add.name()))) {
                form.add(new AbstractMap.SimpleEntry<>(add.name(), value));
            }
        }
        for (Rules.Entry append : rules.append()) {
            String value = append.render(exchange);
            if (value != null) {
                form.add(new AbstractMap.SimpleEntry<>(append.name(), value));
            }
        }
    }
}
