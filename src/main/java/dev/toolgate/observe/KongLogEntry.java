package dev.toolgate.observe;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.toolgate.mcp.Json;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Kong's log serializer: one exchange as the JSON object Kong's log plugins send ({@code request},
 * {@code upstream_uri}, {@code response}, {@code route}, {@code service}, {@code consumer},
 * {@code latencies}, {@code client_ip}, {@code started_at}, {@code source}...), with the {@code ai.mcp}
 * section of ai-mcp-proxy's logging switches: {@code mcp_session_id} and {@code rpc[]} with
 * {@code log_statistics} ({@code payload} with {@code log_payloads}), {@code audit[]} with
 * {@code log_audits}. Built on the log plugin's own thread, never on an event loop.
 */
public final class KongLogEntry {

    private KongLogEntry() {
    }

    public static ObjectNode of(ExchangeEvent x, LogEntities entities) {
        ObjectNode entry = Json.object();
        ObjectNode request = entry.putObject("request");
        request.put("method", x.method());
        request.put("uri", x.uri());
        request.put("url", x.url());
        request.put("size", x.requestBytes());
        request.set("querystring", querystring(x.uri()));
        ObjectNode requestHeaders = request.putObject("headers");
        x.requestHeaders().forEach(requestHeaders::put);
        if (x.upstreamNanos() >= 0) {
            entry.put("upstream_uri", x.uri());
            if (x.upstreamStatus() > 0) {
                entry.put("upstream_status", Integer.toString(x.upstreamStatus()));
            }
        }
        ObjectNode response = entry.putObject("response");
        response.put("status", x.status());
        response.put("size", x.responseBytes());
        ObjectNode responseHeaders = response.putObject("headers");
        x.responseHeaders().forEach(responseHeaders::put);
        Origin origin = x.origin();
        putEntity(entry, "route", entities.route(origin.route().routeId()));
        putEntity(entry, "service", entities.service(origin.route().serviceId()));
        RawValue consumer = entities.consumer(origin.consumerId());
        if (consumer != null) {
            entry.putRawValue("consumer", consumer);
            entry.putObject("authenticated_entity").put("id", origin.consumerId());
        }
        ObjectNode latencies = entry.putObject("latencies");
        long request_ = x.latencyNanos() / 1_000_000;
        long proxy = x.upstreamNanos() < 0 ? -1 : x.upstreamNanos() / 1_000_000;
        latencies.put("request", request_);
        latencies.put("proxy", proxy);
        latencies.put("kong", proxy < 0 ? request_ : Math.max(0, request_ - proxy));
        latencies.put("receive", 0);
        entry.put("client_ip", origin.clientIp());
        entry.put("started_at", x.startedAtMillis());
        entry.put("workspace_name", "default");
        entry.put("source", x.source());
        ObjectNode mcp = mcp(x);
        if (mcp != null) {
            entry.putObject("ai").set("mcp", mcp);
        }
        return entry;
    }

    private static ObjectNode mcp(ExchangeEvent x) {
        Origin.RouteFacts route = x.origin().route();
        if (!route.statistics() && !route.audits() && !route.payloads()) {
            return null;
        }
        ObjectNode mcp = Json.object();
        if (x.session() != null) {
            mcp.put("mcp_session_id", x.session());
        }
        if (route.statistics() || route.payloads()) {
            ArrayNode rpc = mcp.putArray("rpc");
            for (McpEvent e : x.rpc()) {
                rpc.add(rpc(e, route));
            }
        }
        if (route.audits() && !x.audits().isEmpty()) {
            ArrayNode audit = mcp.putArray("audit");
            x.audits().forEach(audit::add);
        }
        return mcp;
    }

    private static ObjectNode rpc(McpEvent e, Origin.RouteFacts route) {
        ObjectNode rpc = Json.object();
        if (e.id() != null) {
            rpc.put("id", e.id().startsWith("\"") ? e.id().substring(1, e.id().length() - 1) : e.id());
        }
        rpc.put("method", e.method());
        if (route.statistics()) {
            if (e.tool() != null) {
                rpc.put("tool_name", e.tool());
            }
            rpc.put("latency", e.latencyMillis());
            rpc.put("response_body_size", e.responseBytes());
            String error = e.error() != null ? e.error() : e.toolError() ? "tool_error" : null;
            if (error != null) {
                rpc.put("error", error);
            }
        }
        if (route.payloads() && (e.requestPayload() != null || e.responsePayload() != null)) {
            ObjectNode payload = rpc.putObject("payload");
            if (e.requestPayload() != null) {
                payload.put("request", e.requestPayload());
            }
            if (e.responsePayload() != null) {
                payload.put("response", e.responsePayload());
            }
        }
        return rpc;
    }

    /** The entity's JSON, serialized once for every entry. */
    private static void putEntity(ObjectNode entry, String field, RawValue entity) {
        if (entity != null) {
            entry.putRawValue(field, entity);
        }
    }

    private static String decoded(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    /** Kong's {@code querystring}: arguments by name; a flag without value is {@code true}, repeats an array. */
    private static ObjectNode querystring(String uri) {
        ObjectNode args = Json.object();
        int question = uri.indexOf('?');
        if (question < 0) {
            return args;
        }
        for (String pair : uri.substring(question + 1).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decoded(eq < 0 ? pair : pair.substring(0, eq));
            var value = eq < 0 ? com.fasterxml.jackson.databind.node.BooleanNode.TRUE
                    : com.fasterxml.jackson.databind.node.TextNode.valueOf(decoded(pair.substring(eq + 1)));
            var existing = args.get(name);
            if (existing == null) {
                args.set(name, value);
            } else if (existing instanceof ArrayNode array) {
                array.add(value);
            } else {
                args.putArray(name).add(existing).add(value);
            }
        }
        return args;
    }
}
