package dev.toolgate.mode;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
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
 * @param required    the argument must be given; path parameters are always required; with a schema
 *                    {@code default}, the argument may be left out and the default is sent
 * @param description shown to the model with the argument
 * @param schema      JSON Schema of the value (inline; {@code $ref} is not supported, as in Kong); Swagger 2.0
 *                    fields written beside {@code in} ({@code type}, {@code enum}, {@code format}...) join it
 * @param style       OpenAPI serialization style; defaults by location ({@code form} for query, {@code simple} else);
 *                    Swagger 2.0's {@code collectionFormat} is read as the matching style
 * @param explode     OpenAPI explode flag; defaults to true for {@code form}, false otherwise
 * @param contentType the media type of a parameter declared with {@code content} instead of {@code schema}: its
 *                    value is sent as one value in that type (JSON: {@code where={"id":5}}), never split by a
 *                    style; null for a {@code schema} parameter
 * @param digest      its portable argument name is another parameter's of the same tool too (Twilio's
 *                    {@code DateSent<} and {@code DateSent>} are both {@code query_DateSent_}), so its argument
 *                    ends in a digest of its Kong name; set when the tool is compiled, never written
 */
public record ParameterSpec(String name, String in, boolean required, String description, JsonNode schema,
                            String style, boolean explode,
                            @JsonInclude(JsonInclude.Include.NON_NULL) String contentType,
                            @JsonIgnore boolean digest) {

    /** A parameter as declared, its argument named by {@link #argument}'s rule alone. */
    public ParameterSpec(String name, String in, boolean required, String description, JsonNode schema, String style,
                         boolean explode, String contentType) {
        this(name, in, required, description, schema, style, explode, contentType, false);
    }

    /** A parameter with a {@code schema}, serialized by its style. */
    public ParameterSpec(String name, String in, boolean required, String description, JsonNode schema, String style,
                         boolean explode) {
        this(name, in, required, description, schema, style, explode, null);
    }

    /** Where a parameter can be. */
    public static final List<String> LOCATIONS = List.of("query", "path", "header", "cookie");
    private static final List<String> STYLES = List.of("form", "simple", "label", "matrix", "spaceDelimited",
            "pipeDelimited", "deepObject");

    /** The longest property name Claude's API takes in a tool's input schema. */
    static final int MAX_ARGUMENT = 64;

    /**
     * The tool argument name: {@code <in>_<name>}, as Kong names it, when that is a property name every client
     * takes. Claude's API refuses a tool whose input property names stray from {@code [A-Za-z0-9_.-]{1,64}}, and
     * then every request of the session, not the one tool: a JSON:API {@code filter[status]} or an OData
     * {@code $top} is written with {@code _} for each other character ({@code query_filter_status_},
     * {@code query__top}), and a name past 64 characters keeps its first 55 and a digest of the whole. A
     * {@link #digest} parameter's argument ends in that digest however short it is.
     */
    public String argument() {
        String argument = kongArgument();
        if (digest) {
            return digested(portableCharacters(argument), argument);
        }
        return argument.length() <= MAX_ARGUMENT && argument.chars().allMatch(ParameterSpec::plain) ? argument
                : portable(argument);
    }

    /** The argument name Kong gives the parameter, {@code <in>_<name>}, whatever characters it holds. */
    public String kongArgument() {
        return in + "_" + name;
    }

    /**
     * This parameter with an argument of its own when its portable one is another's too: it ends in a digest
     * of the Kong name, and the description says which parameter it sends, as the two names no longer do.
     */
    public ParameterSpec digested() {
        String told = "Sent as the " + in + " parameter " + name + "." + (description == null ? "" : " " + description);
        return new ParameterSpec(name, in, required, told, schema, style, explode, contentType, true);
    }

    private static boolean plain(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-';
    }

    private static String portable(String argument) {
        String portable = portableCharacters(argument);
        return portable.length() <= MAX_ARGUMENT ? portable : digested(portable, argument);
    }

    private static String portableCharacters(String argument) {
        StringBuilder out = new StringBuilder(argument.length());
        argument.codePoints().forEach(c -> out.append(plain(c) ? (char) c : '_'));
        return out.toString();
    }

    private static String digested(String portable, String argument) {
        // String.hashCode is specified: the same name gets the same argument on every instance and after restarts
        return portable.substring(0, Math.min(portable.length(), MAX_ARGUMENT - 9)) + "_"
                + String.format("%08x", argument.hashCode());
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
        String contentType = null;
        if (schema == null && content != null && content.isObject() && content.size() == 1) {
            contentType = content.fieldNames().next();
            schema = content.elements().next().path("schema");
            if (node.has("style") || node.has("explode")) {
                node.warning("content", "a parameter with content is sent as one " + contentType
                        + " value: its style and explode are ignored");
            }
        }
        if (schema != null && !schema.isObject()) {
            node.problem("schema", "must be a JSON Schema object");
            schema = null;
        }
        boolean swagger = SwaggerParameterFields.present(node);
        ObjectNode effective = swagger ? SwaggerParameterFields.merged(node, (ObjectNode) schema)
                : schema == null ? stringSchema() : (ObjectNode) schema;
        if (effective.isEmpty() && schema == null) {
            effective = stringSchema();
        }
        String style = node.oneOf("style", defaultStyle(in), STYLES);
        boolean explode = node.bool("explode", "form".equals(style));
        if (node.has("collectionFormat") && (node.has("style") || node.has("explode"))) {
            node.problem("collectionFormat", "set style and explode, or collectionFormat (Swagger 2.0), not both");
        } else if (swagger && !node.has("style") && !node.has("explode")) {
            boolean swaggerArray = schema == null && "array".equals(effective.path("type").asText());
            SwaggerParameterFields.Style swaggerStyle = SwaggerParameterFields.style(node, in, swaggerArray);
            if (swaggerStyle != null) {
                style = swaggerStyle.style();
                explode = swaggerStyle.explode();
            }
        }
        node.ignore("deprecated", "allowEmptyValue", "allowReserved", "example", "examples", "collectionFormat");
        node.json().fieldNames().forEachRemaining(key -> {
            if (key.startsWith("x-")) {
                node.ignore(key);
            }
        });
        node.finish();
        return contentType == null ? new ParameterSpec(name, in, required, description, effective, style, explode)
                : new ParameterSpec(name, in, required, description, effective, defaultStyle(in), false, contentType);
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
