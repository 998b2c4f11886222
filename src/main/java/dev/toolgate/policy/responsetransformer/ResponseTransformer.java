package dev.toolgate.policy.responsetransformer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.toolgate.config.ConfigProblem;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.MediaTypes;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.UpstreamAnswer;
import dev.toolgate.pipeline.UpstreamPolicy;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kong's {@code response-transformer} on the upstream's answer: in conversion modes before it becomes
 * the tool result (so its text and {@code structuredContent} show the change), in passthrough on the
 * answer's headers only (JSON-RPC bodies are relayed intact); its header rules also on the answer the client
 * gets when the gateway writes it (an MCP answer, a refusal, an error).
 */
final class ResponseTransformer implements UpstreamPolicy {

    /** A {@code name:value} rule, split once. */
    private record Rule(String name, String value) {
    }

    /** A JSON rule with its value already typed ({@code json_types}). */
    private record JsonRule(String name, JsonNode value) {
    }

    private final List<String> removeHeaders;
    private final List<Rule> renameHeaders;
    private final List<Rule> replaceHeaders;
    private final List<Rule> addHeaders;
    private final List<Rule> appendHeaders;
    private final List<String> removeJson;
    private final List<Rule> renameJson;
    private final List<JsonRule> replaceJson;
    private final List<JsonRule> addJson;
    private final List<JsonRule> appendJson;
    private final boolean jsonRules;
    /** Its json rules, each operation's at its path: refused on a passthrough route. */
    private final List<ConfigProblem> messageRules;

    /** @param source the plugin's path in the document, such as {@code plugins[0]} */
    ResponseTransformer(ResponseTransformerConfig config, String source) {
        removeHeaders = config.remove().headers();
        renameHeaders = rules(unframed(config.rename().headers(), true));
        replaceHeaders = rules(unframed(config.replace().headers(), false));
        addHeaders = rules(unframed(config.add().headers(), false));
        appendHeaders = rules(unframed(config.append().headers(), false));
        removeJson = config.remove().json();
        renameJson = rules(config.rename().json());
        replaceJson = typed(config.replace().json(), config.replace().jsonTypes());
        addJson = typed(config.add().json(), config.add().jsonTypes());
        appendJson = typed(config.append().json(), config.append().jsonTypes());
        this.jsonRules = !removeJson.isEmpty() || !renameJson.isEmpty() || !replaceJson.isEmpty() || !addJson.isEmpty()
                || !appendJson.isEmpty();
        this.messageRules = messageRules(config, source);
    }

    private static List<ConfigProblem> messageRules(ResponseTransformerConfig c, String source) {
        Map<String, ResponseTransformerConfig.Operation> byOperation = new LinkedHashMap<>();
        byOperation.put("remove", c.remove());
        byOperation.put("rename", c.rename());
        byOperation.put("replace", c.replace());
        byOperation.put("add", c.add());
        byOperation.put("append", c.append());
        List<ConfigProblem> rules = new ArrayList<>();
        byOperation.forEach((operation, rule) -> {
            if (!rule.json().isEmpty()) {
                rules.add(new ConfigProblem(source + ".config." + operation + ".json", "response-transformer's json "
                        + "rules would rewrite JSON-RPC messages; on a passthrough route only its header rules may apply"));
            }
        });
        return List.copyOf(rules);
    }

    @Override
    public List<ConfigProblem> rewritesMessages() {
        return messageRules;
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
        removeHeaders.forEach(h::remove);
        for (Rule rename : renameHeaders) {
            List<String> values = h.getAll(rename.name());
            if (!values.isEmpty()) {
                h.remove(rename.name());
                h.set(rename.value(), values);
            }
        }
        replaceHeaders.stream().filter(e -> h.contains(e.name())).forEach(e -> h.set(e.name(), e.value()));
        addHeaders.stream().filter(e -> !h.contains(e.name())).forEach(e -> h.set(e.name(), e.value()));
        appendHeaders.forEach(e -> h.add(e.name(), e.value()));
    }

    private void json(ObjectNode json) {
        removeJson.forEach(json::remove);
        for (Rule rename : renameJson) {
            JsonNode value = json.remove(rename.name());
            if (value != null) {
                json.set(rename.value(), value);
            }
        }
        replaceJson.stream().filter(e -> json.has(e.name())).forEach(e -> json.set(e.name(), e.value()));
        addJson.stream().filter(e -> !json.has(e.name())).forEach(e -> json.set(e.name(), e.value()));
        for (JsonRule append : appendJson) {
            JsonNode earlier = json.get(append.name());
            if (earlier == null) {
                json.set(append.name(), append.value());
            } else if (earlier instanceof ArrayNode values) {
                values.add(append.value());
            } else {
                json.putArray(append.name()).add(earlier).add(append.value());
            }
        }
    }

    /**
     * The header rules without those that would set the answer's framing (warned at load): the gateway
     * frames the body it sends, and a second length or coding would make the answer unreadable, or let
     * a client read the next answer on the connection as this one's body.
     */
    private static List<String> unframed(List<String> entries, boolean renaming) {
        return entries.stream().filter(e -> !ResponseTransformerConfig.framing(
                ResponseTransformerConfig.setHeader(e, renaming))).toList();
    }

    private static List<Rule> rules(List<String> entries) {
        return entries.stream().map(e -> new Rule(name(e), value(e))).toList();
    }

    /** The entries' values typed as {@code json_types} says, position by position (a string by default). */
    private static List<JsonRule> typed(List<String> entries, List<String> types) {
        List<JsonRule> typed = new java.util.ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            String value = value(entries.get(i));
            String type = i < types.size() ? types.get(i) : "string";
            typed.add(new JsonRule(name(entries.get(i)), switch (type) {
                case "number" -> number(value);
                case "boolean" -> BooleanNode.valueOf(Boolean.parseBoolean(value));
                default -> TextNode.valueOf(value);
            }));
        }
        return List.copyOf(typed);
    }

    private static JsonNode number(String value) {
        try {
            return DecimalNode.valueOf(new BigDecimal(value));
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
