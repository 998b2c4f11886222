package dev.toolgate.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Keeps "a component shrunk to a stub only loosens validation" true where the stub is not in a positive
 * place. A stub accepts more than its component, which loosens {@code allOf}, {@code properties},
 * {@code items}..., but under {@code oneOf} it can match beside another branch (GitHub's GET /user:
 * {@code oneOf [private-user, public-user]}, public-user stubbed to {@code {type: object}}, then every
 * private-user answer matches two branches and fails), under {@code not} it refuses more, under
 * {@code if} it switches {@code then}/{@code else}, and beside {@code unevaluatedProperties} it evaluates
 * fewer properties. There, a {@code oneOf} becomes an {@code anyOf}, and {@code not}, {@code if}/{@code
 * then}/{@code else} and {@code unevaluated*} are left out: each is looser than before.
 */
final class ShrunkComponents {

    private static final String DEFS = "#/$defs/";
    private static final Set<String> SCHEMA_MAPS = Set.of("properties", "patternProperties", "dependentSchemas");
    /** Keywords whose value maps names (which may be any word, {@code enum} too) to schemas. */
    static final Set<String> NAMED_SCHEMAS = Set.of("properties", "patternProperties", "dependentSchemas", "$defs");
    /** Keywords whose value is data, whatever it looks like: never a schema or a reference. */
    static final Set<String> VALUES = Set.of("enum", "const", "default", "examples");
    private static final Set<String> SCHEMA_LISTS = Set.of("allOf", "anyOf", "oneOf", "prefixItems");
    private static final Set<String> SCHEMA_VALUES = Set.of("items", "additionalProperties", "not", "if", "then",
            "else", "contains", "propertyNames", "unevaluatedProperties", "unevaluatedItems", "additionalItems");

    private ShrunkComponents() {
    }

    /**
     * {@code schema} (a self-contained schema whose {@code $defs} hold the stubs named by {@code stubbed}),
     * with the places that a stub would make stricter loosened; the parts it shares are not changed.
     */
    static ObjectNode loosened(ObjectNode schema, Set<String> stubbed) {
        JsonNode defs = schema.get("$defs");
        Set<String> loose = loose(defs, stubbed);
        ObjectNode result = (ObjectNode) rewritten(schema, loose);
        ObjectNode newDefs = Json.object();
        for (Map.Entry<String, JsonNode> def : defs.properties()) {
            newDefs.set(def.getKey(), stubbed.contains(def.getKey()) ? def.getValue() : rewritten(def.getValue(), loose));
        }
        ObjectNode copy = result == schema ? schema.deepCopy() : result;
        copy.set("$defs", newDefs);
        return copy;
    }

    /** The stubs, and every definition that reaches one: each accepts more than the document's component. */
    private static Set<String> loose(JsonNode defs, Set<String> stubbed) {
        Map<String, Set<String>> referencedBy = new HashMap<>();
        for (Map.Entry<String, JsonNode> def : defs.properties()) {
            for (String target : references(def.getValue())) {
                referencedBy.computeIfAbsent(target, k -> new HashSet<>()).add(def.getKey());
            }
        }
        Set<String> loose = new HashSet<>(stubbed);
        Deque<String> pending = new ArrayDeque<>(stubbed);
        while (!pending.isEmpty()) {
            for (String user : referencedBy.getOrDefault(pending.pop(), Set.of())) {
                if (loose.add(user)) {
                    pending.push(user);
                }
            }
        }
        return loose;
    }

    /** The definitions the subtree references (by {@code #/$defs/...}). */
    static Set<String> references(JsonNode node) {
        Set<String> found = new HashSet<>();
        anyReference(node, key -> {
            found.add(key);
            return false;
        });
        return found;
    }

    /** True when the subtree references one of {@code loose}. */
    private static boolean reaches(JsonNode node, Set<String> loose) {
        return anyReference(node, loose::contains);
    }

    /**
     * Whether {@code test} holds for a definition the schema references, walking schemas only: a
     * {@code $ref} inside an {@code enum}, {@code const}, {@code default} or {@code examples} value is
     * data (an API's enum may well hold {@code "#/components/schemas/Foo"}), not a reference.
     */
    private static boolean anyReference(JsonNode schema, Predicate<String> test) {
        Deque<JsonNode> pending = new ArrayDeque<>();
        pending.push(schema);
        while (!pending.isEmpty()) {
            JsonNode current = pending.pop();
            if (current.isArray()) {
                current.forEach(pending::push);
                continue;
            }
            if (!current.isObject()) {
                continue;
            }
            for (Map.Entry<String, JsonNode> field : current.properties()) {
                String key = field.getKey();
                JsonNode value = field.getValue();
                if (key.equals("$ref")) {
                    if (value.isTextual() && value.asText().startsWith(DEFS)
                            && test.test(value.asText().substring(DEFS.length()))) {
                        return true;
                    }
                } else if (NAMED_SCHEMAS.contains(key) && value.isObject()) {
                    value.forEach(pending::push);
                } else if (!VALUES.contains(key) && value.isContainerNode()) {
                    pending.push(value);
                }
            }
        }
        return false;
    }

    /** The schema with its negative places loosened: itself when nothing changes, else a copy. */
    private static JsonNode rewritten(JsonNode node, Set<String> loose) {
        if (!node.isObject() || !reaches(withoutDefs(node), loose)) {
            return node;
        }
        ObjectNode out = Json.object();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (key.equals("$defs")) {
                out.set(key, value);
            } else if (SCHEMA_MAPS.contains(key) && value.isObject()) {
                ObjectNode map = out.putObject(key);
                value.properties().forEach(e -> map.set(e.getKey(), rewritten(e.getValue(), loose)));
            } else if ((SCHEMA_LISTS.contains(key) || SCHEMA_VALUES.contains(key)) && value.isArray()) {
                ArrayNode list = out.putArray(key);
                value.forEach(item -> list.add(rewritten(item, loose)));
            } else if (SCHEMA_VALUES.contains(key)) {
                out.set(key, rewritten(value, loose));
            } else {
                out.set(key, value);
            }
        }
        if (out.has("oneOf") && reaches(out.get("oneOf"), loose)) {
            JsonNode branches = out.remove("oneOf");
            if (out.has("anyOf")) {
                JsonNode allOf = out.get("allOf");
                ArrayNode all = allOf instanceof ArrayNode a ? a : out.putArray("allOf");
                all.add(Json.object().set("anyOf", branches));
            } else {
                out.set("anyOf", branches);
            }
        }
        if (out.has("not") && reaches(out.get("not"), loose)) {
            out.remove("not");
        }
        if (out.has("if") && reaches(out.get("if"), loose)) {
            out.remove(List.of("if", "then", "else"));
        }
        if (reaches(withoutDefs(out), loose)) {
            out.remove(List.of("unevaluatedProperties", "unevaluatedItems"));
        }
        return out;
    }

    private static JsonNode withoutDefs(JsonNode node) {
        if (!node.has("$defs")) {
            return node;
        }
        ObjectNode shallow = Json.object();
        node.properties().forEach(e -> {
            if (!e.getKey().equals("$defs")) {
                shallow.set(e.getKey(), e.getValue());
            }
        });
        return shallow;
    }
}
