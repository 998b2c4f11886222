package dev.toolgate.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One JSON-RPC 2.0 message, classified without losing anything: {@link #raw()} is the message as
 * received, unknown fields included.
 *
 * @see <a href="https://modelcontextprotocol.io/specification/2025-11-25/basic">MCP base protocol</a>
 */
public sealed interface JsonRpcMessage {

    /** The message exactly as received; null only for an {@link Invalid} element that is not an object. */
    ObjectNode raw();

    /** A request: has a method and a string or integer id. */
    record Request(JsonNode id, String method, JsonNode params, ObjectNode raw) implements JsonRpcMessage {
    }

    /** A notification: has a method and no id; it is never answered. */
    record Notification(String method, JsonNode params, ObjectNode raw) implements JsonRpcMessage {
    }

    /** A response to a request we (or an upstream) sent: has an id and a result or an error. */
    record Response(JsonNode id, ObjectNode raw) implements JsonRpcMessage {
    }

    /** Something that is not a valid message; {@code id} is set when it could be read. */
    record Invalid(JsonNode id, String reason, ObjectNode raw) implements JsonRpcMessage {
    }

    /**
     * Classifies one element of a POST body.
     *
     * @return the message, or an {@link Invalid} naming what is wrong
     */
    static JsonRpcMessage classify(JsonNode node) {
        if (!(node instanceof ObjectNode message)) {
            return new Invalid(null, "a JSON-RPC message must be a JSON object", null);
        }
        JsonNode id = message.get("id");
        JsonNode validId = id != null && (id.isTextual() || id.isIntegralNumber()) ? id : null;
        JsonNode version = message.get("jsonrpc");
        if (version == null || !version.isTextual() || !version.asText().equals("2.0")) {
            return new Invalid(validId, "\"jsonrpc\" must be \"2.0\"", message);
        }
        JsonNode method = message.get("method");
        if (method != null) {
            if (!method.isTextual() || method.asText().isEmpty()) {
                return new Invalid(validId, "\"method\" must be a non-empty string", message);
            }
            JsonNode params = message.get("params");
            if (params != null && !params.isObject() && !params.isArray() && !params.isNull()) {
                return new Invalid(validId, "\"params\" must be an object or an array", message);
            }
            if (id == null) {
                return new Notification(method.asText(), params, message);
            }
            if (validId == null) {
                return new Invalid(null, invalidId(id), message);
            }
            return new Request(validId, method.asText(), params, message);
        }
        if (message.has("result") || message.has("error")) {
            if (message.has("result") == message.has("error")) {
                return new Invalid(validId, "a response has either \"result\" or \"error\", not both", message);
            }
            return new Response(id, message);
        }
        return new Invalid(validId, "a message needs \"method\" (request or notification) or \"result\"/\"error\" (response)", message);
    }

    /** What is wrong with an id that is neither a string nor an integer: the kind the client sent. */
    private static String invalidId(JsonNode id) {
        return invalidId(switch (id.getNodeType()) {
            case NULL -> null;
            case NUMBER -> FRACTION;
            case OBJECT, POJO -> "an object";
            case ARRAY -> "an array";
            case BOOLEAN -> "a boolean";
            default -> "a " + id.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        });
    }

    /** A number id that is not an integer, as {@link #invalidId(String)} names it. */
    static final String FRACTION = "a number with a fraction or an exponent";

    /**
     * The one wording of an id that is neither a string nor an integer, wherever it is read (a tree here, a
     * streaming reader in {@link McpEnvelope}).
     *
     * @param sent what the client sent ("an object"), or null for JSON {@code null}
     */
    static String invalidId(String sent) {
        return sent == null ? "\"id\" must be a string or an integer (null is not allowed)"
                : "\"id\" must be a string or an integer, not " + sent;
    }
}
