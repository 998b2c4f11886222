package dev.toolgate.mcp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The envelope of a JSON-RPC message, read with a streaming parser and no tree: what a proxy needs
 * to observe or decide on a message it forwards unchanged (method, id, tool name, error code,
 * {@code isError}). Everything else is skipped, not kept.
 *
 * @param version   {@code jsonrpc}, or null when not a string
 * @param method    {@code method}, or null
 * @param id        {@code id} when a string or integer, else null
 * @param idToken   how the {@code id} member's value begins, or null when there is none: with a method and no
 *                  valid {@link #id}, the message is neither a request nor a notification, and a lenient server
 *                  may still run it as a request (JavaScript reads {@code 1.0} as the integer 1)
 * @param tool      {@code params.name} when a string (the tool of a {@code tools/call}), else null
 * @param errorCode {@code error.code} when an integer, else null
 * @param toolError {@code result.isError} when a scalar, else null
 * @param result    the message has {@code result}
 * @param error     the message has {@code error}
 * @param bytes     the message's size in the bytes it was read from
 * @param traceparent {@code params._meta.traceparent} when a string (W3C trace context in the message), else null
 * @param uri       {@code params.uri} when a string (the resource of a {@code resources/read}), else null
 * @param errorMessage {@code error.message} when a string, its first {@link #MAX_ERROR_MESSAGE} characters, else null
 * @param tracestate {@code params._meta.tracestate} when a string (the vendors' part of the trace context in the
 *                   message, which goes with {@link #traceparent}), else null
 * @param start     where the message's own text begins in what it was read from, counted from the offset it was
 *                  read at (0 for a message that came alone; a batch element's, past the separator before it)
 * @param length    how long the message's own text is from {@link #start}: for a batch element, the object alone
 *                  (what its payload is logged from), where {@link #bytes} also counts the separator before it
 * @param protocolVersion {@code params.protocolVersion} (the version an {@code initialize} asks for) or
 *                   {@code result.protocolVersion} (the one its answer settles on) when a string of at most
 *                   {@link #MAX_PROTOCOL_VERSION} characters, else null
 */
public record McpEnvelope(String version, String method, JsonNode id, JsonToken idToken, String tool,
                          Integer errorCode, Boolean toolError, boolean result, boolean error, int bytes,
                          String traceparent, String uri, String errorMessage, String tracestate,
                          int start, int length, String protocolVersion) {

    /** The most of an error's message kept: a server chooses it, and it may be as long as a body. */
    public static final int MAX_ERROR_MESSAGE = 1024;
    /** The longest {@code params.protocolVersion} kept: versions are dates; a client may send a body's length. */
    public static final int MAX_PROTOCOL_VERSION = 64;

    private static final JsonFactory JSON = new JsonFactory();
    /** For a client's messages: a repeated key is an error (see {@link Json#parseClientMessage}). */
    private static final JsonFactory CLIENT = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** True for a request: a method and an id. */
    public boolean isRequest() {
        return method != null && id != null;
    }

    /**
     * True for a message with a method whose {@code id} is there but neither a string nor an integer
     * ({@code 1.0}, {@code null}, {@code true}, an object): not a valid request, and not a notification.
     */
    public boolean hasInvalidRequestId() {
        return method != null && idToken != null && id == null;
    }

    /** True when {@code id} is JSON {@code null} (the answer to a request whose id could not be read). */
    public boolean nullId() {
        return idToken == JsonToken.VALUE_NULL;
    }

    /**
     * What is wrong with the id of a message that {@link #hasInvalidRequestId has an invalid one}, as a
     * conversion endpoint words it.
     */
    public String invalidIdProblem() {
        return JsonRpcMessage.invalidId(switch (idToken) {
            case VALUE_NULL -> null;
            case VALUE_NUMBER_FLOAT -> JsonRpcMessage.FRACTION;
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            default -> "a value of another kind";
        });
    }

    /** The id as JSON text ({@code 7}, {@code "a"}), or null. */
    public String idText() {
        return id == null ? null : Json.idText(id);
    }

    /**
     * Every message in {@code bytes}: one, or each element of a batch.
     *
     * @throws IOException when the bytes are not JSON, or are JSON but neither an object nor an array
     */
    public static List<McpEnvelope> readAll(byte[] bytes, int offset, int length) throws IOException {
        return readAll(JSON, bytes, offset, length);
    }

    /**
     * Every message a client sent in {@code bytes}, as {@link #readAll} reads them, and an object anywhere
     * in them that repeats a key is an error: what the gateway decides on must be what the server reads,
     * whichever copy its parser keeps. So are bytes that are not UTF-8, as on every MCP endpoint.
     *
     * @throws IOException as {@link #readAll}; a {@link com.fasterxml.jackson.core.JsonParseException} for a repeated key
     */
    public static List<McpEnvelope> readClientMessages(byte[] bytes, int offset, int length) throws IOException {
        Json.checkUtf8(bytes, offset, length);
        return readAll(CLIENT, bytes, offset, length);
    }

    private static List<McpEnvelope> readAll(JsonFactory json, byte[] bytes, int offset, int length) throws IOException {
        try (JsonParser parser = json.createParser(bytes, offset, length)) {
            JsonToken first = parser.nextToken();
            List<McpEnvelope> messages = new ArrayList<>(1);
            if (first == JsonToken.START_OBJECT) {
                messages.add(read(parser, length).within(0, length));
            } else if (first == JsonToken.START_ARRAY) {
                long start = parser.currentLocation().getByteOffset();
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                    long opening = parser.currentTokenLocation().getByteOffset();
                    McpEnvelope element = read(parser, 0);
                    long end = parser.currentLocation().getByteOffset();
                    messages.add(element.withBytes((int) (end - start)).within((int) opening, (int) (end - opening)));
                    start = end;
                }
            } else {
                throw new IOException("not a JSON-RPC message or batch");
            }
            if (parser.nextToken() != null) {
                // what a lenient reader might still take for a second message is never let past unread
                throw new IOException("content after the JSON-RPC message");
            }
            return messages;
        }
    }

    private McpEnvelope withBytes(int size) {
        return new McpEnvelope(version, method, id, idToken, tool, errorCode, toolError, result, error, size,
                traceparent, uri, errorMessage, tracestate, start, length, protocolVersion);
    }

    private McpEnvelope within(int from, int size) {
        return new McpEnvelope(version, method, id, idToken, tool, errorCode, toolError, result, error, bytes,
                traceparent, uri, errorMessage, tracestate, from, size, protocolVersion);
    }

    /** The top-level fields of the object the parser is in; leaves the parser after its end. */
    private static McpEnvelope read(JsonParser p, int bytes) throws IOException {
        String version = null;
        String method = null;
        JsonNode id = null;
        JsonToken idToken = null;
        String tool = null;
        // params._meta.traceparent, params.uri, error.message, params._meta.tracestate,
        // params.protocolVersion or result.protocolVersion
        String[] found = new String[5];
        Integer code = null;
        Boolean toolError = null;
        boolean result = false;
        boolean error = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "jsonrpc" -> version = value == JsonToken.VALUE_STRING ? p.getText() : null;
                case "method" -> method = value == JsonToken.VALUE_STRING ? p.getText() : null;
                case "id" -> {
                    id = value == JsonToken.VALUE_STRING ? TextNode.valueOf(p.getText())
                            : value == JsonToken.VALUE_NUMBER_INT ? integer(p) : null;
                    idToken = value;
                    p.skipChildren();
                }
                case "params" -> tool = value == JsonToken.START_OBJECT ? params(p, found) : skip(p);
                case "result" -> {
                    result = true;
                    String flag = value == JsonToken.START_OBJECT ? result(p, found) : skip(p);
                    toolError = flag == null ? null : Boolean.valueOf(flag);
                }
                case "error" -> {
                    error = true;
                    String number = value == JsonToken.START_OBJECT ? error(p, found) : skip(p);
                    code = number == null ? null : parseCode(number);
                }
                default -> p.skipChildren();
            }
        }
        return new McpEnvelope(version, method, id, idToken, tool, code, toolError, result, error, bytes,
                found[0], found[1], found[2], found[3], 0, bytes, found[4]);
    }

    /**
     * {@code params.name} when a string; {@code params._meta.traceparent} goes to {@code found[0]} and its
     * {@code tracestate} to {@code found[3]}, a string {@code params.uri} to {@code found[1]}, a short string
     * {@code params.protocolVersion} to {@code found[4]} (only a field name compared more: the method may come
     * after params).
     */
    private static String params(JsonParser p, String[] found) throws IOException {
        String name = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals("name") && value == JsonToken.VALUE_STRING) {
                name = p.getText();
            } else if (field.equals("_meta") && value == JsonToken.START_OBJECT) {
                meta(p, found);
            } else if (field.equals("uri") && value == JsonToken.VALUE_STRING) {
                found[1] = p.getText();
            } else if (field.equals("protocolVersion") && value == JsonToken.VALUE_STRING
                    && p.getTextLength() <= MAX_PROTOCOL_VERSION) {
                found[4] = p.getText();
            } else {
                p.skipChildren();
            }
        }
        return name;
    }

    /**
     * {@code result.isError} when a scalar, as text; a short string {@code result.protocolVersion} goes to
     * {@code found[4]} (an {@code initialize}'s answer: the version the server settled on).
     */
    private static String result(JsonParser p, String[] found) throws IOException {
        String flag = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals("isError") && value.isScalarValue()) {
                flag = p.getText();
            } else if (name.equals("protocolVersion") && value == JsonToken.VALUE_STRING
                    && p.getTextLength() <= MAX_PROTOCOL_VERSION) {
                found[4] = p.getText();
            } else {
                p.skipChildren();
            }
        }
        return flag;
    }

    /** The string {@code traceparent} and {@code tracestate} of {@code _meta} into {@code found[0]} and {@code found[3]}. */
    private static void meta(JsonParser p, String[] found) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (value == JsonToken.VALUE_STRING && name.equals("traceparent")) {
                found[0] = p.getText();
            } else if (value == JsonToken.VALUE_STRING && name.equals("tracestate")) {
                found[3] = p.getText();
            } else {
                p.skipChildren();
            }
        }
    }

    /** {@code error.code} when an integer, as text; a string {@code error.message} goes to {@code found[2]}, bounded. */
    private static String error(JsonParser p, String[] found) throws IOException {
        String code = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals("code") && value == JsonToken.VALUE_NUMBER_INT) {
                code = p.getText();
            } else if (name.equals("message") && value == JsonToken.VALUE_STRING) {
                // copied from the parser's buffer up to the bound: a megabyte message is not made a string
                found[2] = new String(p.getTextCharacters(), p.getTextOffset(),
                        Math.min(p.getTextLength(), MAX_ERROR_MESSAGE));
            } else {
                p.skipChildren();
            }
        }
        return code;
    }

    /** An integer id as a tree parse would give it (what the answer must echo). */
    private static JsonNode integer(JsonParser p) throws IOException {
        return switch (p.getNumberType()) {
            case INT -> IntNode.valueOf(p.getIntValue());
            case LONG -> LongNode.valueOf(p.getLongValue());
            default -> BigIntegerNode.valueOf(p.getBigIntegerValue());
        };
    }

    private static Integer parseCode(String number) {
        try {
            return Integer.valueOf(number);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String skip(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }
}
