package dev.toolgate.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.toolgate.mcp.Json;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Keeps a tool's argument schemas from sharing a {@code $defs} name for two different definitions. Each
 * argument is converted on its own ({@link SchemaConverter#selfContained}): past its budget a component
 * becomes a stub, and what reaches a stub is loosened, in that argument only. But the arguments' {@code
 * $defs} are served as one (a {@code #/$defs/...} reference resolves at the input schema's root), so a
 * query parameter's stub of {@code User} would stand for the body's full {@code User} too, where the body's
 * {@code oneOf [User, Team]} was not loosened: a Team would match two branches and valid arguments would
 * be refused. A definition that differs from an earlier argument's of that name is renamed in its own
 * argument ({@code User_2}); equal ones stay shared.
 */
final class ArgumentDefinitions {

    private static final String DEFS = "#/$defs/";

    /** The definitions of the arguments seen so far, by the name they are served under. */
    private final Map<String, JsonNode> served = new HashMap<>();

    /** The argument's schema with its definitions named apart from the earlier arguments' (itself when no name clashes). */
    ObjectNode apart(ObjectNode schema) {
        if (!(schema.get("$defs") instanceof ObjectNode defs)) {
            return schema;
        }
        Map<String, String> renamed = new HashMap<>();
        Set<String> different = new HashSet<>();
        defs.properties().forEach(d -> {
            JsonNode earlier = served.get(d.getKey());
            if (earlier != null && !earlier.equals(d.getValue())) {
                different.add(d.getKey());
            }
        });
        // a definition equal to an earlier argument's but referencing one renamed here differs too: served
        // under the shared name, it would reach the earlier argument's definition
        while (!different.isEmpty()) {
            different.forEach(key -> renamed.put(key, freeName(key, defs, renamed)));
            different.clear();
            defs.properties().forEach(d -> {
                if (!renamed.containsKey(d.getKey()) && served.containsKey(d.getKey())
                        && ShrunkComponents.references(d.getValue()).stream().anyMatch(renamed::containsKey)) {
                    different.add(d.getKey());
                }
            });
        }
        ObjectNode result = renamed.isEmpty() ? schema : (ObjectNode) rewritten(schema, renamed);
        if (!renamed.isEmpty()) {
            ObjectNode newDefs = result.putObject("$defs");
            defs.properties().forEach(d -> newDefs.set(renamed.getOrDefault(d.getKey(), d.getKey()),
                    rewritten(d.getValue(), renamed)));
        }
        result.get("$defs").properties().forEach(d -> served.putIfAbsent(d.getKey(), d.getValue()));
        return result;
    }

    /** A name no argument so far serves and this argument does not define. */
    private String freeName(String name, ObjectNode own, Map<String, String> renamed) {
        String candidate = name;
        for (int n = 2; served.containsKey(candidate) || own.has(candidate) || renamed.containsValue(candidate); n++) {
            candidate = name + "_" + n;
        }
        return candidate;
    }

    /**
     * A copy of the schema (its {@code $defs} left out) with the references to renamed definitions rewritten;
     * values ({@code enum}, {@code const}, {@code default}, {@code examples}) are data and stay as written.
     */
    private static JsonNode rewritten(JsonNode node, Map<String, String> renamed) {
        if (node.isArray()) {
            var copy = Json.MAPPER.createArrayNode();
            node.forEach(item -> copy.add(rewritten(item, renamed)));
            return copy;
        }
        if (!node.isObject()) {
            return node;
        }
        ObjectNode copy = Json.object();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (key.equals("$defs")) {
                continue;
            }
            if (key.equals("$ref") && value.isTextual() && value.asText().startsWith(DEFS)) {
                String to = renamed.get(value.asText().substring(DEFS.length()));
                copy.set("$ref", to == null ? value : TextNode.valueOf(DEFS + to));
            } else if (ShrunkComponents.VALUES.contains(key)) {
                copy.set(key, value);
            } else if (ShrunkComponents.NAMED_SCHEMAS.contains(key) && value.isObject()) {
                ObjectNode named = copy.putObject(key);
                value.properties().forEach(e -> named.set(e.getKey(), rewritten(e.getValue(), renamed)));
            } else {
                copy.set(key, rewritten(value, renamed));
            }
        }
        return copy;
    }
}
