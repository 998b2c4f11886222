package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.config.ConfigReport;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.MediaTypes;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The output part of a tool: its {@code outputSchema}, from the one 2xx JSON response. When another 2xx
 * response is documented without content (a DELETE's 204 beside its 200), the schema admits that answer
 * too, as {@code {}}: a success a strict client accepts (it refuses a success without {@code structuredContent}
 * from a tool with a schema).
 *
 * @param schema   the {@code outputSchema} as served (root is always an object)
 * @param wrapped  the response is not an object, or may be absent; it appears as {@code {"result": ...}}
 * @param declared the response schema as the configuration wrote it
 */
public record OutputSchema(ObjectNode schema, boolean wrapped, JsonNode declared) {

    /** Keywords a root that only references its definition may carry beside {@code $ref}. */
    private static final Set<String> REFERENCE_ONLY = Set.of("$ref", "$defs", "description", "title", "$comment");

    /**
     * The output schema from an OpenAPI responses object; null when no 2xx response has a JSON schema, or when one
     * has content of another type only.
     */
    public static OutputSchema of(JsonNode responses, String path, ConfigReport report) {
        if (responses == null) {
            return null;
        }
        JsonNode found = null;
        String foundStatus = null;
        boolean empty = false;
        String textOnly = null;
        for (Map.Entry<String, JsonNode> response : responses.properties()) {
            if (!response.getKey().matches("2(\\d\\d|XX)")) {
                continue;
            }
            JsonNode content = response.getValue().path("content");
            empty |= content.isEmpty();
            JsonNode schema = jsonSchema(content);
            if (schema == null) {
                if (!content.isEmpty() && !hasJson(content) && textOnly == null) {
                    textOnly = response.getKey();
                }
                continue;
            }
            if (found != null) {
                report.problem(path, "only one 2xx response may have a JSON schema (found " + foundStatus + " and "
                        + response.getKey() + ")");
                break;
            }
            found = schema;
            foundStatus = response.getKey();
        }
        if (found != null && textOnly != null) {
            // the API may answer text or bytes (a 202's text/plain beside a 200's JSON): no structured content could
            // stand for that answer, and a schema would make it a failure
            report.warning(path, "no outputSchema: the " + textOnly + " response is not JSON, so no structured "
                    + "content could stand for it (the " + foundStatus + " answer is still given as text)");
            return null;
        }
        return found == null ? null : empty ? servedOrEmpty(found) : served(found);
    }

    /**
     * The served schema of a JSON answer that may also be empty: an object answer stays the root, which also
     * admits {@code {}} (as an {@code anyOf}, so that an object answer's structured content is the same whether
     * or not the operation documents an empty answer beside it); another is {@code {"result": ...}}, result optional.
     */
    private static OutputSchema servedOrEmpty(JsonNode schema) {
        OutputSchema served = served(schema);
        if (served.wrapped()) {
            served.schema().remove("required");
            return served;
        }
        ObjectNode answer = served.schema().deepCopy();
        ObjectNode either = Json.object();
        either.put("type", "object");
        if (answer.has("$defs")) {
            either.set("$defs", answer.remove("$defs"));
        }
        either.putArray("anyOf").add(answer).addObject().put("maxProperties", 0);
        return new OutputSchema(either, false, schema);
    }

    /** Content that is, or may be, JSON ({@code *}{@code /*}, springdoc's default, and {@code application/*} may be). */
    private static boolean hasJson(JsonNode content) {
        for (Map.Entry<String, JsonNode> media : content.properties()) {
            String type = media.getKey().trim();
            if (MediaTypes.isJson(type) || type.startsWith("*/*") || type.startsWith("application/*")) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode jsonSchema(JsonNode content) {
        for (Map.Entry<String, JsonNode> media : content.properties()) {
            if (MediaTypes.isJson(media.getKey()) && media.getValue().path("schema").isObject()) {
                return media.getValue().get("schema");
            }
        }
        return null;
    }

    /**
     * The served output schema. MCP (up to 2025-11-25) requires {@code "type": "object"} at its root,
     * and strict clients (the TypeScript SDK, so every client built on it) refuse a whole
     * {@code tools/list} page when one tool lacks it: a root that only references a definition takes
     * the definition's place, a root that describes objects without saying so gets the type, and
     * anything else is wrapped as {@code {"result": ...}}.
     */
    static OutputSchema served(JsonNode schema) {
        JsonNode root = inlineRootReference(ServedSchemas.output(schema));
        if (root.path("type").asText("").equals("object")) {
            return new OutputSchema((ObjectNode) root.deepCopy(), false, schema);
        }
        if (root.isObject() && !root.has("type") && describesObject(root, root, 0)) {
            ObjectNode typed = Json.object();
            typed.put("type", "object");
            typed.setAll((ObjectNode) root.deepCopy());
            return new OutputSchema(typed, false, schema);
        }
        ObjectNode wrapper = Json.object();
        wrapper.put("type", "object");
        ObjectNode result = root.isObject() ? ((ObjectNode) root).deepCopy() : Json.object();
        wrapper.putObject("properties").set("result", result);
        wrapper.putArray("required").add("result");
        if (result.has("$defs")) {
            wrapper.set("$defs", result.remove("$defs"));
        }
        return new OutputSchema(wrapper, true, schema);
    }

    /**
     * {@code {"$ref": "#/$defs/Pet", "$defs": {...}}} (what OpenAPI components give) as the definition
     * itself, keeping {@code $defs} so that references inside it (recursive ones too) still resolve.
     */
    private static JsonNode inlineRootReference(JsonNode schema) {
        JsonNode root = schema;
        for (int depth = 0; depth < 16 && root.isObject() && REFERENCE_ONLY.containsAll(fieldNames(root)); depth++) {
            String ref = root.path("$ref").asText("");
            JsonNode target = ref.startsWith("#/$defs/") ? root.at(ref.substring(1)) : null;
            if (target == null || !target.isObject() || target.has("$defs")) {
                break;
            }
            ObjectNode inlined = ((ObjectNode) target).deepCopy();
            for (String kept : List.of("title", "description")) {
                if (root.has(kept)) {
                    inlined.set(kept, root.get(kept));
                }
            }
            inlined.set("$defs", root.get("$defs"));
            root = inlined;
        }
        return root;
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new java.util.HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
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
