package dev.toolgate.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The value of one key of the declarative document, read as a Java type. An absent value gives the
 * fallback; a value of the wrong type or out of range records a problem at its path and gives the
 * fallback too, so that reading goes on and one pass finds every problem.
 *
 * @param json   the value, or null when the key is absent or null
 * @param path   the key's path, e.g. {@code services[0].port}
 * @param report where problems go
 */
record ConfigValue(JsonNode json, String path, ConfigReport report) {

    /** A string, or {@code fallback}. */
    String text(String fallback) {
        if (json == null) {
            return fallback;
        }
        if (!json.isTextual()) {
            report.problem(path, "must be a string, got " + kind(json));
            return fallback;
        }
        return json.asText();
    }

    /** A string that must be one of {@code allowed}, or {@code fallback}. */
    String oneOf(String fallback, List<String> allowed) {
        String value = text(null);
        if (value == null) {
            return fallback;
        }
        if (!allowed.contains(value)) {
            report.problem(path, "must be one of " + String.join(", ", allowed));
            return fallback;
        }
        return value;
    }

    /** An integer within [min, max], or {@code fallback}; a whole decimal such as {@code 2000.0} counts. */
    long integer(long fallback, long min, long max) {
        if (json == null) {
            return fallback;
        }
        if (json.isNumber() && !json.isIntegralNumber() && !json.isBigDecimal() && !Double.isFinite(json.doubleValue())) {
            // 1e999999999 reads as an infinite double, which has no decimal value
            report.problem(path, "must be between " + min + " and " + max);
            return fallback;
        }
        if (!json.isIntegralNumber() && !(json.isNumber() && json.decimalValue().stripTrailingZeros().scale() <= 0)) {
            report.problem(path, "must be an integer, got " + kind(json));
            return fallback;
        }
        if (!json.canConvertToLong() || json.asLong() < min || json.asLong() > max) {
            report.problem(path, "must be between " + min + " and " + max);
            return fallback;
        }
        return json.asLong();
    }

    /** A boolean, or null. */
    Boolean bool() {
        if (json == null) {
            return null;
        }
        if (!json.isBoolean()) {
            report.problem(path, "must be a boolean, got " + kind(json));
            return null;
        }
        return json.asBoolean();
    }

    /** A list of strings, or an empty list; items that are not strings are problems at their index. */
    List<String> texts() {
        if (json == null) {
            return List.of();
        }
        if (!json.isArray()) {
            report.problem(path, "must be an array of strings, got " + kind(json));
            return List.of();
        }
        List<String> result = new ArrayList<>(json.size());
        for (int i = 0; i < json.size(); i++) {
            JsonNode item = json.get(i);
            if (item.isTextual()) {
                result.add(item.asText());
            } else {
                report.problem(path + "[" + i + "]", "must be a string, got " + kind(item));
            }
        }
        return List.copyOf(result);
    }

    /** A map of string to list of strings, where a single string stands for a list of one. */
    Map<String, List<String>> textLists() {
        if (json == null) {
            return Map.of();
        }
        if (!json.isObject()) {
            report.problem(path, "must be an object of string arrays, got " + kind(json));
            return Map.of();
        }
        Map<String, List<String>> result = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : json.properties()) {
            JsonNode list = entry.getValue();
            if (list.isTextual()) {
                result.put(entry.getKey(), List.of(list.asText()));
            } else if (list.isArray() && allTextual(list)) {
                List<String> values = new ArrayList<>();
                list.forEach(v -> values.add(v.asText()));
                result.put(entry.getKey(), List.copyOf(values));
            } else {
                report.problem(path + "." + entry.getKey(), "must be a string or an array of strings");
            }
        }
        return Collections.unmodifiableMap(result);
    }

    /** A short name for a JSON value's type, for messages. */
    static String kind(JsonNode value) {
        return switch (value.getNodeType()) {
            case STRING -> "string";
            case NUMBER -> value.isIntegralNumber() ? "integer" : "number";
            case BOOLEAN -> "boolean";
            case ARRAY -> "array";
            case OBJECT, POJO -> "object";
            case NULL, MISSING -> "null";
            case BINARY -> "binary";
        };
    }

    private static boolean allTextual(JsonNode array) {
        for (JsonNode item : array) {
            if (!item.isTextual()) {
                return false;
            }
        }
        return true;
    }

    /** Its secrets masked: a message or log line that quotes it must not carry them. */
    @Override
    public String toString() {
        return Redacted.describe(this, "json");
    }
}
