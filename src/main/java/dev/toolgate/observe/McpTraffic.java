package dev.toolgate.observe;

/**
 * Receives every MCP message the gateway observes. Implementations are called on event loops: they
 * must be quick and must not block (metrics, logs, ACL decisions read from here).
 */
@FunctionalInterface
public interface McpTraffic {

    void accept(McpEvent event);

    /** Sends each event to both. */
    default McpTraffic andThen(McpTraffic next) {
        return event -> {
            accept(event);
            next.accept(event);
        };
    }
}
