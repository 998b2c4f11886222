package dev.toolgate.mode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.config.ConfigNode;
import dev.toolgate.mcp.Json;

import java.util.List;
import java.util.Map;

/**
 * Swagger 2.0 parameter fields ({@code type}, {@code enum}, {@code format}, {@code items},
 * {@code default}, bounds...) written beside {@code in} instead of in a {@code schema}, as Kong's Okta
 * how-to writes them (sometimes both ways in one parameter: {@code schema: {type: integer}} with
 * {@code enum} beside it). Kong's schema accepts any parameter object; here the fields join the
 * parameter's schema, and {@code collectionFormat} becomes a style. A field that says something else
 * than the schema does is a problem.
 */
final class SwaggerParameterFields {

    /** Swagger 2.0 fields that are JSON Schema keywords. */
    private static final List<String> SCHEMA_FIELDS = List.of("type", "format", "items", "default", "enum",
            "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern",
            "maxItems", "minItems", "uniqueItems", "multipleOf");

    /** Swagger 2.0 {@code collectionFormat} → OpenAPI 3 style and explode (for a query parameter). */
    private static final Map<String, Style> COLLECTION_FORMATS = Map.of(
            "csv", new Style("form", false), "ssv", new Style("spaceDelimited", false),
            "pipes", new Style("pipeDelimited", false), "multi", new Style("form", true));

    /** An OpenAPI 3 style. */
    record Style(String style, boolean explode) {
    }

    private SwaggerParameterFields() {
    }

    /** True when the parameter has any Swagger 2.0 field beside {@code in}. */
    static boolean present(ConfigNode node) {
        return SCHEMA_FIELDS.stream().anyMatch(node::has) || node.has("collectionFormat");
    }

    /** The parameter's schema with the fields beside {@code in} merged in; reads those fields. */
    static ObjectNode merged(ConfigNode node, ObjectNode schema) {
        ObjectNode merged = schema == null ? Json.object() : schema.deepCopy();
        for (String field : SCHEMA_FIELDS) {
            JsonNode value = node.any(field);
            if (value == null) {
                continue;
            }
            JsonNode declared = merged.get(field);
            if (declared != null && !declared.equals(value)) {
                node.problem(field, "says " + value + " but schema." + field + " says " + declared + "; keep one");
            } else {
                merged.set(field, field.equals("items") ? items(value) : value);
            }
        }
        exclusiveBound(merged, "exclusiveMaximum", "maximum");
        exclusiveBound(merged, "exclusiveMinimum", "minimum");
        return merged;
    }

    /**
     * The style {@code collectionFormat} asks for, or null when it is absent. An array written Swagger
     * 2.0's way without one is {@code csv}, Swagger 2.0's default.
     */
    static Style style(ConfigNode node, String in, boolean swaggerArray) {
        String format = node.text("collectionFormat", swaggerArray ? "csv" : null);
        if (format == null) {
            return null;
        }
        Style style = COLLECTION_FORMATS.get(format);
        if (style == null) {
            node.problem("collectionFormat", "must be one of csv, ssv, pipes, multi (tsv has no OpenAPI 3 style)");
            return null;
        }
        if (!"query".equals(in) && !format.equals("csv")) {
            node.problem("collectionFormat", format + " is for query parameters only");
            return null;
        }
        return "query".equals(in) ? style : "cookie".equals(in) ? new Style("form", false) : new Style("simple", false);
    }

    /** Swagger 2.0 items carry a collectionFormat of their own, which JSON Schema does not have. */
    private static JsonNode items(JsonNode items) {
        if (!items.isObject() || !items.has("collectionFormat")) {
            return items;
        }
        ObjectNode copy = ((ObjectNode) items).deepCopy();
        copy.remove("collectionFormat");
        return copy;
    }

    /** Swagger 2.0's {@code exclusiveMaximum: true} beside {@code maximum} is 2020-12's {@code exclusiveMaximum: N}. */
    private static void exclusiveBound(ObjectNode schema, String exclusive, String inclusive) {
        JsonNode flag = schema.get(exclusive);
        if (flag != null && flag.isBoolean()) {
            schema.remove(exclusive);
            if (flag.asBoolean() && schema.has(inclusive)) {
                schema.set(exclusive, schema.remove(inclusive));
            }
        }
    }
}
