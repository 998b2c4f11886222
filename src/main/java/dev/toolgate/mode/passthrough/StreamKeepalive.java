package dev.toolgate.mode.passthrough;

import dev.toolgate.mcp.SseEvent;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes an SSE comment into a relayed stream after {@link #QUIET_MS} of upstream silence, so that a
 * client that vanished without a word (a laptop asleep, a NAT entry dropped) fails a write: its
 * connection then ends when the kernel gives up retransmitting, closing the upstream request with it,
 * instead of holding the pooled upstream connection and the address's stream slot forever. It also
 * keeps proxies in between from closing a quiet stream. A comment goes only between two events of what
 * was written (never inside one), and never while the client is behind on reading: its send timeout is
 * counting then. Knowing where the events written end, it also writes the gateway's {@code retry} field before the
 * gateway ends the stream for a client to open again ({@link #askToReopen}).
 */
final class StreamKeepalive {

    /** Silence before a comment: the gateway's own notification stream's interval. */
    static final long QUIET_MS = 15_000;

    /** How often silence is checked: a comment comes after 15 to 20 s of it. */
    private static final long CHECK_MS = 5_000;

    private static final Buffer COMMENT = Buffer.buffer(": keepalive\n\n");

    private static final Buffer RETRY = Buffer.buffer(SseEvent.retry(SseEvent.RECONNECT_AFTER_MS));

    private final HttpServerResponse response;
    private long lastWrite = System.nanoTime();
    /** The last bytes written, newest last (0 for none yet): whether they end an event. */
    private byte third;
    private byte second;
    private byte last;

    private StreamKeepalive(HttpServerResponse response) {
        this.response = response;
    }

    /** Starts watching {@code response}, written on {@code context}; it stops when the response ends. */
    static StreamKeepalive start(Context context, HttpServerResponse response) {
        StreamKeepalive keepalive = new StreamKeepalive(response);
        context.owner().setPeriodic(CHECK_MS, timer -> {
            if (response.ended() || response.closed()) {
                context.owner().cancelTimer(timer);
            } else {
                keepalive.check();
            }
        });
        return keepalive;
    }

    /** What was just written to the client. */
    void wrote(Buffer out) {
        lastWrite = System.nanoTime();
        int n = out.length();
        for (int i = Math.max(0, n - 3); i < n; i++) {
            third = second;
            second = last;
            last = out.getByte(i);
        }
    }

    /**
     * Tells the client, just before the gateway ends the stream for it to open again (a stop, a reload that
     * changed the route's policies), to wait {@link SseEvent#RECONNECT_AFTER_MS} first; on the stream's event
     * loop. Only between two events of what was written: inside the server's event a line written would join it
     * (and a blank line would dispatch it cut short), so there the stream ends without it, and the client drops
     * the unfinished event and waits its own default. Waiting for the event's end instead would relay more of a
     * stream whose policies are gone, or hold the stop, for as long as the server takes, maybe forever.
     */
    void askToReopen() {
        if (!response.ended() && !response.closed() && response.headWritten() && betweenEvents()) {
            response.write(RETRY.copy());
        }
    }

    private void check() {
        if (System.nanoTime() - lastWrite < QUIET_MS * 1_000_000 || !betweenEvents() || response.writeQueueFull()
                || !response.headWritten()) {
            return;
        }
        lastWrite = System.nanoTime();
        response.write(COMMENT.copy());
    }

    /**
     * Whether what was written ends with an empty line (or nothing was written): LF LF, CR CR, CR CRLF, or
     * LF CRLF. A CRLF CR is left alone: an LF may still come to finish that line ending.
     */
    private boolean betweenEvents() {
        if (last == 0) {
            return true;
        }
        return last == '\n' && (second == '\n' || second == '\r' && (third == '\n' || third == '\r'))
                || last == '\r' && second == '\r';
    }
}
