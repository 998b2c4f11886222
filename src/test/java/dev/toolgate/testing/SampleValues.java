package dev.toolgate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.Iterator;
import java.util.Map;

/**
 * A small instance of a JSON Schema: required properties only, empty arrays unless a minimum says
 * otherwise, the first enum value, the first branch of a choice, strings shaped by their format. Good
 * enough for sample arguments and sample API answers; callers check the result against the schema
 * (a pattern, say, is not honoured) and pick another tool when it does not match.
 */
public final class SampleValues {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int MAX_DEPTH = 12;

    private SampleValues() {
    }

    /** A sample of {@code schema}; {@code #/...} references resolve against the schema itself. */
    public static JsonNode of(JsonNode schema) {
        return sample(schema, schema, 0);
    }

    private static JsonNode sample(JsonNode schema, JsonNode root, int depth) {
        if (depth > MAX_DEPTH || schema == null || !schema.isObject()) {
            return TextNode.valueOf("sample");
        }
        if (schema.has("$ref")) {
            return sample(root.at(schema.get("$ref").asText().substring(1)), root, depth + 1);
        }
        if (schema.has("const")) {
            return schema.get("const");
        }
        if (schema.get("enum") instanceof ArrayNode values && !values.isEmpty()) {
            for (JsonNode value : values) {
                if (!value.isNull()) {
                    return value;
                }
            }
            return NullNode.getInstance();
        }
        if (schema.get("allOf") instanceof ArrayNode parts && !parts.isEmpty()) {
            return merged(parts, root, depth);
        }
        for (String choice : new String[] {"oneOf", "anyOf"}) {
            if (schema.get(choice) instanceof ArrayNode branches && !branches.isEmpty()) {
                return sample(branches.get(0), root, depth + 1);
            }
        }
        return byType(schema, type(schema), root, depth);
    }

    private static String type(JsonNode schema) {
        JsonNode type = schema.get("type");
        if (type != null && type.isTextual()) {
            return type.asText();
        }
        if (type != null && type.isArray()) {
            for (JsonNode t : type) {
                if (!t.asText().equals("null")) {
                    return t.asText();
                }
            }
            return "null";
        }
        return schema.has("properties") || schema.has("required") ? "object" : schema.has("items") ? "array" : "string";
    }

    private static JsonNode byType(JsonNode schema, String type, JsonNode root, int depth) {
        return switch (type) {
            case "object" -> object(schema, root, depth);
            case "array" -> array(schema, root, depth);
            case "integer" -> NODES.numberNode((long) number(schema));
            case "number" -> NODES.numberNode(number(schema));
            case "boolean" -> NODES.booleanNode(true);
            case "null" -> NullNode.getInstance();
            default -> TextNode.valueOf(text(schema));
        };
    }

    private static ObjectNode object(JsonNode schema, JsonNode root, int depth) {
        ObjectNode object = NODES.objectNode();
        for (JsonNode name : schema.path("required")) {
            JsonNode property = schema.path("properties").get(name.asText());
            object.set(name.asText(), sample(property, root, depth + 1));
        }
        return object;
    }

    private static ArrayNode array(JsonNode schema, JsonNode root, int depth) {
        ArrayNode array = NODES.arrayNode();
        for (int i = 0; i < schema.path("minItems").asInt(0); i++) {
            array.add(sample(schema.get("items"), root, depth + 1));
        }
        return array;
    }

    private static ObjectNode merged(ArrayNode parts, JsonNode root, int depth) {
        ObjectNode merged = NODES.objectNode();
        for (JsonNode part : parts) {
            if (sample(part, root, depth + 1) instanceof ObjectNode object) {
                for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    merged.set(field.getKey(), field.getValue());
                }
            }
        }
        return merged;
    }

    private static double number(JsonNode schema) {
        double value = 1;
        if (schema.has("minimum")) {
            value = schema.get("minimum").asDouble();
        } else if (schema.has("exclusiveMinimum") && schema.get("exclusiveMinimum").isNumber()) {
            value = schema.get("exclusiveMinimum").asDouble() + 1;
        }
        if (schema.has("maximum") && schema.get("maximum").asDouble() < value) {
            value = schema.get("maximum").asDouble();
        }
        if (schema.has("multipleOf")) {
            value = schema.get("multipleOf").asDouble() * Math.max(1, Math.ceil(value / schema.get("multipleOf").asDouble()));
        }
        return value;
    }

    private static String text(JsonNode schema) {
        String text = switch (schema.path("format").asText("")) {
            case "date-time" -> "2024-05-06T07:08:09Z";
            case "date" -> "2024-05-06";
            case "time" -> "07:08:09Z";
            case "email" -> "ada@example.com";
            case "uri", "url", "iri", "uri-reference" -> "https://example.com/sample";
            case "uuid" -> "123e4567-e89b-12d3-a456-426614174000";
            case "ipv4" -> "192.0.2.1";
            case "ipv6" -> "2001:db8::1";
            case "hostname" -> "example.com";
            case "byte", "binary" -> "c2FtcGxl";
            default -> "sample";
        };
        int min = schema.path("minLength").asInt(0);
        while (text.length() < min) {
            text = text + "x";
        }
        int max = schema.path("maxLength").asInt(Integer.MAX_VALUE);
        return text.length() > max ? text.substring(0, Math.max(1, max)) : text;
    }
}
