package dev.toolgate.pipeline;

import dev.toolgate.config.ConfigProblem;

import java.util.List;

/**
 * A plugin that acts where the mode talks to its upstream (Kong's request- and response-transformer):
 * on each tool call's REST request and answer in conversion modes (through the plugins of the route
 * that owns the tool), on the request sent to the MCP server and its answer's headers in passthrough.
 * Runs synchronously, on the event loop, except {@link #response} on a tool call's large answer (over 128 KiB), which
 * runs on a virtual thread with the making of the tool's result, where parsing it holds no loop: it only rewrites
 * what it is given, and reads nothing of the exchange a loop may change meanwhile.
 */
public interface UpstreamPolicy {

    /** Changes the request before it is sent. */
    default void request(Exchange exchange, UpstreamCall call) {
    }

    /**
     * Changes the answer before the mode uses it (conversion) or relays it (passthrough: headers only); also, headers
     * only, the answer the client gets when the gateway writes it ({@link AnswerHeaders}).
     */
    default void response(Exchange exchange, UpstreamAnswer answer) {
    }

    /**
     * Why this policy cannot apply where the upstream speaks MCP (passthrough), each at the rule's own path
     * (so the operator is sent to the rule, not to ai-mcp-proxy), or empty when it can: rewriting JSON-RPC
     * messages blindly breaks the protocol, so such a configuration is refused.
     */
    default List<ConfigProblem> rewritesMessages() {
        return List.of();
    }
}
