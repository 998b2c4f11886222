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

import java.util.ArrayList;
import java.util.LinkedHashMap;
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
    private static final Schema META_SCHEMA = REGISTRY.getSchema(
            com.networknt.schema.SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

    /** The argument that carries the request body. */
    public static final String BODY = "body";

    private ToolSchemas() {
    }

    /**
     * The request body part of a tool.
     *
     * @param encoding    how it is sent
     * @param schema      JSON Schema of the {@code body} argument (file fields already as base64 strings)
     * @param required    whether the argument is required
     * @param description shown to the model
     * @param fields      per-property encoding (form and multipart)
     */
    public record BodyPart(BodyEncoding encoding, JsonNode schema, boolean required, String description,
                           Map<String, FieldEncoding> fields) {
        static final BodyPart NONE = new BodyPart(BodyEncoding.NONE, null, false, null, Map.of());
    }

    /**
     * The output part of a tool.
     *
     * @param schema  the {@code outputSchema} (root is always an object)
     * @param wrapped the response is not an object; it appears as {@code {"result": ...}}
     */
    public record Output(ObjectNode schema, boolean wrapped) {
    }

    /** Reads an OpenAPI requestBody: its JSON (preferred), form or multipart content. */
    public static BodyPart body(JsonNode requestBody, String path, ConfigReport report) {
        if (requestBody == null) {
            return BodyPart.NONE;
        }
        JsonNode content = requestBody.path("content");
        for (Map.Entry<String, JsonNode> media : content.properties()) {
            if (MediaTypes.isJson(media.getKey())) {
                return bodyPart(BodyEncoding.JSON, media.getValue(), requestBody);
            }
        }
        for (BodyEncoding encoding : List.of(BodyEncoding.FORM, BodyEncoding.MULTIPART)) {
            JsonNode media = content.get(encoding.contentType());
            if (media != null) {
                return bodyPart(encoding, media, requestBody);
            }
        }
        report.problem(path + ".content", "must have application/json, application/x-www-form-urlencoded or "
                + "multipart/form-data content");
        return BodyPart.NONE;
    }

    private static BodyPart bodyPart(BodyEncoding encoding, JsonNode media, JsonNode requestBody) {
        JsonNode schema = media.path("schema").isObject() ? media.get("schema") : Json.object();
        String description = requestBody.path("description").isTextual() ? requestBody.get("description").asText() : null;
        Map<String, FieldEncoding> fields = new LinkedHashMap<>();
        if (encoding != BodyEncoding.JSON) {
            media.path("encoding").properties().forEach(e -> fields.put(e.getKey(), new FieldEncoding(
                    e.getValue().path("contentType").asText(null), e.getValue().path("style").asText(null),
                    e.getValue().path("explode").asBoolean(true), false)));
        }
        if (encoding == BodyEncoding.MULTIPART) {
            schema = withFileFields((ObjectNode) schema.deepCopy(), fields);
        }
        return new BodyPart(encoding, schema, requestBody.path("required").asBoolean(false), description, fields);
    }

    /** File properties of a multipart body become base64 strings (a file per string). */
    private static JsonNode withFileFields(ObjectNode schema, Map<String, FieldEncoding> fields) {
        JsonNode properties = schema.path("properties");
        List<String> names = new ArrayList<>();
        properties.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            JsonNode property = properties.get(name);
            boolean array = property.path("type").asText("").equals("array");
            JsonNode item = array ? property.path("items") : property;
            if (!isFile(item)) {
                continue;
            }
            ObjectNode file = Json.object();
            file.put("type", "string");
            file.put("contentEncoding", "base64");
            String text = property.path("description").asText(null);
            file.put("description", (text == null ? "" : text + " ") + "(file content, base64-encoded)");
            if (array) {
                ObjectNode list = Json.object();
                list.put("type", "array");
                list.set("items", file);
                ((ObjectNode) properties).set(name, list);
            } else {
                ((ObjectNode) properties).set(name, file);
            }
            FieldEncoding declared = fields.getOrDefault(name, FieldEncoding.DEFAULT);
            fields.put(name, new FieldEncoding(declared.contentType(), null, true, true));
        }
        return schema;
    }

    private static boolean isFile(JsonNode schema) {
        String format = schema.path("format").asText("");
        return format.equals("binary") || schema.path("type").asText("").equals("file")
                || schema.has("contentMediaType") && !schema.has("contentEncoding");
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
        hoistDefinitions(schema, properties);
        return schema;
    }

    /**
     * Argument schemas carry their own {@code $defs}; a {@code #/$defs/...} reference resolves against
     * the root of the input schema, so the definitions move there (one copy per name).
     */
    private static void hoistDefinitions(ObjectNode root, ObjectNode properties) {
        ObjectNode defs = null;
        for (Map.Entry<String, JsonNode> property : properties.properties()) {
            if (property.getValue() instanceof ObjectNode schema && schema.get("$defs") instanceof ObjectNode own) {
                ObjectNode copy = Json.object();
                schema.properties().forEach(f -> {
                    if (!f.getKey().equals("$defs")) {
                        copy.set(f.getKey(), f.getValue());
                    }
                });
                property.setValue(copy);
                if (defs == null) {
                    defs = root.putObject("$defs");
                }
                ObjectNode target = defs;
                own.properties().forEach(d -> {
                    if (!target.has(d.getKey())) {
                        target.set(d.getKey(), d.getValue());
                    }
                });
            }
        }
    }

    /** The output schema from an OpenAPI responses object; null when no 2xx response has a JSON schema. */
    public static Output output(JsonNode responses, String path, ConfigReport report) {
        if (responses == null) {
            return null;
        }
        Output found = null;
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
    static Output wrapIfNeeded(JsonNode schema) {
        if (describesObject(schema, schema, 0)) {
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

    /** Compiles a schema now, so no request pays for it; an invalid schema is a problem at {@code path}. */
    public static Schema compile(JsonNode schema, String path, ConfigReport report) {
        try {
            Schema compiled = REGISTRY.getSchema(schema);
            compiled.initializeValidators();
            return compiled;
        } catch (RuntimeException e) {
            report.problem(path, "is not a valid JSON Schema: " + firstLine(e));
            return null;
        }
    }

    /** Compiles a schema that is known to be valid (generated ones); a failure is a bug, thrown. */
    static Schema compileOrThrow(JsonNode schema) {
        Schema compiled = REGISTRY.getSchema(schema);
        compiled.initializeValidators();
        return compiled;
    }

    /** Reports where a schema breaks the JSON Schema 2020-12 meta-schema (a typo such as {@code type: strin}). */
    static void checkMetaSchema(JsonNode schema, String path, ConfigReport report) {
        List<com.networknt.schema.Error> errors;
        try {
            errors = META_SCHEMA.validate(schema);
        } catch (RuntimeException e) {
            report.problem(path, "is not a valid JSON Schema: " + firstLine(e));
            return;
        }
        if (!errors.isEmpty()) {
            StringBuilder text = new StringBuilder("is not a valid JSON Schema: ");
            for (int i = 0; i < errors.size(); i++) {
                text.append(i == 0 ? "" : "; ").append(errors.get(i).getMessage());
            }
            report.problem(path, text.toString());
        }
    }

    private static String firstLine(RuntimeException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /**
     * The first {@code $ref} that does not point into the schema's own {@code $defs}, or null. Kong's
     * tool definitions allow no references; Toolgate allows local ones, which keep recursive schemas
     * finite (this is what {@code config.openapi} and {@code openapi2mcp} generate).
     */
    public static String foreignReference(JsonNode node) {
        if (node == null) {
            return null;
        }
        JsonNode ref = node.isObject() ? node.get("$ref") : null;
        if (ref != null && !(ref.isTextual() && ref.asText().startsWith("#/$defs/"))) {
            return ref.toString();
        }
        for (JsonNode child : node) {
            String found = foreignReference(child);
            if (found != null) {
                return found;
            }
        }
        return null;
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
