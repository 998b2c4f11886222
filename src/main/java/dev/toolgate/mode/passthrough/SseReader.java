package dev.toolgate.mode.passthrough;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads the events of an upstream's server-sent-events stream, for the era bridge, which acts on
 * each message (and must know its event id to resume the stream later). Chunks may be cut anywhere;
 * an event larger than the limit fails the stream rather than growing without bound.
 *
 * @see <a href="https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation">Event stream interpretation</a>
 */
final class SseReader {

    /**
     * One event.
     *
     * @param id   its {@code id:} (or the last id seen on the stream), or null
     * @param data its data lines joined by line feeds; empty for a priming event
     */
    record Event(String id, String data) {
    }

    /** Thrown when an event exceeds the limit. */
    static final class TooLarge extends RuntimeException {
        TooLarge(int limit) {
            super("an upstream event is larger than " + limit + " bytes", null, false, false);
        }
    }

    private final Consumer<Event> sink;
    private final int limit;
    private Buffer pending = Buffer.buffer();
    private String lastId;
    private StringBuilder data;

    SseReader(Consumer<Event> sink, int limit) {
        this.sink = sink;
        this.limit = limit;
    }

    /** The last event id the stream carried (what a resumption sends as {@code Last-Event-ID}). */
    String lastId() {
        return lastId;
    }

    void feed(Buffer chunk) {
        pending.appendBuffer(chunk);
        int start = 0;
        int length = pending.length();
        for (int i = 0; i < length; i++) {
            byte b = pending.getByte(i);
            if (b != '\n' && b != '\r') {
                continue;
            }
            if (b == '\r' && i + 1 == length) {
                break; // a CR LF may be cut between chunks
            }
            line(pending.getString(start, i, StandardCharsets.UTF_8.name()));
            if (b == '\r' && pending.getByte(i + 1) == '\n') {
                i++;
            }
            start = i + 1;
        }
        pending = pending.getBuffer(start, length);
        if (pending.length() > limit || data != null && data.length() > limit) {
            throw new TooLarge(limit);
        }
    }

    private void line(String line) {
        if (line.isEmpty()) {
            if (data != null) {
                sink.accept(new Event(lastId, data.toString()));
            }
            data = null;
            return;
        }
        if (line.startsWith(":")) {
            return;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + (line.startsWith(" ", colon + 1) ? 2 : 1));
        switch (field) {
            case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            case "id" -> lastId = value;
            default -> {
                // event names and retry hints do not matter to the bridge
            }
        }
    }
}
