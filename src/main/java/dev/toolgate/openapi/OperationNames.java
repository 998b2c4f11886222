package dev.toolgate.openapi;

import dev.toolgate.mcp.ToolNames;

import java.util.HashSet;
import java.util.Set;

/**
 * The tool names of one document's operations: the operation's {@code operationId}, else its method
 * and path, made a valid MCP name and unique within the document by a {@code _2}, {@code _3}... suffix.
 */
final class OperationNames {

    private final Set<String> taken = new HashSet<>();

    /** The name for an operation; each call takes a name no earlier call returned. */
    String unique(String operationId, String method, String path) {
        String base = ToolNames.sanitize(operationId);
        if (base.isEmpty()) {
            String fromPath = path.replaceAll("[{}]", "").replaceAll("[^A-Za-z0-9_.-]+", "_").replaceAll("^_+|_+$", "");
            base = ToolNames.sanitize(method + (fromPath.isEmpty() ? "" : "_" + fromPath));
        }
        String name = base;
        for (int n = 2; !taken.add(name); n++) {
            String suffix = "_" + n;
            name = (base.length() + suffix.length() > ToolNames.MAX_LENGTH
                    ? base.substring(0, ToolNames.MAX_LENGTH - suffix.length()) : base) + suffix;
        }
        return name;
    }
}
