package dev.toolgate.mode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.mcp.Json;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;

/** An MCP POST body read as JSON, by every endpoint alike. */
public final class JsonBody {

    /**
     * The most messages one JSON-RPC batch (2025-03-26) may carry, on a conversion endpoint and through
     * passthrough alike: a batch is many requests in one, each with its own work and answer.
     */
    public static final int MAX_BATCH_MESSAGES = 100;
    /** {@link #batchSize} of a body that starts as a batch and cannot be read to its end. */
    private static final int UNREADABLE = -1;

    /** Reads what the most lenient server would (see {@link #batchSize}). */
    private static final JsonFactory COUNTING = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_YAML_COMMENTS,
                    JsonReadFeature.ALLOW_SINGLE_QUOTES, JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES,
                    JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS, JsonReadFeature.ALLOW_BACKSLASH_ESCAPING_ANY_CHARACTER,
                    JsonReadFeature.ALLOW_LEADING_ZEROS_FOR_NUMBERS, JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS,
                    JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS,
                    JsonReadFeature.ALLOW_TRAILING_DECIMAL_POINT_FOR_NUMBERS, JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS,
                    JsonReadFeature.ALLOW_MISSING_VALUES, JsonReadFeature.ALLOW_TRAILING_COMMA)
            .build();

    private JsonBody() {
    }

    /**
     * The body's JSON value.
     *
     * @throws GatewayException {@code MalformedJson} (-32700) for an empty body, one that is not JSON
     *                          (saying where the parser stopped) or one whose objects repeat a key
     */
    public static JsonNode parse(Buffer body) {
        try {
            JsonNode node = Json.parseClientMessage(body.getBytes());
            if (node == null || node.isMissingNode()) {
                throw new GatewayException(new GatewayError.MalformedJson("the body is empty"));
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new GatewayException(new GatewayError.MalformedJson(Json.problem(e)));
        } catch (IOException e) {
            throw new GatewayException(new GatewayError.MalformedJson(e.getMessage()));
        }
    }

    /** The refusal of a batch of {@code messages} messages, more than {@link #MAX_BATCH_MESSAGES} (400, -32600). */
    public static GatewayError batchTooLarge(int messages) {
        return new GatewayError.InvalidMessage(null, "a batch of " + messages + " messages; send at most "
                + MAX_BATCH_MESSAGES + " in one batch");
    }

    /**
     * Why a body may not be forwarded as it is, or null: a batch of more than {@link #MAX_BATCH_MESSAGES}
     * messages (-32600), or one that cannot be read to its end (-32700). For a proxy that otherwise does
     * not read what it forwards.
     */
    public static GatewayError forwardingRefusal(Buffer body) {
        int batch = batchSize(body);
        if (batch == UNREADABLE) {
            return new GatewayError.MalformedJson("a batch that cannot be read to its end is not forwarded");
        }
        return batch > MAX_BATCH_MESSAGES ? batchTooLarge(batch) : null;
    }

    /**
     * How many elements a body that is a JSON array holds; 0 for any other body, {@link #UNREADABLE} for one
     * that opens an array and cannot be read to its end. A server must not run more of a batch than the
     * gateway counted, so the count is as lenient as any server (comments, {@code NaN}, single quotes,
     * trailing commas, a byte-order mark, UTF-16 or UTF-32 all count), and a batch even such a server could not
     * read is not forwarded. Streams the body without building a tree; a body that opens an object is not parsed.
     */
    private static int batchSize(Buffer body) {
        int first = 0;
        while (first < body.length() && isJsonWhitespace(body.getByte(first))) {
            first++;
        }
        if (first == body.length() || body.getByte(first) == '{') {
            return 0;
        }
        try (JsonParser parser = COUNTING.createParser(body.getBytes())) {
            if (opening(parser) != JsonToken.START_ARRAY) {
                return 0;
            }
            int elements = 0;
            for (JsonToken element = parser.nextToken(); element != JsonToken.END_ARRAY; element = parser.nextToken()) {
                if (element == null) {
                    return UNREADABLE;
                }
                elements++;
                parser.skipChildren();
            }
            return elements;
        } catch (IOException e) {
            return UNREADABLE;
        }
    }

    /** True when the body's first byte after JSON whitespace opens an array: a batch, for a body already read. */
    public static boolean opensBatch(Buffer body) {
        int first = 0;
        while (first < body.length() && isJsonWhitespace(body.getByte(first))) {
            first++;
        }
        return first < body.length() && body.getByte(first) == '[';
    }

    /** The body's first token; null for a body that is not JSON at all (forwarded as it is: no batch). */
    private static JsonToken opening(JsonParser parser) {
        try {
            return parser.nextToken();
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean isJsonWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }
}
