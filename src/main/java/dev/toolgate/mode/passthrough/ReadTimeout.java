package dev.toolgate.mode.passthrough;

import io.vertx.core.Vertx;

/**
 * A service's {@code read_timeout} as Kong applies it to a proxied exchange: the longest silence
 * between two reads from the upstream. Time the gateway itself holds the upstream back (paused while
 * the client's write queue is full) does not count, which a socket idle timeout cannot tell apart.
 * Reads only note the time; one timer checks it, so a busy stream costs no timer per chunk.
 * Event-loop confined, like the exchange it guards.
 */
final class ReadTimeout {

    private final Vertx vertx;
    private final long timeoutMs;
    private final Runnable onExpiry;
    private long lastReadNanos;
    private long timer = -1;
    private boolean running;

    ReadTimeout(Vertx vertx, long timeoutMs, Runnable onExpiry) {
        this.vertx = vertx;
        this.timeoutMs = timeoutMs;
        this.onExpiry = onExpiry;
    }

    /** Starts (or resumes) counting silence from now. */
    void start() {
        lastReadNanos = System.nanoTime();
        running = true;
        if (timer < 0) {
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
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    private void schedule(long delayMs) {
        timer = vertx.setTimer(Math.max(1, delayMs), id -> {
            timer = -1;
            if (!running) {
                return;
            }
            long quietMs = (System.nanoTime() - lastReadNanos) / 1_000_000;
            if (quietMs >= timeoutMs) {
                running = false;
                onExpiry.run();
            } else {
                schedule(timeoutMs - quietMs);
            }
        });
    }
}
