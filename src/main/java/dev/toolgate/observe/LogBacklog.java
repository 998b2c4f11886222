package dev.toolgate.observe;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of entries every log and trace queue ({@link Outbox}) of the process holds together, waiting
 * or in batches being sent, and their bound ({@code --max-log-queue-bytes}). Each queue has its own bound
 * too, but a document may put a log plugin on each of hundreds of routes, each with a queue of its own:
 * with their endpoint down, their bounds together would be gigabytes, and the gateway would run out of
 * memory because its log sink went away. Past this bound a queue makes room by dropping its own oldest
 * entries, or drops the entry offered (it decides: one queue's entries are its alone to drop).
 *
 * <p>The event loops that offer add to one counter and never wait: two may pass the bound together by
 * an entry each, which the next offer takes back.
 */
public final class LogBacklog {

    /** The bound of {@code toolgate run} unless {@code --max-log-queue-bytes} says otherwise: four queues' default. */
    public static final long DEFAULT_MAX_BYTES = 256L << 20;

    private final long maxBytes;
    private final AtomicLong held = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    /** @param maxBytes the bytes all queues together may hold; 1 or more */
    public LogBacklog(long maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("the log queues' total must be 1 byte or more");
        }
        this.maxBytes = maxBytes;
    }

    /** No total beyond each queue's own bound: for a queue made alone (a test's), not for a gateway's. */
    public static LogBacklog unbounded() {
        return new LogBacklog(Long.MAX_VALUE);
    }

    /** Counts an entry's bytes as held; the total with them. */
    long add(long bytes) {
        return held.addAndGet(bytes);
    }

    /** Bytes a queue no longer holds: sent, dropped, or discarded with the queue. */
    void release(long bytes) {
        held.addAndGet(-bytes);
    }

    /** Entries dropped because the total was reached (each queue's sink counts them as dropped too). */
    void dropped(long count) {
        dropped.addAndGet(count);
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Bytes every queue holds now, waiting or being sent. */
    public long held() {
        return held.get();
    }

    /** Entries dropped so far because the total was reached. */
    public long dropped() {
        return dropped.get();
    }
}
