package dev.toolgate.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A cursor on one object of the declarative document that knows its path. Every read either returns
 * a valid value or records a problem at the right path and returns a fallback, so one pass finds
 * every problem. {@link #finish()} reports the keys nobody read: unknown keys are errors.
 *
 * <p>A JSON {@code null} counts as absent, as in Kong (decK dumps write {@code null} for unset fields).
 */
public final class ConfigNode {

    private final JsonNode node;
    private final String path;
    private final ConfigReport report;
    private final Set<String> read = new HashSet<>();

    private ConfigNode(JsonNode node, String path, ConfigReport report) {
        this.node = node;
        this.path = path;
        this.report = report;
    }

    /** The document root. */
    public static ConfigNode root(JsonNode document, ConfigReport report) {
        return new ConfigNode(document, "", report);
    }

    /** A node at a given path, for objects that are not in the document (an absent {@code config}). */
    public static ConfigNode at(JsonNode object, String path, ConfigReport report) {
        return new ConfigNode(object, path, report);
    }

    /** This object's path, e.g. {@code services[0].routes[1]}. */
    public String path() {
        return path;
    }

    /** The path of a key below this object. */
    public String path(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public ConfigReport report() {
        return report;
    }

    /** The underlying tree, for free-form fields. */
    public JsonNode json() {
        return node;
    }

    /** True when the key is present and not null. */
    public boolean has(String key) {
        JsonNode value = node.get(key);
        return value != null && !value.isNull();
    }

    /** Records a problem at a key below this object. */
    public void problem(String key, String message) {
        report.problem(path(key), message);
    }

    /** Records a problem at this object. */
    public void problem(String message) {
        report.problem(path, message);
    }

    /** Records a warning at a key below this object. */
    public void warning(String key, String message) {
        report.warning(path(key), message);
    }

    /** Marks keys as known; they are accepted and have no effect (Kong fields Toolgate does not use). */
    public void ignore(String... keys) {
        read.addAll(Arrays.asList(keys));
    }

    /** A required string. */
    public String text(String key) {
        String value = text(key, null);
        if (value == null && !has(key)) {
            problem(key, "is required");
        }
        return value;
    }

    /** An optional string, or {@code fallback}. */
    public String text(String key, String fallback) {
        return value(key).text(fallback);
    }

    /** An optional string that must be one of {@code allowed}, or {@code fallback}. */
    public String oneOf(String key, String fallback, List<String> allowed) {
        return value(key).oneOf(fallback, allowed);
    }

    /** An optional integer within [min, max], or {@code fallback}. */
    public long integer(String key, long fallback, long min, long max) {
        return value(key).integer(fallback, min, max);
    }

    /** An optional integer within [min, max], or null when absent. */
    public Long integerOrNull(String key, long min, long max) {
        if (!has(key)) {
            read.add(key);
            return null;
        }
        return integer(key, 0, min, max);
    }

    /** An optional boolean, or {@code fallback}. */
    public boolean bool(String key, boolean fallback) {
        Boolean value = boolOrNull(key);
        return value == null ? fallback : value;
    }

    /** An optional boolean, or null when absent. */
    public Boolean boolOrNull(String key) {
        return value(key).bool();
    }

    /** An optional list of strings, or an empty list. */
    public List<String> texts(String key) {
        return value(key).texts();
    }

    /** An optional map of string to list of strings (Kong's {@code headers} and {@code query}). */
    public Map<String, List<String>> textLists(String key) {
        return value(key).textLists();
    }

    /** A free-form value (any JSON), or null when absent. */
    public JsonNode any(String key) {
        return take(key);
    }

    /** An optional nested object. */
    public Optional<ConfigNode> object(String key) {
        JsonNode value = take(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isObject()) {
            problem(key, "must be an object, got " + ConfigValue.kind(value));
            return Optional.empty();
        }
        return Optional.of(new ConfigNode(value, path(key), report));
    }

    /** An optional array of objects, each with its indexed path. */
    public List<ConfigNode> objects(String key) {
        JsonNode value = take(key);
        if (value == null) {
            return List.of();
        }
        if (!value.isArray()) {
            problem(key, "must be an array, got " + ConfigValue.kind(value));
            return List.of();
        }
        List<ConfigNode> result = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            String itemPath = path(key) + "[" + i + "]";
            JsonNode item = value.get(i);
            if (item.isObject()) {
                result.add(new ConfigNode(item, itemPath, report));
            } else {
                report.problem(itemPath, "must be an object, got " + ConfigValue.kind(item));
            }
        }
        return result;
    }

    /** Reports every key that no read consumed, suggesting the closest known key. */
    public void finish() {
        if (!node.isObject()) {
            return;
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!read.contains(name)) {
                String hint = KeyHints.closest(name, read).map(k -> " (did you mean '" + k + "'?)").orElse("");
                problem(name, "unknown key" + hint);
            }
        }
    }

    private JsonNode take(String key) {
        read.add(key);
        JsonNode value = node.get(key);
        return value == null || value.isNull() || value instanceof MissingNode ? null : value;
    }

    /** Marks the key as read and returns its value, absent when missing or JSON null. */
    private ConfigValue value(String key) {
        return new ConfigValue(take(key), path(key), report);
    }
}
