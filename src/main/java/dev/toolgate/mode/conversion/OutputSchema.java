package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.config.ConfigReport;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.MediaTypes;

import java.util.Map;

/**
 * The output part of a tool: its {@code outputSchema}, from the one 2xx JSON response.
 *
 * @param schema  the {@code outputSchema} (root is always an object)
 * @param wrapped the response is not an object; it appears as {@code {"result": ...}}
 */
public record OutputSchema(ObjectNode schema, boolean wrapped) {

    /** The output schema from an OpenAPI responses object; null when no 2xx response has a JSON schema. */
    public static OutputSchema of(JsonNode responses, String path, ConfigReport report) {
        if (responses == null) {
            return null;
        }
        OutputSchema found = null;
        String foundStatus = null;
        for (Map.Entry<String, JsonNode> response : responses.properties()) {
            if (!response.getKey().matches("2(\\d\\d|XX)")) {
                continue;
            }
            JsonNode schema = jsonSchema(response.getValue().path("content"));
            if (schema == null) {
                continue;
            }
            if (found != null) {
                report.problem(path, "only one 2xx response may have a JSON schema (found " + foundStatus + " and "
                        + response.getKey() + ")");
                return found;
            }
            found = wrapIfNeeded(schema);
            foundStatus = response.getKey();
        }
        return found;
    }

    private static JsonNode jsonSchema(JsonNode content) {
        for (Map.Entry<String, JsonNode> media : content.properties()) {
            if (MediaTypes.isJson(media.getKey()) && media.getValue().path("schema").isObject()) {
                return media.getValue().get("schema");
            }
        }
        return null;
    }

    /** MCP (up to 2025-11-25) requires an object at the root of {@code outputSchema}. */
    static OutputSchema wrapIfNeeded(JsonNode schema) {
        if (describesObject(schema, schema, 0)) {
            return new OutputSchema((ObjectNode) schema.deepCopy(), false);
        }
        ObjectNode wrapper = Json.object();
        wrapper.put("type", "object");
        wrapper.putObject("properties").set("result", schema.deepCopy());
        wrapper.putArray("required").add("result");
        if (schema.has("$defs")) {
            wrapper.set("$defs", ((ObjectNode) wrapper.get("properties").get("result")).remove("$defs"));
        }
        return new OutputSchema(wrapper, true);
    }

    /** True when the schema's instances are objects: by type, by shape, through local $refs or allOf. */
    private static boolean describesObject(JsonNode schema, JsonNode root, int depth) {
        if (depth > 16 || !schema.isObject()) {
            return false;
        }
        JsonNode type = schema.get("type");
        if (type != null) {
            return type.isTextual() && type.asText().equals("object");
        }
        if (schema.has("properties") || schema.has("additionalProperties")) {
            return true;
        }
        JsonNode ref = schema.get("$ref");
        if (ref != null && ref.asText("").startsWith("#/$defs/")) {
            JsonNode target = root.path("$defs").path(ref.asText().substring("#/$defs/".length()));
            return describesObject(target, root, depth + 1);
        }
        for (JsonNode part : schema.path("allOf")) {
            if (describesObject(part, root, depth + 1)) {
                return true;
            }
        }
        return false;
    }
}
