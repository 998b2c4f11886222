package dev.toolgate.mode.passthrough;

import io.vertx.core.buffer.Buffer;

import java.io.ByteArrayOutputStream;
import java.util.function.Consumer;

/**
 * Finds the events in a server-sent-events byte stream as it arrives, in chunks cut anywhere. Each
 * event's {@code data} lines (joined by line feeds) go to the consumer; comments, {@code id},
 * {@code event} and {@code retry} lines are skipped, and events larger than the limit are dropped
 * (the stream itself is forwarded untouched elsewhere; this only observes it).
 *
 * @see <a href="https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation">Event stream interpretation</a>
 */
final class SseParser {

    private final Consumer<byte[]> onEvent;
    private final int maxEventBytes;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final ByteArrayOutputStream data = new ByteArrayOutputStream(256);
    private boolean hasData;
    private boolean oversized;
    private boolean afterCarriageReturn;

    SseParser(Consumer<byte[]> onEvent, int maxEventBytes) {
        this.onEvent = onEvent;
        this.maxEventBytes = maxEventBytes;
    }

    void feed(Buffer chunk) {
        for (int i = 0; i < chunk.length(); i++) {
            byte b = chunk.getByte(i);
            if (b == '\n' && afterCarriageReturn) {
                afterCarriageReturn = false;
                continue;
            }
            afterCarriageReturn = b == '\r';
            if (b == '\n' || b == '\r') {
                endOfLine();
            } else if (line.size() <= maxEventBytes) {
                line.write(b);
            } else {
                oversized = true;
            }
        }
    }

    private void endOfLine() {
        byte[] text = line.toByteArray();
        line.reset();
        if (text.length == 0) {
            // an event with empty data is a priming event (it carries only an id), not a message
            if (hasData && !oversized && data.size() > 0) {
                onEvent.accept(data.toByteArray());
            }
            data.reset();
            hasData = false;
            oversized = false;
            return;
        }
        if (text.length >= 4 && text[0] == 'd' && text[1] == 'a' && text[2] == 't' && text[3] == 'a'
                && (text.length == 4 || text[4] == ':')) {
            int start = text.length > 5 && text[5] == ' ' ? 6 : Math.min(5, text.length);
            if (hasData) {
                data.write('\n');
            }
            data.write(text, start, text.length - start);
            hasData = true;
            oversized |= data.size() > maxEventBytes;
        }
    }
}
