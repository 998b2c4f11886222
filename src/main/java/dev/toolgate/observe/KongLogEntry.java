package dev.toolgate.observe;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

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

    /** The entry as a JSON tree (for tests and readers that want one). */
    public static ObjectNode of(ExchangeEvent x, LogEntities entities) {
        try {
            return (ObjectNode) Json.parse(bytes(x, entities));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The entry's JSON. */
    public static byte[] bytes(ExchangeEvent x, LogEntities entities) {
        ByteArrayBuilder out = new ByteArrayBuilder(2048);
        try (JsonGenerator g = Json.MAPPER.createGenerator(out)) {
            write(g, x, entities);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Writes the entry as the next value of {@code g}: streamed, without building a tree (a log plugin
     * writes one per exchange, at the gateway's rate).
     */
    public static void write(JsonGenerator g, ExchangeEvent x, LogEntities entities) throws IOException {
        g.writeStartObject();
        g.writeObjectFieldStart("request");
        g.writeStringField("method", x.method());
        g.writeStringField("uri", x.uri());
        g.writeStringField("url", x.url());
        g.writeNumberField("size", x.requestBytes());
        g.writeFieldName("querystring");
        querystring(g, x.uri());
        headers(g, x.requestHeaders());
        g.writeEndObject();
        if (x.upstreamNanos() >= 0) {
            g.writeStringField("upstream_uri", x.uri());
            if (x.upstreamStatus() > 0) {
                g.writeStringField("upstream_status", Integer.toString(x.upstreamStatus()));
            }
        }
        g.writeObjectFieldStart("response");
        g.writeNumberField("status", x.status());
        g.writeNumberField("size", x.responseBytes());
        headers(g, x.responseHeaders());
        g.writeEndObject();
        Origin origin = x.origin();
        entity(g, "route", entities.route(origin.route().routeId()));
        entity(g, "service", entities.service(origin.route().serviceId()));
        SerializableString consumer = entities.consumer(origin.consumerId());
        if (consumer != null) {
            entity(g, "consumer", consumer);
            g.writeObjectFieldStart("authenticated_entity");
            g.writeStringField("id", origin.consumerId());
            g.writeEndObject();
        }
        long request = x.latencyNanos() / 1_000_000;
        long proxy = x.upstreamNanos() < 0 ? -1 : x.upstreamNanos() / 1_000_000;
        g.writeObjectFieldStart("latencies");
        g.writeNumberField("request", request);
        g.writeNumberField("proxy", proxy);
        g.writeNumberField("kong", proxy < 0 ? request : Math.max(0, request - proxy));
        g.writeNumberField("receive", 0);
        g.writeEndObject();
        g.writeStringField("client_ip", origin.clientIp());
        g.writeNumberField("started_at", x.startedAtMillis());
        g.writeStringField("workspace_name", "default");
        g.writeStringField("source", x.source());
        mcp(g, x);
        g.writeEndObject();
    }

    private static void headers(JsonGenerator g, Map<String, String> headers) throws IOException {
        g.writeObjectFieldStart("headers");
        for (var header : headers.entrySet()) {
            g.writeStringField(header.getKey(), header.getValue());
        }
        g.writeEndObject();
    }

    private static void mcp(JsonGenerator g, ExchangeEvent x) throws IOException {
        Origin.RouteFacts route = x.origin().route();
        if (!route.statistics() && !route.audits() && !route.payloads()) {
            return;
        }
        g.writeObjectFieldStart("ai");
        g.writeObjectFieldStart("mcp");
        if (x.session() != null) {
            g.writeStringField("mcp_session_id", x.session());
        }
        if (route.statistics() || route.payloads()) {
            g.writeArrayFieldStart("rpc");
            for (McpEvent e : x.rpc()) {
                rpc(g, e, route);
            }
            g.writeEndArray();
        }
        if (route.audits() && !x.audits().isEmpty()) {
            g.writeArrayFieldStart("audit");
            for (ObjectNode audit : x.audits()) {
                g.writeTree(audit);
            }
            g.writeEndArray();
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void rpc(JsonGenerator g, McpEvent e, Origin.RouteFacts route) throws IOException {
        g.writeStartObject();
        if (e.id() != null) {
            g.writeStringField("id", e.id().startsWith("\"") ? e.id().substring(1, e.id().length() - 1) : e.id());
        }
        g.writeStringField("method", e.method());
        if (route.statistics()) {
            if (e.tool() != null) {
                g.writeStringField("tool_name", e.tool());
            }
            g.writeNumberField("latency", e.latencyMillis());
            g.writeNumberField("response_body_size", e.responseBytes());
            String error = e.error() != null ? e.error() : e.toolError() ? "tool_error" : null;
            if (error != null) {
                g.writeStringField("error", error);
            }
        }
        if (route.payloads() && (e.requestPayload() != null || e.responsePayload() != null)) {
            g.writeObjectFieldStart("payload");
            if (e.requestPayload() != null) {
                g.writeStringField("request", e.requestPayload());
            }
            if (e.responsePayload() != null) {
                g.writeStringField("response", e.responsePayload());
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    /** The entity's JSON, serialized once for every entry and copied as it is. */
    private static void entity(JsonGenerator g, String field, SerializableString entity) throws IOException {
        if (entity != null) {
            g.writeFieldName(field);
            g.writeRawValue(entity);
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
    private static void querystring(JsonGenerator g, String uri) throws IOException {
        int question = uri.indexOf('?');
        if (question < 0) {
            g.writeStartObject();
            g.writeEndObject();
            return;
        }
        ObjectNode args = Json.object();
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
        g.writeTree(args);
    }
}
