package dev.toolgate.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/** Entity ids: the file's own UUIDs, or name-based UUIDs so that ids stay the same across reloads. */
final class EntityIds {

    private static final Pattern UUID_FORM =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private EntityIds() {
    }

    /** Reads {@code id} (must be a UUID) or derives one from {@code kind} and {@code naturalKey}. */
    static String read(ConfigNode node, String kind, String naturalKey) {
        String id = node.text("id", null);
        if (id != null) {
            if (!UUID_FORM.matcher(id).matches()) {
                node.problem("id", "must be a UUID");
            } else {
                return id.toLowerCase(java.util.Locale.ROOT);
            }
        }
        return derive(kind, naturalKey);
    }

    static String derive(String kind, String naturalKey) {
        return UUID.nameUUIDFromBytes(("toolgate:" + kind + ":" + naturalKey).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * What an entity without a name is, for its id: its fields as JSON with the keys in order (whatever order the file
     * wrote them in), less {@code leftOut}. Its position in the file would do too, until an entity before it is
     * removed: then every one after it takes the id, and the sessions, of the one before.
     */
    static String content(JsonNode node, Set<String> leftOut) {
        if (node.isObject()) {
            TreeMap<String, JsonNode> fields = new TreeMap<>();
            node.properties().forEach(f -> {
                if (!leftOut.contains(f.getKey())) {
                    fields.put(f.getKey(), f.getValue());
                }
            });
            StringBuilder json = new StringBuilder("{");
            fields.forEach((key, value) -> json.append(json.length() > 1 ? "," : "").append(TextNode.valueOf(key))
                    .append(':').append(content(value, Set.of())));
            return json.append('}').toString();
        }
        if (node.isArray()) {
            StringBuilder json = new StringBuilder("[");
            node.forEach(item -> json.append(json.length() > 1 ? "," : "").append(content(item, Set.of())));
            return json.append(']').toString();
        }
        return node.toString();
    }
}
