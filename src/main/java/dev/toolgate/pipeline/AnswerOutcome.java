package dev.toolgate.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.McpEnvelope;
import dev.toolgate.mcp.MediaTypes;
import dev.toolgate.observe.McpEvent;
import io.vertx.core.http.HttpServerResponse;

import java.io.IOException;
import java.util.List;

/**
 * What a message's event says of its answer: the JSON-RPC error's code and message, and whether a tool result
 * says {@code isError}.
 *
 * @param code      the JSON-RPC error's code, or null
 * @param message   the error's message, or null
 * @param toolError the answer is a tool result with {@code isError: true}
 */
record AnswerOutcome(Integer code, String message, boolean toolError) {

    /** Answers up to this size are read for their JSON-RPC error; larger ones are results. */
    static final int MAX_INSPECTED = 64 * 1024;

    /** The outcome of an answer already known: none of it read again. */
    static AnswerOutcome known(boolean toolError) {
        return new AnswerOutcome(null, null, toolError);
    }

    /** Reads a single answer's JSON ({@link #MAX_INSPECTED} bytes at most) for its outcome. */
    static AnswerOutcome read(byte[] json) {
        try {
            List<McpEnvelope> read = McpEnvelope.readAll(json, 0, json.length);
            boolean one = read.size() == 1;
            if (one && read.getFirst().error()) {
                return new AnswerOutcome(read.getFirst().errorCode(), errorMessage(json),
                        Boolean.TRUE.equals(read.getFirst().toolError()));
            }
            return known(one && Boolean.TRUE.equals(read.getFirst().toolError()));
        } catch (IOException e) {
            return new AnswerOutcome(null, "the answer is not JSON", false);
        }
    }

    /**
     * What a request the mode did not finish gets as its error: none when the answer went out but was not read
     * (a JSON body or an SSE event too large to observe, another content type), the HTTP status when that failed, and
     * {@code unanswered} when the client cannot have had its answer: the connection closed first, or the SSE
     * stream that was to carry it ended. An unanswered call is not a success (made-up names must not become
     * labels, nor the page read {@code ok}).
     */
    static String unanswered(HttpServerResponse response, int status, boolean unreadEvent) {
        if (!response.ended()) {
            return McpEvent.CLIENT_CLOSED;
        }
        if (status >= 400) {
            return "HTTP " + status;
        }
        return !unreadEvent && MediaTypes.isEventStream(response.headers().get("content-type"))
                ? McpEvent.STREAM_ENDED : null;
    }

    private static String errorMessage(byte[] json) {
        try {
            JsonNode message = Json.parse(json).path("error").path("message");
            return message.isTextual() ? message.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
