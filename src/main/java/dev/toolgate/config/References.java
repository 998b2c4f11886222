package dev.toolgate.config;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Foreign keys in the declarative format: a name or id string, or an object {@code {name: ...}} /
 * {@code {id: ...}}.
 */
final class References {

    private References() {
    }

    /** The referenced entity's id, or null when absent; an unknown or malformed reference is a problem. */
    static String resolve(ConfigNode node, String key, DeclarativeReader.Names names) {
        JsonNode value = node.any(key);
        return value == null ? null : resolve(value, node.path(key), node.report(), names);
    }

    /** Resolves one reference value found at {@code path}. */
    static String resolve(JsonNode value, String path, ConfigReport report, DeclarativeReader.Names names) {
        String reference = null;
        if (value.isTextual()) {
            reference = value.asText();
        } else if (value.isObject() && value.size() == 1 && (value.has("name") || value.has("id"))) {
            JsonNode inner = value.has("name") ? value.get("name") : value.get("id");
            reference = inner.isTextual() ? inner.asText() : null;
        }
        if (reference == null) {
            report.problem(path, "must be a " + names.kind() + " name or id, or {name: ...} / {id: ...}");
            return null;
        }
        String id = names.resolve(reference);
        if (id == null) {
            report.problem(path, "unknown " + names.kind() + " '" + reference + "'");
        }
        return id;
    }
}
