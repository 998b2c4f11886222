package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.JsonRpc;
import dev.toolgate.mcp.JsonRpcMessage;
import dev.toolgate.mcp.ModernMeta;
import dev.toolgate.mcp.ProtocolVersion;

import java.util.Set;
import java.util.function.Predicate;

/**
 * A legacy server's answers as the era bridge hands them to a modern client: the client's own id,
 * {@code resultType}, caching hints on the results 2026-07-28 gives them, tool lists without the tools only a task
 * may run ({@code execution.taskSupport: required}: tasks are not bridged), the server's identity in
 * {@code _meta}, the renamed resource-not-found code, and {@code server/discover} made of what the
 * server said in {@code initialize}.
 */
final class ModernResults {

    /** The results 2026-07-28 gives caching hints ({@code ttlMs}, {@code cacheScope}), server/discover's apart. */
    static final Set<String> CACHEABLE = Set.of("tools/list", "prompts/list", "resources/list",
            "resources/templates/list", "resources/read");

    private final long ttlMs;
    private final String cacheScope;

    /** @param cacheScope the scope of a list no tool ACL filters */
    ModernResults(long ttlMs, String cacheScope) {
        this.ttlMs = ttlMs;
        this.cacheScope = cacheScope;
    }

    /**
     * The server's response to {@code request} as the modern client expects it.
     *
     * @param shows      which tools the caller may see, or null for all
     * @param personal   the answer may be the client's alone: it sent the server credentials of its own, or the
     *                   session is held for it alone (an anonymous caller's is its address's)
     * @param initialize the server's {@code initialize} result, or null when not at hand
     */
    ObjectNode translate(JsonRpcMessage.Request request, Predicate<String> shows, boolean personal,
                         ObjectNode initialize, JsonNode message) {
        JsonNode id = request.id();
        if (message.get("error") instanceof ObjectNode error) {
            ObjectNode copy = error.deepCopy();
            if (copy.path("code").asInt() == -32002) {
                copy.put("code", JsonRpc.INVALID_PARAMS); // 2026-07-28: a missing resource is invalid params
            }
            ObjectNode out = JsonRpc.error(id, 0, "");
            out.set("error", copy);
            return out;
        }
        ObjectNode result = message.get("result") instanceof ObjectNode r ? r.deepCopy() : Json.object();
        result.put("resultType", "complete");
        if (request.method().equals("tools/list") && result.get("tools") instanceof ArrayNode tools) {
            for (var it = tools.elements(); it.hasNext(); ) {
                JsonNode tool = it.next();
                // a tool only a task may run: the bridge offers no tasks (see discover), so no call of it can succeed
                if (shows != null && !shows.test(tool.path("name").asText())
                        || "required".equals(tool.path("execution").path("taskSupport").asText(null))) {
                    it.remove();
                }
            }
        }
        if (CACHEABLE.contains(request.method())) {
            result.put("ttlMs", ttlMs);
            result.put("cacheScope", shows != null || personal ? "private" : cacheScope);
        }
        JsonNode serverInfo = initialize == null ? null : initialize.get("serverInfo");
        if (serverInfo != null) {
            (result.get("_meta") instanceof ObjectNode meta ? meta : result.putObject("_meta"))
                    .set(ModernMeta.SERVER_INFO, serverInfo);
        }
        return JsonRpc.result(id, result);
    }

    /**
     * {@code server/discover} answered from what the legacy server said in {@code initialize}, with the caching hints
     * the published schema requires of it ({@code DiscoverResult extends CacheableResult}); {@code personal} as for
     * {@link #translate}, since the session's {@code initialize} answered that client's credentials.
     */
    ObjectNode discover(ObjectNode initialize, boolean personal) {
        ObjectNode result = Json.object();
        result.put("resultType", "complete");
        result.put("ttlMs", ttlMs);
        result.put("cacheScope", personal ? "private" : cacheScope);
        ProtocolVersion.MODERN.forEach(result.putArray("supportedVersions")::add);
        ObjectNode capabilities = initialize.get("capabilities") instanceof ObjectNode c ? c.deepCopy() : Json.object();
        capabilities.remove("tasks"); // an extension in 2026-07-28, not bridged
        for (String listing : new String[] {"tools", "prompts", "resources"}) {
            if (capabilities.get(listing) instanceof ObjectNode feature) {
                // no subscriptions/listen through the bridge: no list-changed notifications, no subscriptions
                feature.remove("listChanged");
                feature.remove("subscribe");
            }
        }
        result.set("capabilities", capabilities);
        if (initialize.has("instructions")) {
            result.set("instructions", initialize.get("instructions"));
        }
        if (initialize.has("serverInfo")) {
            result.putObject("_meta").set(ModernMeta.SERVER_INFO, initialize.get("serverInfo"));
        }
        return result;
    }
}
