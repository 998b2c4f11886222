package dev.toolgate.mode.passthrough;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads the events of an upstream's server-sent-events stream, for the era bridge, which acts on
 * each message (and must know its event id to resume the stream later). It is the relay's
 * {@link SseParser} with two differences: each event comes out as text with the stream's last id,
 * and an event larger than the limit fails the stream (the bridge cannot answer without it) as soon
 * as that is known, rather than being dropped.
 */
final class SseReader {

    /**
     * One event with data (priming events, which carry only an id, update {@link #lastId()} alone).
     *
     * @param id   the last id the stream carried when the event ended, or null
     * @param data its data lines joined by line feeds
     */
    record Event(String id, String data) {
    }

    /** Thrown by {@link #feed} when an event exceeds the limit. */
    static final class TooLarge extends RuntimeException {
        TooLarge(int limit) {
            super("an upstream event is larger than " + limit + " bytes", null, false, false);
        }
    }

    private final SseParser parser;

    SseReader(Consumer<Event> sink, int limit) {
        this.parser = new SseParser(new SseParser.EventSink() {
            @Override
            public void accept(byte[] bytes, int offset, int length) {
                sink.accept(new Event(parser.lastId(), new String(bytes, offset, length, StandardCharsets.UTF_8)));
            }

            @Override
            public void oversized() {
                throw new TooLarge(limit);
            }
        }, limit, true);
    }

    /** The last event id the stream carried (what a resumption sends as {@code Last-Event-ID}). */
    String lastId() {
        return parser.lastId();
    }

    /** The last reconnection time ({@code retry}, ms) the stream set, or -1. */
    long retryMs() {
        return parser.retryMs();
    }

    void feed(Buffer chunk) {
        parser.feed(chunk);
    }
}
