package dev.toolgate.http;

import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * When the current state of an {@link Http1Guard}'s connection ends (head, body and keep-alive timeouts,
 * lingering), and the one timer that sees to it. Apart from the guard's states because it is a technique of
 * its own: a state change only notes its deadline and the timer is scheduled lazily, so the per-request
 * state machine reads without the timer's bookkeeping. All of it runs on the connection's event loop.
 */
final class StateDeadline {

    private final Http1Guard guard;
    /** When the current state's bound ends ({@link System#nanoTime}), or 0 when it has none. */
    private long deadline;
    private ScheduledFuture<?> timer;
    /** When {@link #timer} fires, if it is set. */
    private long timerAt;

    StateDeadline(Http1Guard guard) {
        this.guard = guard;
    }

    /** The current state ends in {@code delayMs}; only notes it (see {@link #watch}). */
    void bound(long delayMs) {
        deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs);
    }

    /** The current state ends at {@code nanoTime} ({@link System#nanoTime}); only notes it. */
    void until(long nanoTime) {
        deadline = nanoTime;
    }

    /** The current state has no bound; a timer already set finds none when it fires. */
    void clear() {
        deadline = 0;
    }

    /**
     * Makes sure a timer fires by the current deadline. A state change only notes its deadline: most
     * requests arrive in one read and are answered before any bound could end, and a timer per change (3
     * schedules and 3 cancels a request) cost about a microsecond a request. A timer that fires before
     * the deadline sets the next one.
     */
    void watch() {
        if (deadline == 0 || (timer != null && timerAt - deadline <= 0) || guard.messages == null) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        timerAt = deadline;
        timer = guard.messages.executor().schedule(this::due, Math.max(0, deadline - System.nanoTime()),
                TimeUnit.NANOSECONDS);
    }

    /** No bound any more: the connection closes, or leaves HTTP/1. */
    void cancel() {
        deadline = 0;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void due() {
        timer = null;
        if (deadline == 0) {
            return;
        }
        if (System.nanoTime() - deadline < 0) {
            watch();
            return;
        }
        deadline = 0;
        guard.expired();
    }
}
