package dev.toolgate.mode.passthrough;

import io.vertx.core.buffer.Buffer;

import java.util.Arrays;

/**
 * Finds the events in a server-sent-events byte stream as it arrives, in chunks cut anywhere. Each
 * event's {@code data} lines (joined by line feeds) go to the sink; comments, {@code id},
 * {@code event} and {@code retry} lines are skipped, and events larger than the limit are dropped
 * (the stream itself is forwarded untouched elsewhere; this only observes it). It runs on the event
 * loop for every byte relayed, so it scans arrays and copies ranges rather than handling bytes one by
 * one; a line that lies whole within a chunk is read in place.
 *
 * @see <a href="https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation">Event stream interpretation</a>
 */
final class SseParser {

    /** Receives one event's data; the array is reused after the call returns. */
    interface EventSink {
        void accept(byte[] bytes, int offset, int length);
    }

    private static final byte[] LINE_FEED = {'\n'};
    /** {@code "data: "}: what a data line has besides its value. */
    private static final int DATA_PREFIX = 6;

    private final EventSink onEvent;
    private final int maxEventBytes;
    private byte[] line = new byte[256];
    private int lineLength;
    private byte[] data = new byte[1024];
    private int dataLength;
    private boolean hasData;
    private boolean oversized;
    private boolean lineTruncated;
    private boolean afterCarriageReturn;

    SseParser(EventSink onEvent, int maxEventBytes) {
        this.onEvent = onEvent;
        this.maxEventBytes = maxEventBytes;
    }

    void feed(Buffer chunk) {
        feed(chunk.getBytes());
    }

    void feed(byte[] bytes) {
        int n = bytes.length;
        if (n == 0) {
            // an empty chunk between the CR and the LF of one line ending must not split it in two
            return;
        }
        int i = 0;
        if (afterCarriageReturn && n > 0 && bytes[0] == '\n') {
            i = 1;
        }
        afterCarriageReturn = false;
        while (i < n) {
            int end = i;
            while (end < n && bytes[end] != '\n' && bytes[end] != '\r') {
                end++;
            }
            if (end == n) {
                appendToLine(bytes, i, end - i);
                return;
            }
            if (lineLength == 0 && !lineTruncated) {
                endOfLine(bytes, i, end - i, false);
            } else {
                appendToLine(bytes, i, end - i);
                endOfLine(line, 0, lineLength, lineTruncated);
                lineLength = 0;
                lineTruncated = false;
            }
            if (bytes[end] == '\r') {
                if (end + 1 == n) {
                    afterCarriageReturn = true;
                } else if (bytes[end + 1] == '\n') {
                    end++;
                }
            }
            i = end + 1;
        }
    }

    /**
     * Keeps a line cut by a chunk boundary, up to the longest line that can still carry an event's
     * data ({@code "data: "} and the limit); beyond that the line is only marked truncated, which
     * drops the event if it is a data line and nothing if it is not, exactly as a whole line would.
     */
    private void appendToLine(byte[] bytes, int from, int length) {
        int room = maxEventBytes + DATA_PREFIX - lineLength;
        if (length > room) {
            lineTruncated = true;
            length = Math.max(0, room);
        }
        if (lineLength + length > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + length));
        }
        System.arraycopy(bytes, from, line, lineLength, length);
        lineLength += length;
    }

    private void endOfLine(byte[] text, int from, int length, boolean truncated) {
        if (length == 0 && !truncated) {
            // an event with empty data is a priming event (it carries only an id), not a message
            if (hasData && !oversized && dataLength > 0) {
                onEvent.accept(data, 0, dataLength);
            }
            dataLength = 0;
            hasData = false;
            oversized = false;
            return;
        }
        if (length >= 4 && text[from] == 'd' && text[from + 1] == 'a' && text[from + 2] == 't' && text[from + 3] == 'a'
                && (length == 4 || text[from + 4] == ':')) {
            if (truncated) {
                // its value is longer than the limit: the event is dropped, as when the line came whole
                oversized = true;
                hasData = true;
                return;
            }
            int start = length > 5 && text[from + 5] == ' ' ? 6 : Math.min(5, length);
            if (hasData) {
                appendToData(LINE_FEED, 0, 1);
            }
            appendToData(text, from + start, length - start);
            hasData = true;
        }
    }

    private void appendToData(byte[] bytes, int from, int length) {
        if (oversized || dataLength + length > maxEventBytes) {
            oversized = true;
            return;
        }
        if (dataLength + length > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, dataLength + length));
        }
        System.arraycopy(bytes, from, data, dataLength, length);
        dataLength += length;
    }
}
