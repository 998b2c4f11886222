package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mode.AiMcpProxyConfig;
import dev.toolgate.mode.ServerSettings;
import dev.toolgate.mode.ToolLimitSettings;
import dev.toolgate.mode.acl.ToolAcl;

/**
 * A tool ready to serve, compiled at load.
 *
 * @param name            MCP name
 * @param kongName        the name Kong serves the tool under when it differs from {@code name} (Kong keeps
 *                        a title such as {@code Get users} as the name; Toolgate serves {@code Get_users}),
 *                        accepted by {@code tools/call} as an alias; null when they are the same
 * @param definition      the tool as {@code tools/list} shows it
 * @param inputValidator  validator of the {@code inputSchema}
 * @param outputValidator validator of the {@code outputSchema}, or null when the tool has none
 * @param wrapsOutput     the upstream's JSON is not an object and is wrapped as {@code {"result": ...}}
 * @param request         how a call becomes an upstream request
 * @param source          where the tool is defined, for messages
 * @param routeId         the route of the plugin that defines it: a listener replays its calls through
 *                        that route's policies, as Kong replays them through the route
 * @param acl             its ACL (its own, or its plugin's default), kept wherever it is served; a listener
 *                        adds its own {@code default_acl} ({@link #servedBy})
 * @param limit           its per-caller limit (its own, or its plugin's {@code tool_limits}), kept wherever it is
 *                        served; null when none
 */
public record Tool(String name, String kongName, ObjectNode definition, CompiledSchema inputValidator,
                   CompiledSchema outputValidator, boolean wrapsOutput, RequestTemplate request, String source,
                   String routeId, ToolAcl acl, ToolLimitSettings.ToolLimit limit) {

    /**
     * This tool as a {@code listener} serves it: the listener is the MCP server calling it, so its
     * {@code server.timeout}, when written, replaces the tool set's; client headers are forwarded only when both
     * the listener and the tool set allow it (the stricter wins); and a caller must pass the listener's
     * {@code default_acl} besides the tool's own ACL. (The listener's {@code tool_limits} are counted by the
     * endpoint, per listener.)
     */
    public Tool servedBy(AiMcpProxyConfig listener) {
        ServerSettings server = listener.server();
        RequestTemplate served = request.servedWith(server.timeoutWritten() ? server.timeoutMillis() : request.timeoutMs(),
                request.forwardClientHeaders() && server.forwardClientHeaders());
        ToolAcl listenerAcl = ToolAcl.of(null, listener.defaultAcl(), listener.includeConsumerGroups());
        return new Tool(name, kongName, definition, inputValidator, outputValidator, wrapsOutput, served, source,
                routeId, acl.servedUnder(listenerAcl), limit);
    }

    /** Compiles the validators now if they wait for first use. */
    public void prepare() {
        inputValidator.get();
        if (outputValidator != null) {
            outputValidator.get();
        }
    }
}
