package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import io.vertx.core.buffer.Buffer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The top level of one SSE event's JSON-RPC message, read byte by byte as the event arrives and never
 * held: whether it carries a string {@code method}, a {@code result} or an {@code error}, and its
 * {@code id} (and the event's own {@code id:} line). The tool-list filter relays a large request as it
 * comes and answers for an answer too large to hold; both decisions must not depend on the order in
 * which the server wrote the message's keys, and a large event cannot be parsed whole.
 */
final class EventShape {

    /** Longer ids and event ids are not kept: the id is then unknown. */
    private static final int MAX_ID = 1024;
    private static final int MAX_FIELD = 8;
    private static final int FIELD = 0;
    private static final int VALUE_START = 1;
    private static final int DATA = 2;
    private static final int EVENT_ID = 3;
    private static final int SKIP = 4;

    private final StringBuilder field = new StringBuilder();
    private int line = FIELD;
    private boolean lineIsId;
    private boolean afterCr;
    private boolean dataSeen;
    private ByteArrayOutputStream eventId;

    private int first = -1;
    private int depth;
    private boolean inString;
    private boolean escaped;
    private boolean expectKey;
    private boolean readingKey;
    private boolean keyEscaped;
    private final StringBuilder key = new StringBuilder();
    private String lastKey;
    private boolean valueStart;
    private ByteArrayOutputStream id;
    private boolean capturingId;
    private boolean method;
    private boolean answer;
    private boolean unsure;

    /** Reads {@code bytes[from, to)} of the event. */
    void feed(Buffer bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            raw(bytes.getByte(i));
        }
    }

    /** True when the message is a JSON object with a string {@code method} and, so far, nothing of an answer. */
    boolean request() {
        return first == '{' && method && !answer && !unsure;
    }

    /** True when the message has a top-level {@code result} or {@code error}. */
    boolean answer() {
        return answer;
    }

    /** True when a top-level key is written with escapes: it could spell {@code result}. */
    boolean unsure() {
        return unsure;
    }

    /** True when the message is a single JSON object (not a batch, not something else). */
    boolean object() {
        return first == '{';
    }

    /** The message's top-level {@code id}, or null when it has none, it is too long or not JSON. */
    JsonNode id() {
        if (id == null || capturingId || id.size() > MAX_ID) {
            return null;
        }
        try {
            return Json.parse(id.toByteArray());
        } catch (IOException e) {
            return null;
        }
    }

    /** The event's {@code id:} line's value, or null. */
    String eventId() {
        return eventId == null || eventId.size() > MAX_ID ? null : eventId.toString(StandardCharsets.UTF_8);
    }

    private void raw(byte b) {
        if (afterCr) {
            afterCr = false;
            if (b == '\n') {
                return;
            }
        }
        if (b == '\r' || b == '\n') {
            endLine();
            afterCr = b == '\r';
            return;
        }
        switch (line) {
            case FIELD -> {
                if (b == ':') {
                    String name = field.toString();
                    lineIsId = name.equals("id");
                    if (name.equals("data")) {
                        startData();
                        line = VALUE_START;
                    } else {
                        line = lineIsId ? VALUE_START : SKIP;
                        if (lineIsId) {
                            eventId = new ByteArrayOutputStream();
                        }
                    }
                } else if (field.length() < MAX_FIELD) {
                    field.append((char) (b & 0xff));
                } else {
                    line = SKIP;
                }
            }
            case VALUE_START -> {
                line = lineIsId ? EVENT_ID : DATA;
                if (b != ' ') {
                    value(b);
                }
            }
            case DATA, EVENT_ID -> value(b);
            default -> { }
        }
    }

    private void value(byte b) {
        if (line == EVENT_ID) {
            if (eventId.size() <= MAX_ID) {
                eventId.write(b);
            }
        } else {
            json(b);
        }
    }

    private void endLine() {
        if (line == FIELD && field.toString().equals("data")) {
            startData(); // "data" alone: a data line with no value
        } else if (line == FIELD && field.toString().equals("id")) {
            eventId = new ByteArrayOutputStream();
        }
        line = FIELD;
        lineIsId = false;
        field.setLength(0);
    }

    /** Data lines join with a line feed, as an SSE client joins them. */
    private void startData() {
        if (dataSeen) {
            json((byte) '\n');
        }
        dataSeen = true;
    }

    private void json(byte b) {
        if (inString) {
            string(b);
            return;
        }
        if (b == ' ' || b == '\t' || b == '\n' || b == '\r') {
            capture(b);
            return;
        }
        if (first < 0) {
            first = b;
        }
        if (depth == 1 && valueStart) {
            valueStart = false;
            topLevelValue(b);
        }
        switch (b) {
            case '"' -> {
                inString = true;
                if (depth == 1 && expectKey) {
                    readingKey = true;
                    keyEscaped = false;
                    key.setLength(0);
                }
            }
            case '{', '[' -> {
                depth++;
                if (depth == 1) {
                    expectKey = b == '{';
                }
            }
            case '}', ']' -> {
                if (depth == 1) {
                    capturingId = false;
                }
                depth--;
            }
            case ':' -> {
                if (depth == 1) {
                    valueStart = true;
                    expectKey = false;
                }
            }
            case ',' -> {
                if (depth == 1) {
                    capturingId = false;
                    expectKey = first == '{';
                }
            }
            default -> { }
        }
        capture(b);
    }

    private void string(byte b) {
        capture(b);
        if (escaped) {
            escaped = false;
        } else if (b == '\\') {
            escaped = true;
            keyEscaped |= readingKey;
        } else if (b == '"') {
            inString = false;
            if (readingKey) {
                readingKey = false;
                lastKey = keyEscaped ? null : key.toString();
            }
            return;
        }
        if (readingKey && key.length() <= MAX_FIELD) {
            key.append((char) (b & 0xff));
        }
    }

    /** {@code b} starts the value of the top-level key read last. */
    private void topLevelValue(byte b) {
        if (lastKey == null) {
            unsure = true; // an escaped key may spell "result": never taken for a request
            return;
        }
        switch (lastKey) {
            case "method" -> method |= b == '"';
            case "result", "error" -> answer = true;
            case "id" -> {
                capturingId = true;
                id = new ByteArrayOutputStream();
            }
            default -> { }
        }
    }

    private void capture(byte b) {
        if (capturingId && id.size() <= MAX_ID) {
            id.write(b);
        }
    }
}
