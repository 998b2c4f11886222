package dev.toolgate.pipeline;

import io.vertx.core.Future;

/**
 * A policy that runs once per JSON-RPC request of an exchange, after the mode has read it
 * (ai-mcp-proxy's tool ACLs, per-tool limits), in every mode. Event-loop rules as for
 * {@link ExchangePolicy}.
 */
@FunctionalInterface
public interface MessagePolicy {

    /** Decides one request message. */
    Future<Decision> admit(McpCall call);
}
