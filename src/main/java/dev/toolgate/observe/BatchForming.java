package dev.toolgate.observe;

import dev.toolgate.observe.Outbox.Held;

import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How an {@link Outbox}'s senders take their batches: one at a time, so that batches stay full, each
 * waiting up to {@code max_coalescing_delay} for its batch to fill, asleep, and woken at the pace entries
 * arrive rather than by each entry (a wake-up is a system call on the event loop that offers). Apart from
 * the outbox because it is the senders' side of the queue: the event loops only offer, and wake a sleeping
 * former through the outbox's {@code former} and {@code wanted}, which stay there with the rest of the
 * per-event path.
 *
 * @param <T> what is queued
 */
final class BatchForming<T> {

    /** How long a sender sleeps on an empty queue before looking again (closing wakes it at once). */
    private static final long IDLE_NANOS = 200_000_000L;
    /** How long a sender that found the queue empty waits before asking to be woken. */
    private static final long NAP_NANOS = 2_000_000L;
    /** The shortest sleep while a batch fills: below it, waking costs more than it saves. */
    private static final long MIN_NAP_NANOS = 500_000L;
    /** The longest: a batch that fills while its sender sleeps waits at most this long for it. */
    private static final long MAX_NAP_NANOS = 50_000_000L;
    /** While a batch fills, producers wake its sender only when this many batches' worth are queued. */
    private static final int OVERDUE = 2;

    private final Outbox<T> outbox;
    private final QueueSettings settings;
    /** Held by the worker forming a batch: one at a time, so that two never split a batch between them. */
    private final ReentrantLock forming = new ReentrantLock();
    /** How far apart entries arrived while the last batch filled (guarded by {@code forming}). */
    private long nanosPerEntry;

    BatchForming(Outbox<T> outbox, QueueSettings settings) {
        this.outbox = outbox;
        this.settings = settings;
    }

    /**
     * Takes the next batch into {@code batch} (empty when none came within a while), and the bytes its
     * entries were offered with into {@code taken[0]}.
     */
    void form(List<T> batch, long[] taken) throws InterruptedException {
        forming.lockInterruptibly();
        try {
            long delay = (long) (settings.maxCoalescingDelay() * 1e9);
            long looked = System.nanoTime();
            // closing: what is left is taken at once, so that no sender waits out an empty queue in turn
            Held<T> first = take();
            if (first == null && !outbox.closing) {
                // a nap first, counted in the delay: under steady traffic the next entry comes within it,
                // and no event loop has to wake this thread (a wake-up is a system call on the loop)
                LockSupport.parkNanos(outbox, Math.min(NAP_NANOS, delay));
                first = take();
            }
            if (first == null && !outbox.closing) {
                sleepUntil(1, System.nanoTime() + IDLE_NANOS);
                looked = System.nanoTime();
                first = take();
            }
            if (first == null) {
                return;
            }
            batch.add(first.entry());
            taken[0] = first.bytes();
            // wait for the batch to fill without taking each entry as it comes (a wake-up per entry
            // costs more than the entry): until the delay is over or the batch is full
            fill(settings.maxBatchSize() - 1, looked + delay);
            int more = 0;
            for (Held<T> next; batch.size() < settings.maxBatchSize() && (next = outbox.queue.poll()) != null; more++) {
                batch.add(next.entry());
                taken[0] += next.bytes();
            }
            outbox.count.addAndGet(-more);
        } finally {
            outbox.former.set(null);
            forming.unlock();
        }
    }

    private Held<T> take() {
        Held<T> entry = outbox.queue.poll();
        if (entry != null) {
            outbox.count.decrementAndGet();
        }
        return entry;
    }

    /** Sleeps until {@code target} entries are queued, the deadline passes or the outbox closes. */
    private void sleepUntil(int target, long deadline) throws InterruptedException {
        outbox.wanted = target;
        while (!outbox.closing && outbox.count.get() < target) {
            if (!nap(target, deadline - System.nanoTime())) {
                return;
            }
        }
    }

    /**
     * Sleeps until {@code target} entries are queued, the deadline passes or the outbox closes, waking
     * itself when the entries should be there at the rate they arrive so far: an event loop's wake-up
     * is a system call on that loop (a hypervisor's inter-processor call on a virtual machine), once per
     * batch. Producers still wake it past {@value #OVERDUE} times the target (or half the queue's room),
     * should the rate jump, and when the batch is full if entries come slower than the longest nap.
     */
    private void fill(int target, long deadline) throws InterruptedException {
        // woken past two batches, or at half the queue's room should that come first: a queue little
        // larger than its batch would otherwise drop what arrives while the sender oversleeps
        int overdue = (int) Math.min(Integer.MAX_VALUE, (long) target * OVERDUE);
        outbox.wanted = Math.min(overdue, Math.max(target, settings.maxEntries() / 2));
        long since = System.nanoTime();
        int had = outbox.count.get();
        while (!outbox.closing && outbox.count.get() < target) {
            long now = System.nanoTime();
            int queued = outbox.count.get();
            // none yet: the last batch's pace, else as long again as waited so far (a quiet queue is
            // looked at now and then, not polled)
            long apart = queued > had ? (now - since) / (queued - had)
                    : now > since ? Math.max(nanosPerEntry, (now - since) / Math.max(1, target - queued)) : nanosPerEntry;
            // a quarter past the expected time: a second wake-up for the last few entries costs more than
            // they wait (and no product of large numbers: a quiet queue's pace may be hours)
            long sleep;
            if (apart < MAX_NAP_NANOS) {
                sleep = Math.min(MAX_NAP_NANOS, Math.max(MIN_NAP_NANOS, (target - queued) * apart / 4 * 5));
            } else {
                // entries come slower than the longest nap: a producer's wake-up is rare, ask for it
                outbox.wanted = target;
                sleep = deadline - now;
            }
            if (!nap(target, Math.min(deadline - now, sleep))) {
                break;
            }
        }
        int arrived = outbox.count.get() - had;
        if (arrived > 0) {
            nanosPerEntry = (System.nanoTime() - since) / arrived;
        }
    }

    /** One sleep of at most {@code nanos}, woken by a producer at {@code wanted}; false when there is none left. */
    private boolean nap(int target, long nanos) throws InterruptedException {
        outbox.former.set(Thread.currentThread());
        // checked again once published: an entry queued before it would not have woken us
        if (outbox.count.get() >= target || nanos <= 0) {
            return false;
        }
        LockSupport.parkNanos(outbox, nanos);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return true;
    }
}
