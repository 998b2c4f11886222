package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.toolgate.config.ConfigReport;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.MediaTypes;
import dev.toolgate.mode.ParameterSpec;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Builds a tool's {@code inputSchema} (arguments {@code <in>_<name>} and {@code body}) and
 * {@code outputSchema} (the one 2xx JSON response), and compiles them. JSON Schema 2020-12 is the
 * default dialect, as MCP says; remote {@code $ref}s are never fetched.
 */
public final class ToolSchemas {

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12, b -> b.schemaLoader(l -> l.fetchRemoteResources(false)));

    /** The argument that carries the request body. */
    public static final String BODY = "body";

    private ToolSchemas() {
    }

    /**
     * The request body part of a tool.
     *
     * @param encoding    how it is sent
     * @param schema      JSON Schema of the {@code body} argument
     * @param required    whether the argument is required
     * @param description shown to the model
     */
    public record BodyPart(BodyEncoding encoding, JsonNode schema, boolean required, String description) {
        static final BodyPart NONE = new BodyPart(BodyEncoding.NONE, null, false, null);
    }

    /**
     * The output part of a tool.
     *
     * @param schema  the {@code outputSchema} (root is always an object)
     * @param wrapped the response is not an object; it appears as {@code {"result": ...}}
     */
    public record Output(ObjectNode schema, boolean wrapped) {
    }

    /** Reads an OpenAPI requestBody: its JSON (preferred) or form content. */
    public static BodyPart body(JsonNode requestBody, String path, ConfigReport report) {
        if (requestBody == null) {
            return BodyPart.NONE;
        }
        JsonNode content = requestBody.path("content");
        for (Iterator<Map.Entry<String, JsonNode>> it = content.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> media = it.next();
            if (MediaTypes.isJson(media.getKey())) {
                return bodyPart(BodyEncoding.JSON, media.getValue(), requestBody);
            }
        }
        JsonNode form = content.get(BodyEncoding.FORM.contentType());
        if (form != null) {
            return bodyPart(BodyEncoding.FORM, form, requestBody);
        }
        report.problem(path + ".content", "must have application/json or application/x-www-form-urlencoded content");
        return BodyPart.NONE;
    }

    private static BodyPart bodyPart(BodyEncoding encoding, JsonNode media, JsonNode requestBody) {
        JsonNode schema = media.path("schema").isObject() ? media.get("schema") : Json.object();
        String description = requestBody.path("description").isTextual() ? requestBody.get("description").asText() : null;
        return new BodyPart(encoding, schema, requestBody.path("required").asBoolean(false), description);
    }

    /** The input schema: one property per parameter ({@code <in>_<name>}) and {@code body}. */
    public static ObjectNode input(List<ParameterSpec> parameters, BodyPart body) {
        ObjectNode schema = Json.object();
        schema.put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        ArrayNode required = Json.MAPPER.createArrayNode();
        for (ParameterSpec p : parameters) {
            properties.set(p.argument(), described(p.schema(), p.description()));
            if (p.required()) {
                required.add(p.argument());
            }
        }
        if (body.encoding() != BodyEncoding.NONE) {
            properties.set(BODY, described(body.schema(), body.description()));
            if (body.required()) {
                required.add(BODY);
            }
        }
        if (!required.isEmpty()) {
            schema.set("required", required);
        }
        return schema;
    }

    /** The output schema from an OpenAPI responses object; null when no 2xx response has a JSON schema. */
    public static Output output(JsonNode responses, String path, ConfigReport report) {
        if (responses == null) {
            return null;
        }
        Output found = null;
        String foundStatus = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = responses.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> response = it.next();
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
        for (Iterator<Map.Entry<String, JsonNode>> it = content.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> media = it.next();
            if (MediaTypes.isJson(media.getKey()) && media.getValue().path("schema").isObject()) {
                return media.getValue().get("schema");
            }
        }
        return null;
    }

    /** MCP (up to 2025-11-25) requires an object at the root of {@code outputSchema}. */
    static Output wrapIfNeeded(JsonNode schema) {
        JsonNode type = schema.get("type");
        boolean object = type != null ? type.isTextual() && type.asText().equals("object")
                : schema.has("properties") || schema.has("additionalProperties");
        if (object) {
            return new Output((ObjectNode) schema.deepCopy(), false);
        }
        ObjectNode wrapper = Json.object();
        wrapper.put("type", "object");
        wrapper.putObject("properties").set("result", schema.deepCopy());
        wrapper.putArray("required").add("result");
        if (schema.has("$defs")) {
            wrapper.set("$defs", ((ObjectNode) wrapper.get("properties").get("result")).remove("$defs"));
        }
        return new Output(wrapper, true);
    }

    /** Compiles a schema now, so no request pays for it; an invalid schema is a problem at {@code path}. */
    public static Schema compile(JsonNode schema, String path, ConfigReport report) {
        try {
            Schema compiled = REGISTRY.getSchema(schema);
            compiled.initializeValidators();
            return compiled;
        } catch (RuntimeException e) {
            report.problem(path, "is not a valid JSON Schema: " + e.getMessage());
            return null;
        }
    }

    /** True when the schema contains a {@code $ref} anywhere. */
    public static boolean containsRef(JsonNode node) {
        if (node == null) {
            return false;
        }
        if (node.isObject() && node.has("$ref")) {
            return true;
        }
        for (JsonNode child : node) {
            if (containsRef(child)) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode described(JsonNode schema, String description) {
        if (description == null || schema.has("description") || !schema.isObject()) {
            return schema;
        }
        ObjectNode copy = ((ObjectNode) schema).deepCopy();
        copy.put("description", description);
        return copy;
    }
}
