package dev.toolgate.observe.filelog;

import dev.toolgate.config.ConfigNode;
import dev.toolgate.config.PluginSettings;

/**
 * The {@code config} of Kong's {@code file-log} plugin, with Kong's names and defaults: each exchange
 * of the routes it applies to is appended to a file as one line of JSON, shaped as Kong's log
 * serializer shapes it (with the {@code ai.mcp} section).
 *
 * @param path   required: the file (created when missing; a relative path is relative to the working directory)
 * @param reopen close and reopen the file for every write, so that a file moved away by log rotation is
 *               followed by a new one at {@code path}; default false (the file stays open, and a rotated
 *               file keeps receiving the lines)
 */
public record FileLogConfig(String path, boolean reopen) implements PluginSettings {

    static FileLogConfig read(ConfigNode node) {
        String path = node.text("path");
        if (path != null && (path.isBlank() || path.matches(".*[*&%`\\\\].*"))) {
            node.problem("path", "must be a file path without the characters * & % ` \\");
        }
        boolean reopen = node.bool("reopen", false);
        if (node.any("custom_fields_by_lua") != null) {
            node.problem("custom_fields_by_lua", "Toolgate runs no Lua; remove it");
        }
        return new FileLogConfig(path, reopen);
    }
}
