package dev.toolgate.mode;

import dev.toolgate.config.ConfigNode;

/**
 * {@code config.logging}: what MCP traffic the gateway logs.
 *
 * @param logStatistics add method, tool, latency, sizes and errors of MCP messages ({@code ai.mcp.rpc[]}) to
 *                      the log plugins' entries (http-log, file-log, opentelemetry logs), and record the MCP
 *                      metrics of the prometheus ({@code ai_metrics}) and opentelemetry
 *                      ({@code metrics.enable_ai_metrics}) plugins; default false
 * @param logPayloads   add JSON-RPC request and response bodies ({@code rpc[].payload}), secrets masked and each
 *                      cut at 32 KiB, to those entries and to the live traffic page; default false
 * @param logAudits     add every tool ACL evaluation ({@code ai.mcp.audit[]}) to those entries, and write it as
 *                      a line to the {@code dev.toolgate.audit} logger; default false
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
