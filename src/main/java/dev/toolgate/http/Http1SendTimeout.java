package dev.toolgate.http;

import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The send timeout of an HTTP/1.x connection (nginx's {@code send_timeout}), as {@link Http2SendTimeout} is
 * HTTP/2's: a client that stops reading its answer has the send timeout to read some of it, or its
 * connection is closed. Apart from {@link Http1Guard}'s states because it is armed in any of them and runs
 * on the channel's writability alone. All of it runs on the connection's event loop.
 */
final class Http1SendTimeout {

    private final Http1Guard guard;
    private final long sendTimeoutMs;
    /** Runs out the send timeout while the client reads nothing of its answer (the channel is not writable). */
    private ScheduledFuture<?> stall;
    /** What was left to write before the client could be written to again, when {@link #stall} was set. */
    private long stallPending;

    Http1SendTimeout(Http1Guard guard, long sendTimeoutMs) {
        this.guard = guard;
        this.sendTimeoutMs = sendTimeoutMs;
    }

    /**
     * The client stopped reading its answer (what is written waits past the channel's high-water mark): it
     * has the send timeout to read some of it, or its connection is closed, and with it what feeds the answer
     * (nginx's {@code send_timeout}). A client that reads anything in that time gets the time again. Armed in
     * any state: an answer that closes the connection once written (a client's {@code Connection: close})
     * waits on the client as any other.
     */
    void stalled() {
        if (stall != null || guard.messages == null) {
            return;
        }
        stallPending = guard.messages.channel().bytesBeforeWritable();
        stall = guard.messages.executor().schedule(this::stallEnded, sendTimeoutMs, TimeUnit.MILLISECONDS);
    }

    private void stallEnded() {
        stall = null;
        if (guard.messages.channel().isWritable() || !guard.messages.channel().isActive()) {
            return;
        }
        if (guard.messages.channel().bytesBeforeWritable() < stallPending) {
            stalled();
            return;
        }
        guard.sendTimedOut();
    }

    void flowing() {
        if (stall != null) {
            stall.cancel(false);
            stall = null;
        }
    }
}
