package dev.toolgate.mcp;

import java.nio.charset.StandardCharsets;

/**
 * Server-sent events framing. Data lines never contain a raw line break: JSON is written compact,
 * and any text with breaks is split into several {@code data:} lines as the SSE format requires.
 *
 * @see <a href="https://html.spec.whatwg.org/multipage/server-sent-events.html">Server-sent events</a>
 */
public final class SseEvent {

    /**
     * The SSE {@code retry} (ms) the gateway writes before it ends a stream its client is expected to open again
     * (the gateway stops, or a reload changed the policies the stream was admitted through), on its own streams
     * and on the server streams passthrough relays alike: MCP asks a server that closes a stream it means to be
     * resumed to send one (SHOULD); without it every client picks its own wait (the TypeScript SDK: 1 s,
     * doubling), all at once. Never written when the stream ends for good (its session ended, its endpoint or
     * route is gone): no client is asked to come back to what is no longer there.
     */
    public static final long RECONNECT_AFTER_MS = 2_000;

    private SseEvent() {
    }

    /** One {@code message} event carrying {@code data}; {@code id} may be null. */
    public static byte[] message(String id, String data) {
        StringBuilder frame = new StringBuilder(data.length() + 32);
        frame.append("event: message\n");
        if (id != null) {
            frame.append("id: ").append(id).append('\n');
        }
        for (String line : data.split("\r\n|\r|\n", -1)) {
            frame.append("data: ").append(line).append('\n');
        }
        frame.append('\n');
        return frame.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A {@code retry} field alone: how many milliseconds the client waits before it reconnects, once the stream's
     * connection closes (the blank line after it dispatches no event: there is no data).
     */
    public static byte[] retry(long millis) {
        return ("retry: " + millis + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /** A comment line; clients ignore it, intermediaries see traffic, so idle streams stay open. */
    public static byte[] comment(String text) {
        return (": " + text + "\n\n").getBytes(StandardCharsets.UTF_8);
    }
}
