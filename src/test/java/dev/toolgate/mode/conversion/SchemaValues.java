package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Values for a tool schema, mostly as it describes them and now and then not: a branch of {@code anyOf}/{@code
 * oneOf} picked at random, optional properties left out, a value of the wrong kind here and there, arrays of many
 * items (so that failing branches have more errors than a tool error lists). Seeded: a failure repeats.
 */
final class SchemaValues {

    private static final String[] TEXTS = {"", "a", "abc", "2024-01-02", "2024-01-02T03:04:05Z", "x@example.com",
            "https://example.com/a", "123", "-", "ü✓", "0123456789abcdef0123456789abcdef"};

    private final JsonNode root;
    private final Random random;
    private final int wrongOneIn;

    /** Values of the schemas under {@code root}, a value of the wrong kind about one node in {@code wrongOneIn}. */
    SchemaValues(JsonNode root, long seed, int wrongOneIn) {
        this.root = root;
        this.random = new Random(seed);
        this.wrongOneIn = wrongOneIn;
    }

    JsonNode value() {
        return value(root, 0);
    }

    private JsonNode value(JsonNode schema, int depth) {
        if (depth > 7 || !schema.isObject() || random.nextInt(wrongOneIn) == 0) {
            return any(depth);
        }
        if (schema.has("$ref")) {
            JsonNode target = root.at(schema.get("$ref").asText().substring(1));
            return value(target.isMissingNode() ? Json.object() : target, depth + 1);
        }
        if (schema.has("const")) {
            return schema.get("const");
        }
        if (schema.path("enum").size() > 0) {
            return schema.get("enum").get(random.nextInt(schema.get("enum").size()));
        }
        for (String branches : List.of("anyOf", "oneOf")) {
            if (schema.path(branches).size() > 0 && random.nextInt(4) != 0) {
                return value(schema.get(branches).get(random.nextInt(schema.get(branches).size())), depth + 1);
            }
        }
        if (schema.path("allOf").size() > 0) {
            return merged(schema.get("allOf"), depth);
        }
        return switch (type(schema)) {
            case "object" -> object(schema, depth);
            case "array" -> array(schema, depth);
            case "string" -> Json.MAPPER.getNodeFactory().textNode(text(schema));
            case "integer" -> Json.MAPPER.getNodeFactory().numberNode(List.of(0L, 1L, -1L, 7L, 100L, 1L << 40)
                    .get(random.nextInt(6)));
            case "number" -> Json.MAPPER.getNodeFactory().numberNode(List.of(0.5, 1.0, -2.25, 1e9).get(random.nextInt(4)));
            case "boolean" -> Json.MAPPER.getNodeFactory().booleanNode(random.nextBoolean());
            case "null" -> Json.MAPPER.getNodeFactory().nullNode();
            default -> any(depth);
        };
    }

    private String type(JsonNode schema) {
        JsonNode type = schema.get("type");
        if (type != null && type.isArray() && !type.isEmpty()) {
            return type.get(random.nextInt(type.size())).asText();
        }
        if (type != null) {
            return type.asText();
        }
        return schema.has("properties") ? "object" : schema.has("items") ? "array" : "";
    }

    private JsonNode object(JsonNode schema, int depth) {
        ObjectNode object = Json.object();
        List<String> required = new ArrayList<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        for (var property : schema.path("properties").properties()) {
            boolean wanted = required.contains(property.getKey()) ? random.nextInt(20) != 0 : random.nextInt(3) == 0;
            if (wanted) {
                object.set(property.getKey(), value(property.getValue(), depth + 1));
            }
        }
        if (random.nextInt(10) == 0) {
            object.set("extra", any(depth + 1));
        }
        return object;
    }

    private JsonNode array(JsonNode schema, int depth) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        int items = random.nextInt(8) == 0 ? 10 + random.nextInt(20) : random.nextInt(4);
        for (int i = 0; i < items; i++) {
            array.add(value(schema.path("items"), depth + 1));
        }
        return array;
    }

    private JsonNode merged(JsonNode all, int depth) {
        ObjectNode merged = Json.object();
        for (JsonNode part : all) {
            JsonNode value = value(part, depth + 1);
            if (!value.isObject()) {
                return value;
            }
            merged.setAll((ObjectNode) value);
        }
        return merged;
    }

    private String text(JsonNode schema) {
        String text = TEXTS[random.nextInt(TEXTS.length)];
        int min = schema.path("minLength").asInt(0);
        return text.length() < min ? text + "a".repeat(min - text.length()) : text;
    }

    /** A value of any kind: most likely the wrong one. */
    private JsonNode any(int depth) {
        return switch (random.nextInt(depth > 7 ? 6 : 8)) {
            case 0 -> Json.MAPPER.getNodeFactory().numberNode(3);
            case 1 -> Json.MAPPER.getNodeFactory().textNode("s");
            case 2 -> Json.MAPPER.getNodeFactory().booleanNode(true);
            case 3 -> Json.MAPPER.getNodeFactory().nullNode();
            case 4 -> Json.object();
            case 5 -> Json.MAPPER.getNodeFactory().numberNode(1.5);
            case 6 -> Json.MAPPER.createArrayNode().add(1).add("a").add(Json.object());
            default -> Json.object().put("x", 1);
        };
    }
}
