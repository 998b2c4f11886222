package dev.toolgate.observe;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
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
 * {@code log_audits}. Built on the log plugin's queue's threads, never on an event loop.
 */
public final class KongLogEntry {

    // field names encoded once, not for each of the forty in every entry at the gateway's rate
    private static final SerializableString AI = new SerializedString("ai");
    private static final SerializableString AUDIT = new SerializedString("audit");
    private static final SerializableString AUTHENTICATED_ENTITY = new SerializedString("authenticated_entity");
    private static final SerializableString CLIENT_IP = new SerializedString("client_ip");
    private static final SerializableString ERROR = new SerializedString("error");
    private static final SerializableString HEADERS = new SerializedString("headers");
    private static final SerializableString ID = new SerializedString("id");
    private static final SerializableString KONG = new SerializedString("kong");
    private static final SerializableString LATENCIES = new SerializedString("latencies");
    private static final SerializableString LATENCY = new SerializedString("latency");
    private static final SerializableString MCP = new SerializedString("mcp");
    private static final SerializableString MCP_SESSION_ID = new SerializedString("mcp_session_id");
    private static final SerializableString METHOD = new SerializedString("method");
    private static final SerializableString PAYLOAD = new SerializedString("payload");
    private static final SerializableString PROXY = new SerializedString("proxy");
    private static final SerializableString QUERYSTRING = new SerializedString("querystring");
    private static final SerializableString RECEIVE = new SerializedString("receive");
    private static final SerializableString REQUEST = new SerializedString("request");
    private static final SerializableString RESPONSE = new SerializedString("response");
    private static final SerializableString RESPONSE_BODY_SIZE = new SerializedString("response_body_size");
    private static final SerializableString RPC = new SerializedString("rpc");
    private static final SerializableString SIZE = new SerializedString("size");
    private static final SerializableString SOURCE = new SerializedString("source");
    private static final SerializableString STARTED_AT = new SerializedString("started_at");
    private static final SerializableString STATUS = new SerializedString("status");
    private static final SerializableString TOOL_NAME = new SerializedString("tool_name");
    private static final SerializableString UPSTREAM_STATUS = new SerializedString("upstream_status");
    private static final SerializableString UPSTREAM_URI = new SerializedString("upstream_uri");
    private static final SerializableString URI = new SerializedString("uri");
    private static final SerializableString URL = new SerializedString("url");
    private static final SerializableString WORKSPACE_NAME = new SerializedString("workspace_name");

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
        g.writeFieldName(REQUEST);
        g.writeStartObject();
        string(g, METHOD, x.method());
        string(g, URI, x.uri());
        string(g, URL, x.url());
        number(g, SIZE, x.requestBytes());
        g.writeFieldName(QUERYSTRING);
        querystring(g, x.uri());
        headers(g, x.requestHeaders());
        g.writeEndObject();
        // Kong's: the URI sent upstream (strip_path, the service's path, transformers), not the client's; its
        // router's when nothing was sent. Kong writes both always, "" for what it does not have (nginx's
        // $upstream_status is empty when nothing was proxied)
        string(g, UPSTREAM_URI, x.upstreamUri() != null ? x.upstreamUri() : x.upstreamNanos() >= 0 ? x.uri() : "");
        string(g, UPSTREAM_STATUS, x.upstreamStatus() > 0 ? Integer.toString(x.upstreamStatus()) : "");
        g.writeFieldName(RESPONSE);
        g.writeStartObject();
        number(g, STATUS, x.status());
        number(g, SIZE, x.responseBytes());
        headers(g, x.responseHeaders());
        g.writeEndObject();
        Origin origin = x.origin();
        entity(g, "route", entities.route(origin.route().routeId()));
        entity(g, "service", entities.service(origin.route().serviceId()));
        entity(g, "consumer", entities.consumer(origin.consumerId()));
        if (origin.credentialId() != null) {
            // Kong's: the authenticated credential's id (its consumer_id only when the credential holds one,
            // which Kong's stored credentials do not: they hold consumer.id); none for an anonymous consumer
            g.writeFieldName(AUTHENTICATED_ENTITY);
            g.writeStartObject();
            string(g, ID, origin.credentialId());
            g.writeEndObject();
        }
        long request = x.latencyNanos() / 1_000_000;
        long proxy = x.upstreamNanos() < 0 ? -1 : x.upstreamNanos() / 1_000_000;
        g.writeFieldName(LATENCIES);
        g.writeStartObject();
        number(g, REQUEST, request);
        number(g, PROXY, proxy);
        // Kong's kong latency is its own time before proxying plus its receive time: all but the wait for the head
        number(g, KONG, proxy < 0 ? request : Math.max(0, request - proxy));
        number(g, RECEIVE, proxy < 0 ? 0 : Math.min(x.receiveNanos() / 1_000_000, request));
        g.writeEndObject();
        string(g, CLIENT_IP, origin.clientIp());
        number(g, STARTED_AT, x.startedAtMillis());
        string(g, WORKSPACE_NAME, "default");
        string(g, SOURCE, x.source());
        mcp(g, x);
        g.writeEndObject();
    }

    private static void string(JsonGenerator g, SerializableString name, String value) throws IOException {
        g.writeFieldName(name);
        g.writeString(value);
    }

    private static void number(JsonGenerator g, SerializableString name, long value) throws IOException {
        g.writeFieldName(name);
        g.writeNumber(value);
    }

    private static void headers(JsonGenerator g, Map<String, String> headers) throws IOException {
        g.writeFieldName(HEADERS);
        if (headers instanceof MaskedHeaders masked) {
            masked.writeTo(g);
            return;
        }
        g.writeStartObject();
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
        g.writeFieldName(AI);
        g.writeStartObject();
        g.writeFieldName(MCP);
        g.writeStartObject();
        if (x.session() != null) {
            string(g, MCP_SESSION_ID, x.session());
        }
        if (route.statistics() || route.payloads()) {
            g.writeFieldName(RPC);
            g.writeStartArray();
            for (McpEvent e : x.rpc()) {
                rpc(g, e, route);
            }
            g.writeEndArray();
        }
        if (route.audits() && !x.audits().isEmpty()) {
            g.writeFieldName(AUDIT);
            g.writeStartArray();
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
            string(g, ID, e.idValue());
        }
        string(g, METHOD, e.method());
        if (route.statistics()) {
            if (e.tool() != null) {
                string(g, TOOL_NAME, e.tool());
            }
            number(g, LATENCY, e.latencyMillis());
            number(g, RESPONSE_BODY_SIZE, e.responseBytes());
            String error = e.error() != null ? e.error() : e.toolError() ? "tool_error" : null;
            if (error != null) {
                string(g, ERROR, error);
            }
        }
        if (route.payloads() && (e.requestPayload() != null || e.responsePayload() != null)) {
            g.writeFieldName(PAYLOAD);
            g.writeStartObject();
            if (e.requestPayload() != null) {
                string(g, REQUEST, e.requestPayload());
            }
            if (e.responsePayload() != null) {
                string(g, RESPONSE, e.responsePayload());
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
