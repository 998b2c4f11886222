package dev.toolgate.mode.passthrough;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Finds the events in a server-sent-events byte stream as it arrives, in chunks cut anywhere. Each
 * event's {@code data} lines (joined by line feeds) go to the sink; the last {@code id} seen is kept
 * ({@link #lastId()}), and when ids are kept the last {@code retry} too ({@link #retryMs()}); comments and
 * {@code event} lines are skipped, and events larger
 * than the limit are dropped (the sink is told as soon as that is known). It runs on the event loop
 * for every byte relayed, so it scans arrays and copies ranges rather than handling bytes one by one,
 * and no byte is scanned twice; a line that lies whole within a chunk is read in place.
 *
 * @see <a href="https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation">Event stream interpretation</a>
 */
final class SseParser {

    /** Receives one event's data; the array is reused after the call returns. */
    interface EventSink {
        void accept(byte[] bytes, int offset, int length);

        /** The event being read is larger than the limit and will not come out; told once per such event. */
        default void oversized() {
        }
    }

    /**
     * The longest event id kept; a longer one is ignored. The era bridge seals the last id into the
     * client's {@code requestState} and sends it back upstream as {@code Last-Event-ID}.
     */
    static final int MAX_ID_BYTES = 1024;

    private static final byte[] LINE_FEED = {'\n'};
    private static final byte[] DATA = {'d', 'a', 't', 'a'};
    private static final byte[] ID = {'i', 'd'};
    private static final byte[] RETRY = {'r', 'e', 't', 'r', 'y'};
    /** The most digits of a {@code retry} read: more than a day's milliseconds, far past any cap put on it. */
    private static final int MAX_RETRY_DIGITS = 9;
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
    private final boolean keepIds;
    private String lastId;
    private long retryMs = -1;

    SseParser(EventSink onEvent, int maxEventBytes) {
        this(onEvent, maxEventBytes, false);
    }

    /** @param keepIds whether {@link #lastId()} is kept (the era bridge resumes streams; the relay does not) */
    SseParser(EventSink onEvent, int maxEventBytes, boolean keepIds) {
        this.onEvent = onEvent;
        this.maxEventBytes = maxEventBytes;
        this.keepIds = keepIds;
    }

    /** The last event id the stream carried, or null (always, unless ids are kept): what a resumption sends as {@code Last-Event-ID}. */
    String lastId() {
        return lastId;
    }

    /**
     * The last reconnection time the stream set ({@code retry}, in ms), or -1 (always, unless ids are kept): how
     * long a server that ends a stream early asks its client to wait before resuming it.
     */
    long retryMs() {
        return retryMs;
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
        boolean truncating = length > room && !lineTruncated;
        if (length > room) {
            lineTruncated = true;
            length = Math.max(0, room);
        }
        if (lineLength + length > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + length));
        }
        System.arraycopy(bytes, from, line, lineLength, length);
        lineLength += length;
        if (truncating && valueStart(line, 0, lineLength, DATA) >= 0) {
            // a data line that never ends must not keep a reader waiting for its event
            overflow();
        }
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
        int start = valueStart(text, from, length, DATA);
        if (start >= 0) {
            if (truncated) {
                // its value is longer than the limit: the event is dropped, as when the line came whole
                overflow();
                hasData = true;
                return;
            }
            if (hasData) {
                appendToData(LINE_FEED, 0, 1);
            }
            appendToData(text, from + start, length - start);
            hasData = true;
            return;
        }
        start = keepIds ? valueStart(text, from, length, ID) : -1;
        if (start >= 0 && !truncated && length - start <= MAX_ID_BYTES) {
            String id = new String(text, from + start, length - start, StandardCharsets.UTF_8);
            if (id.indexOf('\0') < 0) {
                lastId = id;
            }
            return;
        }
        start = keepIds ? valueStart(text, from, length, RETRY) : -1;
        if (start >= 0 && !truncated) {
            retry(text, from + start, length - start);
        }
    }

    /** Keeps a {@code retry} value of ASCII digits only; any other is ignored, as the event stream format says. */
    private void retry(byte[] text, int from, int length) {
        if (length == 0 || length > MAX_RETRY_DIGITS) {
            return;
        }
        long value = 0;
        for (int k = from; k < from + length; k++) {
            if (text[k] < '0' || text[k] > '9') {
                return;
            }
            value = value * 10 + (text[k] - '0');
        }
        retryMs = value;
    }

    /** Where the value of the field {@code name} starts in a line, or -1 when the line is not that field. */
    private static int valueStart(byte[] text, int from, int length, byte[] name) {
        int n = name.length;
        if (length < n || length > n && text[from + n] != ':') {
            return -1;
        }
        for (int k = 0; k < n; k++) {
            if (text[from + k] != name[k]) {
                return -1;
            }
        }
        return length > n + 1 && text[from + n + 1] == ' ' ? n + 2 : Math.min(n + 1, length);
    }

    private void overflow() {
        if (!oversized) {
            oversized = true;
            onEvent.oversized();
        }
    }

    private void appendToData(byte[] bytes, int from, int length) {
        if (oversized) {
            return;
        }
        if (dataLength + length > maxEventBytes) {
            overflow();
            return;
        }
        if (dataLength + length > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, dataLength + length));
        }
        System.arraycopy(bytes, from, data, dataLength, length);
        dataLength += length;
    }
}
