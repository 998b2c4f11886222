package dev.toolgate.config;

import java.nio.charset.StandardCharsets;
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
}
