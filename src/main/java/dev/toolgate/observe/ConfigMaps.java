package dev.toolgate.observe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.config.ConfigNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads Kong's {@code map} fields of string values ({@code resource_attributes}); a {@code headers} map, whose
 * entries are sent, is {@link dev.toolgate.config.HeaderFields}'s.
 */
public final class ConfigMaps {

    private ConfigMaps() {
    }

    /** A map of string to string, or an empty map; each bad entry is a problem at its path. */
    public static Map<String, String> strings(ConfigNode node, String key) {
        JsonNode value = node.any(key);
        Map<String, String> out = new LinkedHashMap<>();
        if (value == null) {
            return out;
        }
        if (!value.isObject()) {
            node.problem(key, "must be a map of strings");
            return out;
        }
        value.properties().forEach(e -> {
            if (e.getValue().isTextual() || e.getValue().isNumber() || e.getValue().isBoolean()) {
                out.put(e.getKey(), e.getValue().asText());
            } else {
                node.problem(key + "." + e.getKey(), "must be a string");
            }
        });
        return out;
    }
}
