package dev.toolgate.mode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
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

    private static final JsonFactory COUNTING = new JsonFactory();

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
     * How many elements a body that is a JSON array holds, up to the first syntax error (a broken tail
     * does not let a batch past the bound); 0 for any other body. Streams the body without building a
     * tree, so a route that forwards bodies unread pays for this only on batches.
     */
    public static int batchSize(Buffer body) {
        int first = 0;
        while (first < body.length() && isJsonWhitespace(body.getByte(first))) {
            first++;
        }
        if (first == body.length() || body.getByte(first) != '[') {
            return 0;
        }
        int elements = 0;
        try (JsonParser parser = COUNTING.createParser(body.getBytes())) {
            parser.nextToken();
            for (JsonToken element = parser.nextToken(); element != null && element != JsonToken.END_ARRAY;
                 element = parser.nextToken()) {
                elements++;
                parser.skipChildren();
            }
        } catch (IOException e) {
            // the elements before the error stand
        }
        return elements;
    }

    private static boolean isJsonWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }
}
