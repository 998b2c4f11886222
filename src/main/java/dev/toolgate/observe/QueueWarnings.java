package dev.toolgate.observe;

import dev.toolgate.logging.LogThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an {@link Outbox} tells the log of its room, as Kong's queue does: a queue at
 * {@link #CAPACITY_WARNING} of {@code max_entries}, and entries dropped for want of room. Apart from the
 * outbox because neither is its work: it only counts and flips a flag on the event loop that offers; the
 * lines are written elsewhere (a virtual thread, a sender), so no event loop waits on the log's lock.
 */
final class QueueWarnings {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    /** Kong's mark: a queue this full of {@code max_entries} ({@code CAPACITY_WARNING_THRESHOLD}) is warned of. */
    static final double CAPACITY_WARNING = 0.8;

    private final String name;
    private final int maxEntries;
    /** The entries waiting at which the queue is {@link #CAPACITY_WARNING} full. */
    private final long warnAt;
    /** Warned of since the queue last went below {@link #warnAt}: once per crossing, as Kong's {@code warned}. */
    private final AtomicBoolean warned = new AtomicBoolean();
    /** Entries dropped for want of room and not yet told in the log, which says so a line a minute. */
    private final AtomicLong overflowed = new AtomicLong();
    private final LogThrottle fullWarnings = new LogThrottle(Duration.ofMinutes(1), LogThrottle::monotonicMillis);
    /** The bytes all queues together may hold ({@link LogBacklog}), for the line that says they did. */
    private final long totalBytes;
    /** Of those, the entries dropped because all queues together were full, this one not: their own line. */
    private final AtomicLong overTotal = new AtomicLong();
    private final LogThrottle totalWarnings = new LogThrottle(Duration.ofMinutes(1), LogThrottle::monotonicMillis);

    /**
     * @param name       for the log lines (the plugin and its path)
     * @param totalBytes what all queues together may hold ({@code --max-log-queue-bytes})
     */
    QueueWarnings(String name, int maxEntries, long totalBytes) {
        this.name = name;
        this.maxEntries = maxEntries;
        this.totalBytes = totalBytes;
        this.warnAt = (long) Math.ceil(maxEntries * CAPACITY_WARNING);
    }

    /**
     * Kong's warning of a queue at 80% of {@code max_entries}, judged as Kong does on each entry offered
     * (by the entries already waiting), logged once each time the queue crosses the mark and again only after
     * it went below half the mark (Kong re-arms just below it: a queue held near the mark by a sender taking
     * a batch at a time would write a line per batch). The offering event loop only reads a flag, and flips it at a crossing; the line is
     * written on a virtual thread, so no event loop waits on the log's lock, and not by a sender, which may
     * be sleeping between retries to a dead destination: the case the warning is for.
     */
    void offered(int waiting) {
        if (waiting >= warnAt) {
            if (!warned.get() && warned.compareAndSet(false, true)) {
                int of = maxEntries;
                Thread.startVirtualThread(() -> LOG.warn("{}: queue at {}% capacity ({} of max_entries {} waiting)",
                        name, Math.round(CAPACITY_WARNING * 100), waiting, of));
            }
        } else if (waiting < warnAt / 2 && warned.get()) {
            warned.set(false);
        }
    }

    /**
     * Dropped for want of room: counted here, told in the log by a sender ({@link #report}).
     * {@code forTotal} when the room lacking was all queues' together ({@link LogBacklog}), not this one's.
     */
    void overflowed(long count, boolean forTotal) {
        (forTotal ? overTotal : overflowed).addAndGet(count);
    }

    /** Kong logs a full queue once while it stays full; here a line a minute, from a sender, never an event loop. */
    void report() {
        if (overflowed.get() > 0) {
            long since = fullWarnings.due(overflowed.getAndSet(0));
            if (since > 0) {
                LOG.warn("{}: queue full; {} of its oldest entries dropped since the last report", name, since);
            }
        }
        if (overTotal.get() > 0) {
            long since = totalWarnings.due(overTotal.getAndSet(0));
            if (since > 0) {
                LOG.warn("{}: all log queues together hold their total ({} bytes, --max-log-queue-bytes); {} entries "
                        + "of this queue dropped since the last report", name, totalBytes, since);
            }
        }
    }
}
