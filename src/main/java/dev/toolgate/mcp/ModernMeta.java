package dev.toolgate.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.Map;

/**
 * The per-request protocol fields of a modern (2026-07-28) request, read from {@code params._meta}:
 * what a legacy client said once in {@code initialize}, a modern one says in every request.
 *
 * @param protocolVersion    {@code io.modelcontextprotocol/protocolVersion} (required)
 * @param clientInfo         {@code io.modelcontextprotocol/clientInfo}, or null (optional)
 * @param clientCapabilities {@code io.modelcontextprotocol/clientCapabilities} (required)
 * @param logLevel           {@code io.modelcontextprotocol/logLevel}, or null: without it a server sends no log messages
 * @see <a href="https://modelcontextprotocol.io/specification/2026-07-28/basic#_meta">_meta</a>
 */
public record ModernMeta(String protocolVersion, ObjectNode clientInfo, ObjectNode clientCapabilities, String logLevel) {

    public static final String PREFIX = "io.modelcontextprotocol/";
    public static final String PROTOCOL_VERSION = PREFIX + "protocolVersion";
    public static final String CLIENT_INFO = PREFIX + "clientInfo";
    public static final String CLIENT_CAPABILITIES = PREFIX + "clientCapabilities";
    public static final String LOG_LEVEL = PREFIX + "logLevel";
    public static final String SERVER_INFO = PREFIX + "serverInfo";

    /** A request whose {@code _meta} lacks a required field or has one of the wrong type. */
    public static final class Invalid extends RuntimeException {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * True when a message claims the modern era: its {@code params._meta} names a protocol version
     * (a legacy client never sends that key; it said its version in {@code initialize}).
     */
    public static boolean claimed(JsonNode message) {
        return message != null && message.path("params").path("_meta").has(PROTOCOL_VERSION);
    }

    /**
     * The fields of a request's params.
     *
     * @throws Invalid naming the missing or malformed field (answered with -32602 and HTTP 400)
     */
    public static ModernMeta read(JsonNode params) {
        JsonNode meta = params == null ? null : params.get("_meta");
        if (!(meta instanceof ObjectNode fields)) {
            throw new Invalid("params._meta is required (with " + PROTOCOL_VERSION + " and " + CLIENT_CAPABILITIES + ")");
        }
        JsonNode version = fields.get(PROTOCOL_VERSION);
        if (version == null || !version.isTextual()) {
            throw new Invalid("params._meta[\"" + PROTOCOL_VERSION + "\"] is required (a string)");
        }
        JsonNode capabilities = fields.get(CLIENT_CAPABILITIES);
        if (!(capabilities instanceof ObjectNode declared)) {
            throw new Invalid("params._meta[\"" + CLIENT_CAPABILITIES + "\"] is required (an object)");
        }
        JsonNode info = fields.get(CLIENT_INFO);
        if (info != null && !info.isNull() && !info.isObject()) {
            throw new Invalid("params._meta[\"" + CLIENT_INFO + "\"] must be an object");
        }
        JsonNode level = fields.get(LOG_LEVEL);
        return new ModernMeta(version.asText(), info instanceof ObjectNode o ? o : null, declared,
                level != null && level.isTextual() ? level.asText() : null);
    }

    /** True when the client declared {@code capability} ({@code sampling}, {@code elicitation}, {@code roots}). */
    public boolean declares(String capability) {
        return clientCapabilities.has(capability);
    }

    /**
     * A copy of {@code params} without the per-request protocol fields, for a legacy server that knows
     * none of them; the rest of {@code _meta} (progress token, trace context) stays, and {@code _meta}
     * goes when nothing is left in it.
     */
    public static ObjectNode withoutProtocolFields(ObjectNode params) {
        ObjectNode copy = params.deepCopy();
        if (copy.get("_meta") instanceof ObjectNode meta) {
            for (Iterator<Map.Entry<String, JsonNode>> it = meta.properties().iterator(); it.hasNext(); ) {
                String key = it.next().getKey();
                if (key.equals(PROTOCOL_VERSION) || key.equals(CLIENT_INFO) || key.equals(CLIENT_CAPABILITIES)
                        || key.equals(LOG_LEVEL)) {
                    it.remove();
                }
            }
            if (meta.isEmpty()) {
                copy.remove("_meta");
            }
        }
        return copy;
    }
}
