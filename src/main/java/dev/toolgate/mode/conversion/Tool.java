package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * @param acl             its ACL (its own, or its plugin's default), kept wherever it is served
 */
public record Tool(String name, String kongName, ObjectNode definition, CompiledSchema inputValidator,
                   CompiledSchema outputValidator, boolean wrapsOutput, RequestTemplate request, String source,
                   String routeId, ToolAcl acl) {

    /** Compiles the validators now if they wait for first use. */
    public void prepare() {
        inputValidator.get();
        if (outputValidator != null) {
            outputValidator.get();
        }
    }
}
