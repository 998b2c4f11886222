package dev.toolgate.mode;

import dev.toolgate.config.ConfigNode;

/**
 * {@code tools[].annotations}: hints to MCP clients about a tool; clients treat them as untrusted.
 *
 * @param title           human-readable title; also the source of the tool name when {@code name} is unset
 * @param readOnlyHint    the tool does not modify its environment
 * @param destructiveHint the tool may perform destructive updates
 * @param idempotentHint  calling it again with the same arguments has no further effect
 * @param openWorldHint   the tool interacts with external entities
 */
public record ToolAnnotations(String title, Boolean readOnlyHint, Boolean destructiveHint, Boolean idempotentHint,
                              Boolean openWorldHint) {

    static final ToolAnnotations NONE = new ToolAnnotations(null, null, null, null, null);

    static ToolAnnotations read(ConfigNode node) {
        ToolAnnotations annotations = new ToolAnnotations(node.text("title", null),
                node.boolOrNull("read_only_hint"), node.boolOrNull("destructive_hint"),
                node.boolOrNull("idempotent_hint"), node.boolOrNull("open_world_hint"));
        node.finish();
        return annotations;
    }
}
