package dev.toolgate.mode;

import dev.toolgate.config.ConfigNode;

/**
 * {@code config.logging}: what MCP traffic the gateway logs.
 *
 * @param logStatistics add method, tool, latency, sizes and errors of MCP messages to logs; default false
 * @param logPayloads   add JSON-RPC request and response bodies to logs; default false
 * @param logAudits     log every ACL decision; default false
 */
public record LoggingSettings(boolean logStatistics, boolean logPayloads, boolean logAudits) {

    static final LoggingSettings DEFAULT = new LoggingSettings(false, false, false);

    static LoggingSettings read(ConfigNode node) {
        LoggingSettings settings = new LoggingSettings(node.bool("log_statistics", false),
                node.bool("log_payloads", false), node.bool("log_audits", false));
        node.finish();
        return settings;
    }
}
