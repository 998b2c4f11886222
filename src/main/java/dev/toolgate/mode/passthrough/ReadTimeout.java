package dev.toolgate.mode.passthrough;

import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Context;
import io.vertx.core.internal.ContextInternal;

import java.util.concurrent.TimeUnit;

/**
 * A service's {@code read_timeout} as Kong applies it to a proxied exchange: the longest silence
 * between two reads from the upstream. Time the gateway itself holds the upstream back (paused while
 * the client's write queue is full) does not count, which a socket idle timeout cannot tell apart.
 * Reads only note the time; one timer checks it, so a busy stream costs no timer per chunk.
 * Event-loop confined, like the exchange it guards. The timer is the event loop's own (Netty's), not a
 * Vert.x timer, which also registers each timer in a map shared by all loops and as a close hook of its
 * context: one is set and cancelled for every exchange, and in a profile of passthrough that registration
 * was two thirds of their cost (Vert.x's internal API, as in {@code ConnectionGuard}).
 */
final class ReadTimeout {

    private final ContextInternal context;
    private final long timeoutMs;
    private final Runnable onExpiry;
    private long lastReadNanos;
    private ScheduledFuture<?> timer;
    private boolean running;

    /** A bound for an exchange served on {@code context} (an event loop's). */
    ReadTimeout(Context context, long timeoutMs, Runnable onExpiry) {
        this.context = (ContextInternal) context;
        this.timeoutMs = timeoutMs;
        this.onExpiry = onExpiry;
    }

    /** Starts (or resumes) counting silence from now. */
    void start() {
        lastReadNanos = System.nanoTime();
        running = true;
        if (timer == null) {
            schedule(timeoutMs);
        }
    }

    /** Notes that the upstream sent something. */
    void read() {
        lastReadNanos = System.nanoTime();
    }

    /** Stops counting: the gateway holds the upstream back, or the exchange needs no limit (SSE) or ended. */
    void stop() {
        running = false;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void schedule(long delayMs) {
        timer = context.nettyEventLoop().schedule(this::due, Math.max(1, delayMs), TimeUnit.MILLISECONDS);
    }

    private void due() {
        timer = null;
        if (!running) {
            return;
        }
        long quietMs = (System.nanoTime() - lastReadNanos) / 1_000_000;
        if (quietMs >= timeoutMs) {
            running = false;
            context.emit(v -> onExpiry.run());
        } else {
            schedule(timeoutMs - quietMs);
        }
    }
}
