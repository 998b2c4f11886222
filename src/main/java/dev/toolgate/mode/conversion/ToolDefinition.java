package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.mode.ToolAnnotations;

/**
 * A tool as {@code tools/list} shows it: name, title, description, input and output schemas, and
 * the annotation hints that were set.
 */
final class ToolDefinition {

    private ToolDefinition() {
    }

    static ObjectNode of(String name, String description, ToolAnnotations annotations, ObjectNode inputSchema,
                         OutputSchema output) {
        ObjectNode tool = Json.object();
        tool.put("name", name);
        if (annotations.title() != null) {
            tool.put("title", annotations.title());
        }
        if (description != null) {
            tool.put("description", description);
        }
        tool.set("inputSchema", inputSchema);
        if (output != null) {
            tool.set("outputSchema", output.schema());
        }
        ObjectNode hints = Json.object();
        putIfSet(hints, "title", annotations.title());
        putIfSet(hints, "readOnlyHint", annotations.readOnlyHint());
        putIfSet(hints, "destructiveHint", annotations.destructiveHint());
        putIfSet(hints, "idempotentHint", annotations.idempotentHint());
        putIfSet(hints, "openWorldHint", annotations.openWorldHint());
        if (!hints.isEmpty()) {
            tool.set("annotations", hints);
        }
        return tool;
    }

    private static void putIfSet(ObjectNode node, String key, Object value) {
        if (value instanceof String s) {
            node.put(key, s);
        } else if (value instanceof Boolean b) {
            node.put(key, b);
        }
    }
}
