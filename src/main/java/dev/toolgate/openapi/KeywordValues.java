package dev.toolgate.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the JSON Schema 2020-12 meta-schema allows as the value of each keyword {@link SchemaConverter}
 * keeps. Documents get these wrong (Swagger 2's {@code required: true} on a property, {@code minimum: "0"}
 * in quotes) and their authors' tools let it pass; but the official TypeScript SDK compiles every
 * output schema with Ajv when it lists tools, and Ajv throws on such a value, so one sloppy keyword
 * would cost a client every tool of the endpoint, and the gateway's own validator throws on some.
 * One instance serves the conversions of a document: a list or object value (a {@code required} of
 * ten thousand names, an {@code enum}) is judged once, not at each of the many places a reference
 * that is not a component copies it to, which the budget of schema objects does not count.
 */
final class KeywordValues {

    private static final Set<String> TYPES = Set.of("array", "boolean", "integer", "null", "number", "object", "string");
    private static final Set<String> TEXTS = Set.of("title", "description", "format", "pattern", "contentEncoding",
            "contentMediaType");
    private static final Set<String> NUMBERS = Set.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum");
    private static final Set<String> COUNTS = Set.of("minLength", "maxLength", "minItems", "maxItems", "minProperties",
            "maxProperties", "minContains", "maxContains");
    private static final Set<String> FLAGS = Set.of("uniqueItems", "readOnly", "writeOnly", "deprecated");

    /**
     * What was said of each list or object value met, by keyword: the note's text after its place, or
     * null for a value JSON Schema allows. By identity: the copies of a schema share their values.
     */
    private final Map<String, Map<JsonNode, String>> verdicts = new HashMap<>();

    /** Keywords whose values are copied in as written (any JSON), and how deep such a value may nest. */
    private static final Set<String> VALUES = Set.of("enum", "const", "default", "examples");
    static final int MAX_VALUE_DEPTH = 64;

    /**
     * What the value of {@code keyword} must be, when {@code value} is not that; null when it is (or
     * when any value goes, as for {@code const} and {@code default}).
     */
    static String expected(String keyword, JsonNode value) {
        if (TEXTS.contains(keyword)) {
            return value.isTextual() ? null : "a string";
        }
        if (NUMBERS.contains(keyword)) {
            return value.isNumber() ? null : "a number";
        }
        if (COUNTS.contains(keyword)) {
            return isCount(value) ? null : "a whole number, 0 or more";
        }
        if (FLAGS.contains(keyword)) {
            return value.isBoolean() ? null : "true or false";
        }
        if (VALUES.contains(keyword) && Json.deeperThan(value, MAX_VALUE_DEPTH)) {
            // the schema's own depth is bounded (ExpansionBudget.MAX_DEPTH); a value copied in could still take
            // the tool definition past what can be written out (Jackson: 1,000 levels), failing the whole load
            return "a value nested at most " + MAX_VALUE_DEPTH + " levels";
        }
        return switch (keyword) {
            case "type" -> isTypeName(value) || isTypeList(value) ? null
                    : "one of " + TYPES.stream().sorted().toList() + ", or a list of them";
            // enum: [] is valid 2020-12 but allows nothing: Discord writes it beside an allOf that holds the
            // values meant, and as an argument it refused every value; Ajv does not compile it at all
            case "enum" -> value.isArray() && !value.isEmpty() ? null : "a list of at least one value";
            case "required" -> isNameList(value) ? null : "a list of distinct property names";
            case "multipleOf" -> value.isNumber() && value.decimalValue().signum() > 0 ? null : "a number above 0";
            case "dependentRequired" -> isNameLists(value) ? null : "an object of lists of distinct property names";
            default -> null;
        };
    }

    private static boolean isCount(JsonNode value) {
        return value.isNumber() && value.canConvertToExactIntegral() && value.decimalValue().signum() >= 0;
    }

    private static boolean isTypeName(JsonNode value) {
        return value.isTextual() && TYPES.contains(value.asText());
    }

    private static boolean isTypeList(JsonNode value) {
        if (!value.isArray() || value.isEmpty()) {
            return false;
        }
        Set<String> seen = new HashSet<>();
        for (JsonNode item : value) {
            if (!isTypeName(item) || !seen.add(item.asText())) {
                return false;
            }
        }
        return true;
    }

    private static boolean isNameList(JsonNode value) {
        if (!value.isArray()) {
            return false;
        }
        Set<String> seen = new HashSet<>();
        for (JsonNode item : value) {
            if (!item.isTextual() || !seen.add(item.asText())) {
                return false;
            }
        }
        return true;
    }

    private static boolean isNameLists(JsonNode value) {
        if (!value.isObject()) {
            return false;
        }
        for (JsonNode lists : value) {
            if (!isNameList(lists)) {
                return false;
            }
        }
        return true;
    }

    /** Leaves out the keywords whose values JSON Schema does not allow, each with a note added to {@code notes}. */
    void dropInvalid(ObjectNode out, String where, List<String> notes) {
        List<String> invalid = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : out.properties()) {
            String problem = problem(field.getKey(), field.getValue());
            if (problem != null) {
                invalid.add(field.getKey());
                notes.add(where + problem);
            }
        }
        invalid.forEach(out::remove);
    }

    /** The note's text after its place, or null when JSON Schema allows the value. */
    private String problem(String keyword, JsonNode value) {
        if (!value.isContainerNode()) {
            return problemText(keyword, value);
        }
        Map<JsonNode, String> judged = verdicts.computeIfAbsent(keyword, k -> new IdentityHashMap<>());
        if (judged.containsKey(value)) {
            return judged.get(value);
        }
        String problem = problemText(keyword, value);
        judged.put(value, problem);
        return problem;
    }

    private static String problemText(String keyword, JsonNode value) {
        String expected = expected(keyword, value);
        return expected == null ? null : ": a schema's " + keyword + " is " + abridged(value) + ", but JSON Schema wants "
                + expected + "; the keyword is left out";
    }

    private static String abridged(JsonNode value) {
        if (Json.deeperThan(value, 8)) {
            return "a value nested deeper than 8 levels";
        }
        String text = value.toString();
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
