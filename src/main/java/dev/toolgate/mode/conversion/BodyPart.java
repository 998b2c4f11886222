package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.config.ConfigReport;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.MediaTypes;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The request body part of a tool, read from an OpenAPI {@code requestBody}: JSON (preferred), form or
 * multipart content; multipart file fields become base64 strings.
 *
 * @param encoding    how it is sent
 * @param mediaType   the {@code Content-Type} of a JSON body: the type the tool declares
 *                    ({@code application/merge-patch+json}, {@code application/vnd.api+json}), which
 *                    upstreams that take several check
 * @param schema      JSON Schema of the {@code body} argument (file fields already as base64 strings)
 * @param required    whether the argument is required
 * @param description shown to the model
 * @param fields      per-property encoding (form and multipart): one for each declared property, the
 *                    default when the document gives none
 */
public record BodyPart(BodyEncoding encoding, String mediaType, JsonNode schema, boolean required, String description,
                       Map<String, FieldEncoding> fields) {

    static final BodyPart NONE = new BodyPart(BodyEncoding.NONE, null, null, false, null, Map.of());

    /** Reads an OpenAPI requestBody: its JSON (preferred), form or multipart content. */
    public static BodyPart of(JsonNode requestBody, String path, ConfigReport report) {
        if (requestBody == null) {
            return NONE;
        }
        JsonNode content = requestBody.path("content");
        for (Map.Entry<String, JsonNode> media : content.properties()) {
            if (MediaTypes.isJson(media.getKey())) {
                if (!sendable(media.getKey())) {
                    report.problem(path + ".content." + media.getKey(), "must be a media type that can be sent "
                            + "as a Content-Type header (printable ASCII)");
                    return NONE;
                }
                return bodyPart(BodyEncoding.JSON, media.getKey().trim(), media.getValue(), requestBody);
            }
        }
        for (BodyEncoding encoding : List.of(BodyEncoding.FORM, BodyEncoding.MULTIPART)) {
            JsonNode media = content.get(encoding.contentType());
            if (media != null) {
                return bodyPart(encoding, encoding.contentType(), media, requestBody);
            }
        }
        report.problem(path + ".content", "must have application/json, application/x-www-form-urlencoded or "
                + "multipart/form-data content");
        return NONE;
    }

    private static boolean sendable(String mediaType) {
        return mediaType.chars().allMatch(c -> c >= 0x20 && c < 0x7F);
    }

    private static BodyPart bodyPart(BodyEncoding encoding, String mediaType, JsonNode media, JsonNode requestBody) {
        JsonNode schema = media.path("schema").isObject() ? media.get("schema") : Json.object();
        String description = requestBody.path("description").isTextual() ? requestBody.get("description").asText() : null;
        Map<String, FieldEncoding> fields = new LinkedHashMap<>();
        if (encoding != BodyEncoding.JSON) {
            media.path("encoding").properties().forEach(e -> fields.put(e.getKey(), new FieldEncoding(
                    e.getValue().path("contentType").asText(null), e.getValue().path("style").asText(null),
                    e.getValue().path("explode").asBoolean(true), false)));
            // every declared field has an encoding, so the fields a form sends are known without the schema
            Set<String> declared = new LinkedHashSet<>();
            declareFields(schema, schema, declared, new HashSet<>());
            declared.forEach(name -> fields.putIfAbsent(name, FieldEncoding.DEFAULT));
        }
        if (encoding == BodyEncoding.MULTIPART) {
            schema = withFileFields((ObjectNode) schema.deepCopy(), fields);
        }
        return new BodyPart(encoding, mediaType, schema, requestBody.path("required").asBoolean(false), description, fields);
    }

    /**
     * Adds the properties {@code schema} declares to {@code names}: its own, those its {@code $ref}
     * into the root's {@code $defs} declares and those of its {@code allOf}, {@code anyOf} and
     * {@code oneOf} branches. A body that is a
     * component ({@code $ref}) or extends one ({@code allOf}), as {@code config.openapi} writes them,
     * declares its fields there; reading only the top-level {@code properties} would let an exploded
     * object's key shadow them. {@code seen} stops reference cycles.
     */
    private static void declareFields(JsonNode root, JsonNode schema, Set<String> names, Set<String> seen) {
        schema.path("properties").fieldNames().forEachRemaining(names::add);
        JsonNode ref = schema.get("$ref");
        if (ref != null && ref.isTextual() && ref.asText().startsWith("#/$defs/") && seen.add(ref.asText())) {
            declareFields(root, root.at(ref.asText().substring(1)), names, seen);
        }
        // an alternative's fields too (OpenAPI 3.0's nullable body becomes anyOf [{$ref}, null]): refusing
        // an exploded key that names a field only one branch declares errs on the safe side
        for (String combined : new String[] {"allOf", "anyOf", "oneOf"}) {
            schema.path(combined).forEach(branch -> declareFields(root, branch, names, seen));
        }
    }

    /**
     * File properties of a multipart body become base64 strings (a file per string). A body that is a
     * component ({@code $ref} into its {@code $defs}, as Discord writes two of its uploads) gets the
     * component's keywords in its place first, so that its file fields are found and rewritten too.
     */
    private static JsonNode withFileFields(ObjectNode schema, Map<String, FieldEncoding> fields) {
        inlineComponent(schema);
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

    /** Replaces a root {@code $ref} without properties of its own by a copy of the component it names. */
    private static void inlineComponent(ObjectNode schema) {
        JsonNode ref = schema.get("$ref");
        if (schema.has("properties") || ref == null || !ref.isTextual() || !ref.asText().startsWith("#/$defs/")) {
            return;
        }
        JsonNode component = schema.at(ref.asText().substring(1));
        if (!component.isObject()) {
            return;
        }
        schema.remove("$ref");
        component.deepCopy().properties().forEach(keyword -> {
            if (keyword.getKey().equals("required") && schema.get("required") instanceof ArrayNode own
                    && keyword.getValue() instanceof ArrayNode theirs) {
                // a required written beside the $ref (OpenAPI 3.1) adds to the component's, not replaces it
                Set<JsonNode> named = new HashSet<>();
                own.forEach(named::add);
                theirs.forEach(name -> {
                    if (named.add(name)) {
                        own.add(name);
                    }
                });
            } else if (!keyword.getKey().equals("$defs")) {
                schema.putIfAbsent(keyword.getKey(), keyword.getValue());
            }
        });
    }

    private static boolean isFile(JsonNode schema) {
        String format = schema.path("format").asText("");
        return format.equals("binary") || schema.path("type").asText("").equals("file")
                || schema.has("contentMediaType") && !schema.has("contentEncoding");
    }
}
