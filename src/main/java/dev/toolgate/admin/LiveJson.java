package dev.toolgate.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.observe.McpEvent;

/** One MCP message as the live page reads it. */
final class LiveJson {

    private LiveJson() {
    }

    static ObjectNode event(McpEvent e) {
        ObjectNode node = Json.object();
        node.put("time", e.startedAtMillis());
        node.put("route", e.origin().route().routeName());
        node.put("mode", e.origin().route().mode());
        if (e.origin().route().serviceName() != null) {
            node.put("service", e.origin().route().serviceName());
        }
        if (e.origin().consumerLabel() != null) {
            node.put("consumer", e.origin().consumerLabel());
        }
        node.put("client", e.origin().clientIp());
        if (e.session() != null) {
            // a tag, not the id: on a route without authentication the id is a bearer of the session
            node.put("session", SessionTag.of(e.session()));
        }
        if (e.id() != null) {
            node.put("id", e.id());
        }
        node.put("method", e.method());
        if (e.tool() != null) {
            node.put("tool", e.tool());
        }
        node.put("status", e.failed() ? "error" : "ok");
        if (e.errorType() != null) {
            node.put("error_type", e.errorType());
        }
        if (e.error() != null) {
            node.put("error", e.error());
        }
        node.put("latency_ms", e.latencyNanos() / 1e6);
        if (e.upstreamNanos() >= 0) {
            node.put("upstream_ms", e.upstreamNanos() / 1e6);
        }
        node.put("response_bytes", e.responseBytes());
        if (e.acl() != null) {
            node.put("acl", e.acl());
        }
        if (e.rateLimit() != null) {
            node.put("rate_limit", e.rateLimit());
        }
        if (e.trace() != null) {
            node.put("trace_id", e.trace().traceId());
        }
        // payloads are in the event only where the route logs them (log_payloads)
        if (e.requestPayload() != null || e.responsePayload() != null) {
            ObjectNode payload = node.putObject("payload");
            if (e.requestPayload() != null) {
                payload.put("request", e.requestPayload());
            }
            if (e.responsePayload() != null) {
                payload.put("response", e.responsePayload());
            }
        }
        return node;
    }
}
