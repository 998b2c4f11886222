package dev.toolgate.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Builders for the JSON-RPC 2.0 messages a server sends, and the standard error codes. */
public final class JsonRpc {

    /** Invalid JSON was received. */
    public static final int PARSE_ERROR = -32700;
    /** The JSON sent is not a valid request object. */
    public static final int INVALID_REQUEST = -32600;
    /** The method does not exist or is not offered. */
    public static final int METHOD_NOT_FOUND = -32601;
    /** Invalid method parameters (also: unknown tool, bad cursor, unsupported version). */
    public static final int INVALID_PARAMS = -32602;
    /** Internal JSON-RPC error. */
    public static final int INTERNAL_ERROR = -32603;
    /** Implementation-defined transport error (what the official SDKs use for HTTP-level rejections). */
    public static final int TRANSPORT_ERROR = -32000;
    /** Implementation-defined: the session is unknown or has ended. */
    public static final int SESSION_NOT_FOUND = -32001;
    /** 2026-07-28: a request header does not match the body, or a required one is missing or malformed. */
    public static final int HEADER_MISMATCH = -32020;
    /** 2026-07-28: serving the request needs a client capability the request did not declare. */
    public static final int MISSING_CLIENT_CAPABILITY = -32021;
    /** 2026-07-28: the request's protocol version is not one the server serves. */
    public static final int UNSUPPORTED_PROTOCOL_VERSION = -32022;

    private JsonRpc() {
    }

    /** A success response carrying {@code result} for the request with {@code id}. */
    public static ObjectNode result(JsonNode id, JsonNode result) {
        ObjectNode message = envelope(id);
        message.set("result", result);
        return message;
    }

    /** An error response; {@code id} may be null when the request id could not be read. */
    public static ObjectNode error(JsonNode id, int code, String text) {
        ObjectNode message = envelope(id);
        ObjectNode error = message.putObject("error");
        error.put("code", code);
        error.put("message", text);
        return message;
    }

    /** A notification (no id) with optional params. */
    public static ObjectNode notification(String method, JsonNode params) {
        ObjectNode message = Json.object();
        message.put("jsonrpc", "2.0");
        message.put("method", method);
        if (params != null) {
            message.set("params", params);
        }
        return message;
    }

    private static ObjectNode envelope(JsonNode id) {
        ObjectNode message = Json.object();
        message.put("jsonrpc", "2.0");
        message.set("id", id == null ? NullNode.getInstance() : id);
        return message;
    }
}
