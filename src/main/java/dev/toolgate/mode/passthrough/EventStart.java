package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.toolgate.mcp.Json;
import io.vertx.core.buffer.Buffer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * What the start of an unfinished SSE event tells of its message: whether it is a request or a
 * notification, which can never carry a tool list. A JSON-RPC response has no {@code method}
 * (JSON-RPC 2.0 §5), and every SDK writes a request's or notification's {@code method} before its
 * {@code params}, so the first kilobytes of a large sampling request or progress notification tell it.
 */
final class EventStart {

    private EventStart() {
    }

    /**
     * True when the event's data so far is a JSON object with a top-level string {@code method} before
     * any {@code result} or {@code error}; false when it is an answer, a batch, not JSON, or undecided.
     */
    static boolean opensRequest(Buffer event) {
        byte[] data = data(event.getBytes());
        try (JsonParser parser = Json.MAPPER.createParser(data)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("result".equals(field) || "error".equals(field)) {
                    return false;
                }
                if ("method".equals(field)) {
                    return value == JsonToken.VALUE_STRING;
                }
                parser.skipChildren();
            }
            return false;
        } catch (IOException cutOrNotJson) {
            // the start ended inside a field before "method", or it is not JSON: held, as any other event
            return false;
        }
    }

    /** The event's data lines so far, joined by line feeds (the last one may be cut). */
    private static byte[] data(byte[] event) {
        ByteArrayOutputStream data = new ByteArrayOutputStream(event.length);
        int line = 0;
        boolean first = true;
        while (line < event.length) {
            int end = line;
            while (end < event.length && event[end] != '\n' && event[end] != '\r') {
                end++;
            }
            if (startsWith(event, line, end, "data:")) {
                int from = line + 5 + (end > line + 5 && event[line + 5] == ' ' ? 1 : 0);
                if (!first) {
                    data.write('\n');
                }
                data.write(event, from, end - from);
                first = false;
            }
            line = end + (end + 1 < event.length && event[end] == '\r' && event[end + 1] == '\n' ? 2 : 1);
        }
        return data.toByteArray();
    }

    private static boolean startsWith(byte[] bytes, int from, int to, String prefix) {
        if (to - from < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (bytes[from + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
