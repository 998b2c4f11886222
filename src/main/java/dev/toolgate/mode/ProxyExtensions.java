package dev.toolgate.mode;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The fields Toolgate adds to Kong's {@code ai-mcp-proxy} config, and which of them a file left out. Kong's schema
 * refuses a config with any of them, so the Admin API shows one only where the file wrote it.
 */
final class ProxyExtensions {

    /** Toolgate's fields at the top of {@code config}. */
    private static final List<String> TOP = List.of("openapi", "acl_denial", "tool_limits");
    /** Toolgate's fields of {@code config.server}. */
    private static final List<String> SERVER = List.of("allowed_origins", "cache_hints", "upstream_era");
    /** Toolgate's field of each {@code config.tools[]} entry. */
    private static final String TOOL = "limit";

    private ProxyExtensions() {
    }

    /**
     * @param config    the {@code config} block as written
     * @param toolCount the tools read from it
     * @return the extension fields it does not set, as JSON pointers below {@code config}
     */
    static Set<String> unwritten(JsonNode config, int toolCount) {
        Set<String> unwritten = new LinkedHashSet<>();
        TOP.stream().filter(field -> !written(config, field)).forEach(field -> unwritten.add("/" + field));
        JsonNode server = config.path("server");
        SERVER.stream().filter(field -> !written(server, field)).forEach(field -> unwritten.add("/server/" + field));
        JsonNode tools = config.path("tools");
        for (int i = 0; i < toolCount; i++) {
            if (!written(tools.path(i), TOOL)) {
                unwritten.add("/tools/" + i + "/" + TOOL);
            }
        }
        return unwritten;
    }

    private static boolean written(JsonNode object, String field) {
        return object.hasNonNull(field);
    }
}
