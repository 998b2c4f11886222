package dev.toolgate.logging;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * When a repeated failure is worth a log line: the first at once, then at most one per interval,
 * with how many times it happened since the last line. A failure at the gateway's rate (every
 * request refused, every batch dropped) would otherwise write a line for each. The caller keeps its
 * own words and level; this only says when, and the count. Safe to share between threads.
 */
public final class LogThrottle {

    private final long everyMillis;
    private final LongSupplier millis;
    private final AtomicLong last;
    private final AtomicLong unreported = new AtomicLong();

    /**
     * @param every  the least time between two lines
     * @param millis the clock, in milliseconds (a test clock in tests; monotonic where nothing else reads it)
     */
    public LogThrottle(Duration every, LongSupplier millis) {
        this.everyMillis = every.toMillis();
        this.millis = millis;
        this.last = new AtomicLong(millis.getAsLong() - everyMillis);
    }

    /** A clock in milliseconds that never goes back, for throttles no test clock drives. */
    public static long monotonicMillis() {
        return System.nanoTime() / 1_000_000;
    }

    /**
     * Counts {@code happened} more occurrences; returns how many there were since the last line (these
     * included) when a line is due now, else 0. Of threads that count at once, one gets the line.
     */
    public long due(long happened) {
        long since = unreported.addAndGet(happened);
        long before = last.get();
        long now = millis.getAsLong();
        if (now - before >= everyMillis && last.compareAndSet(before, now)) {
            unreported.addAndGet(-since);
            return since;
        }
        return 0;
    }

    /** Takes the occurrences no line has reported yet: for a last line, when the failure has ended. */
    public long flush() {
        return unreported.getAndSet(0);
    }
}
