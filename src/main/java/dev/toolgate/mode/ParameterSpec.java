package dev.toolgate.mode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.config.ConfigNode;
import dev.toolgate.mcp.Json;

import java.util.List;

/**
 * One OpenAPI 3 Parameter object from {@code tools[].parameters}. It becomes the tool argument
 * {@code <in>_<name>} (for example {@code query_q}, {@code path_userId}).
 *
 * @param name        the parameter's name in the HTTP request
 * @param in          {@code query}, {@code path}, {@code header} or {@code cookie}
 * @param required    the argument must be given; path parameters are always required
 * @param description shown to the model with the argument
 * @param schema      JSON Schema of the value (inline; {@code $ref} is not supported, as in Kong); Swagger 2's
 *                    {@code type}, {@code format}, {@code enum}, {@code items}, {@code default}, {@code minimum},
 *                    {@code maximum} and {@code pattern} on the parameter itself join it
 * @param style       OpenAPI serialization style; defaults by location ({@code form} for query, {@code simple} else)
 * @param explode     OpenAPI explode flag; defaults to true for {@code form}, false otherwise
 */
public record ParameterSpec(String name, String in, boolean required, String description, JsonNode schema,
                            String style, boolean explode) {

    /** Where a parameter can be. */
    public static final List<String> LOCATIONS = List.of("query", "path", "header", "cookie");
    private static final List<String> STYLES = List.of("form", "simple", "label", "matrix", "spaceDelimited",
            "pipeDelimited", "deepObject");

    /** The tool argument name: {@code <in>_<name>}. */
    public String argument() {
        return in + "_" + name;
    }

    static ParameterSpec read(ConfigNode node) {
        String name = node.text("name");
        String in = node.oneOf("in", null, LOCATIONS);
        if (in == null && !node.has("in")) {
            node.problem("in", "is required (one of " + String.join(", ", LOCATIONS) + ")");
        }
        boolean required = node.bool("required", false);
        if ("path".equals(in) && !required) {
            node.warning("required", "path parameters are always required; treating it as required");
            required = true;
        }
        String description = node.text("description", null);
        JsonNode schema = node.any("schema");
        JsonNode content = node.any("content");
        if (schema == null && content != null && content.isObject() && content.size() == 1) {
            schema = content.elements().next().path("schema");
        }
        if (schema != null && !schema.isObject()) {
            node.problem("schema", "must be a JSON Schema object");
            schema = null;
        }
        ObjectNode shorthand = shorthand(node);
        if (!shorthand.isEmpty()) {
            ObjectNode merged = schema == null ? Json.object() : ((ObjectNode) schema).deepCopy();
            shorthand.properties().forEach(e -> {
                if (!merged.has(e.getKey())) {
                    merged.set(e.getKey(), e.getValue());
                }
            });
            schema = merged;
        }
        String style = node.oneOf("style", defaultStyle(in), STYLES);
        boolean explode = node.bool("explode", "form".equals(style));
        node.ignore("deprecated", "allowEmptyValue", "allowReserved", "example", "examples");
        node.json().fieldNames().forEachRemaining(key -> {
            if (key.startsWith("x-")) {
                node.ignore(key);
            }
        });
        node.finish();
        ObjectNode effective = schema == null ? stringSchema() : (ObjectNode) schema;
        return new ParameterSpec(name, in, required, description, effective, style, explode);
    }

    /**
     * Swagger 2's schema keywords written on the parameter itself ({@code type: string}, {@code format},
     * {@code enum}...), as Kong's how-tos do: they join the parameter's schema (its own keywords win).
     */
    private static ObjectNode shorthand(ConfigNode node) {
        ObjectNode keywords = Json.object();
        for (String keyword : List.of("type", "format", "enum", "items", "default", "minimum", "maximum", "pattern")) {
            JsonNode value = node.any(keyword);
            if (value != null) {
                keywords.set(keyword, value);
            }
        }
        return keywords;
    }

    /** OpenAPI's default style: {@code form} for query and cookie parameters, {@code simple} otherwise. */
    public static String defaultStyle(String in) {
        return "query".equals(in) || "cookie".equals(in) ? "form" : "simple";
    }

    /** The schema of a parameter that declares none: a string. */
    public static ObjectNode stringSchema() {
        ObjectNode schema = Json.object();
        schema.put("type", "string");
        return schema;
    }
}
