package dev.toolgate.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.toolgate.mcp.Json;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The OpenAPI 3.0 keywords that JSON Schema 2020-12 spells differently: {@code nullable} becomes a
 * {@code "null"} type, and a boolean {@code exclusiveMinimum}/{@code exclusiveMaximum} (draft 4's form)
 * becomes the number it excludes. Apart from {@link SchemaConverter} because they are rewrites of one
 * schema object's own keywords, with no references or budgets involved. One instance serves the
 * conversions of a document.
 */
final class OpenApi30Keywords {

    /**
     * Each {@code enum} list met (by identity) with {@code null} added (itself when it has one). The copies of a schema share the
     * list, and its length is not what the budget of schema objects counts: copying a ten-thousand-value
     * list at each of 100,000 uses filled the heap from a document of 100 KB.
     */
    private final Map<ArrayNode, ArrayNode> enumsWithNull = new IdentityHashMap<>();

    /** Writes a boolean {@code exclusive} bound as the number of its {@code inclusive} one, or copies a number. */
    static void bounds(JsonNode node, ObjectNode out, String exclusive, String inclusive) {
        JsonNode flag = node.get(exclusive);
        if (flag == null) {
            return;
        }
        if (flag.isNumber()) {
            out.set(exclusive, flag);
        } else if (flag.asBoolean(false) && node.has(inclusive)) {
            out.set(exclusive, node.get(inclusive));
            out.remove(inclusive);
        }
    }

    /**
     * The schema that also admits {@code null}: a second type when it has one, an {@code anyOf} otherwise.
     * The schema is left as it is; the result shares its keywords' values.
     */
    ObjectNode nullable(ObjectNode schema) {
        JsonNode type = schema.get("type");
        if (type != null && type.isTextual()) {
            ArrayNode types = Json.MAPPER.createArrayNode().add(type.asText()).add("null");
            ObjectNode copy = Json.object();
            copy.setAll(schema);
            copy.set("type", types);
            if (copy.get("enum") instanceof ArrayNode values) {
                copy.set("enum", enumsWithNull.computeIfAbsent(values,
                        v -> containsNull(v) ? v : Json.MAPPER.createArrayNode().addAll(v).addNull()));
            }
            return copy;
        }
        ObjectNode wrapper = Json.object();
        wrapper.putArray("anyOf").add(schema).add(Json.object().set("type", TextNode.valueOf("null")));
        return wrapper;
    }

    private static boolean containsNull(ArrayNode values) {
        for (JsonNode v : values) {
            if (v.isNull()) {
                return true;
            }
        }
        return false;
    }
}
