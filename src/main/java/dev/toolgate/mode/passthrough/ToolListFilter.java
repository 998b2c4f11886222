package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;

import java.io.IOException;
import java.util.Iterator;
import java.util.function.Predicate;

/**
 * Removes the tools a caller may not see from an upstream's {@code tools/list} answer (and marks a
 * 2026-07-28 answer's {@code cacheScope} private, since the list is now the caller's), changing
 * nothing else: other messages, other fields, unknown fields, empty arrays and objects all come out
 * as they went in (Kong once turned {@code []} into {@code {}} here).
 */
final class ToolListFilter {

    private ToolListFilter() {
    }

    /**
     * The message (or batch) with the hidden tools removed from the answers to {@code ids}; null when
     * nothing needed to change or the bytes are not JSON (they are then forwarded as they are).
     *
     * @param answers which answers are filtered (by their id)
     * @param shows   whether the caller may see a tool, by name
     */
    static byte[] filter(byte[] message, ListAnswers answers, Predicate<String> shows) {
        JsonNode tree;
        try {
            tree = Json.parse(message);
        } catch (IOException e) {
            return null;
        }
        boolean changed = false;
        if (tree instanceof ArrayNode batch) {
            for (JsonNode element : batch) {
                changed |= filterOne(element, answers, shows);
            }
        } else {
            changed = filterOne(tree, answers, shows);
        }
        return changed ? Json.bytes(tree) : null;
    }

    /** True when an answer {@code answers} filters lost a tool. */
    private static boolean filterOne(JsonNode message, ListAnswers answers, Predicate<String> shows) {
        if (!(message instanceof ObjectNode object) || !object.has("id") || !answers.filters(object.get("id"))) {
            return false;
        }
        JsonNode tools = object.path("result").path("tools");
        if (!(tools instanceof ArrayNode list)) {
            return false;
        }
        boolean removed = false;
        if (object.get("result") instanceof ObjectNode result && result.has("cacheScope")
                && !"private".equals(result.path("cacheScope").asText())) {
            // 2026-07-28: a list filtered for its caller must not be shared with others by a cache
            result.put("cacheScope", "private");
            removed = true;
        }
        for (Iterator<JsonNode> it = list.elements(); it.hasNext(); ) {
            JsonNode tool = it.next();
            JsonNode name = tool.get("name");
            if (name == null || !name.isTextual() || !shows.test(name.asText())) {
                it.remove();
                removed = true;
            }
        }
        return removed;
    }
}
