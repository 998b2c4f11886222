package dev.toolgate.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.ToIntFunction;

/**
 * Kong's log queue for one sink: entries are offered from event loops and never waited for; the sink's
 * own threads take them in batches ({@code max_batch_size}, after at most {@code max_coalescing_delay})
 * and send them, retrying a failed batch with a doubling delay until {@code max_retry_time}. When
 * {@code max_entries} or {@code max_bytes} are waiting, the oldest are dropped and counted to make room
 * (Kong's rule): a slow or dead destination never slows the gateway nor grows its memory. An entry's bytes are its sink's estimate
 * of what it keeps (its texts: entries are serialized when sent); without {@code max_bytes} a queue holds
 * at most {@value #DEFAULT_MAX_BYTES} bytes of them, since a client decides how large an entry is. All queues
 * of the process together hold at most their {@link LogBacklog}'s bytes: past it, an offered entry makes
 * room by dropping the oldest of its own queue, or is dropped when its queue has not that much waiting.
 *
 * <p>Kong keeps a queue per worker process, each sending one batch at a time ({@code concurrency_limit:
 * 1}), so a Kong node has as many batches in flight as workers. Here one queue serves every event loop,
 * and {@code senders} threads ({@link #sendersPerCore()}) deliver from it: one forms a batch at a time
 * (batches stay full), the others send theirs meanwhile. Batches may then arrive out of order, as they
 * do from Kong's workers; {@code max_entries} bounds what waits, and each sender holds one batch more.
 *
 * <p>This class is what the event loops run ({@link #offer}, on every event: no lock, no wait); the senders'
 * side is {@link Delivery} and {@link BatchForming}, and what the log is told of the queue's room is
 * {@link QueueWarnings}.
 *
 * @param <T> what is queued (an event, or its serialized form)
 */
public final class Outbox<T> implements AutoCloseable {

    /**
     * Sends one batch; blocking is fine (it runs on a sender of the outbox's own). With more than one
     * sender it is called for several batches at once and must be safe for that.
     */
    @FunctionalInterface
    public interface Sender<T> {

        /**
         * @param attempt 0 for the first try, then 1, 2... for the retries of the same batch
         * @throws Exception when the batch was not delivered (it is retried)
         */
        void send(List<T> batch, int attempt) throws Exception;
    }

    /** The clock a failed batch's retries are timed and spaced by: the system's, or a test's. */
    public interface RetryClock {

        RetryClock SYSTEM = new RetryClock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleep(long nanos) throws InterruptedException {
                // parked, not slept: closing wakes the sender for the batch's last try at once
                LockSupport.parkNanos(this, nanos);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        };

        long nanoTime();

        /** Waits {@code nanos}, or less when the outbox closes (it unparks its senders); interrupted when it stops. */
        void sleep(long nanos) throws InterruptedException;
    }

    private static final int MOST_SENDERS = 4;
    /** The bytes a queue may hold when {@code max_bytes} is not set (Kong's default is none). */
    public static final long DEFAULT_MAX_BYTES = 64L << 20;

    private final QueueSettings settings;
    private final ToIntFunction<T> size;
    private final LongConsumer dropped;
    private final long maxBytes;
    private final LogBacklog backlog;
    /**
     * Lock-free: the event loops that offer never wait on each other nor on a sender taking a batch.
     * {@code count} is reserved before an entry is queued, so it bounds the queue and is never below it.
     */
    final ConcurrentLinkedQueue<Held<T>> queue = new ConcurrentLinkedQueue<>();
    final AtomicInteger count = new AtomicInteger();
    final AtomicLong bytes = new AtomicLong();
    /** The part of {@code bytes} the senders hold in batches being sent: room no dropped entry can free. */
    final AtomicLong sending = new AtomicLong();
    private final AtomicLong droppedCount = new AtomicLong();
    private final List<Thread> workers;
    /**
     * The worker forming a batch while it sleeps, for the producer whose entry makes {@code wanted}
     * queued to wake it: its first entry, then (should its own pace be wrong) two full batches. The
     * producer that wakes it takes it out, so that it is woken once, not by every producer until it runs.
     */
    final AtomicReference<Thread> former = new AtomicReference<>();
    volatile int wanted;
    /** Set by {@link #close}: offers are dropped, and the senders take what is left at once. */
    volatile boolean closing;
    /**
     * Set once the senders stopped: what is left (an offer that raced {@link #close}) is discarded, so that
     * its bytes leave the {@link LogBacklog}, which outlives this queue.
     */
    private volatile boolean closed;
    private final QueueWarnings warnings;

    /**
     * @param name    for the thread and log lines (the plugin and its path)
     * @param size    an entry's size in bytes, for {@code max_bytes}: cheap, since it is asked on the event loop
     *                that offers the entry (once; the entry leaves with that size)
     * @param dropped told how many entries were dropped (a metric)
     * @param senders threads delivering batches; 1 keeps them in order (a file)
     * @param backlog what all queues of the process hold together ({@link Telemetry#backlog})
     */
    public Outbox(String name, QueueSettings settings, Sender<T> sender, ToIntFunction<T> size, LongConsumer dropped,
                  int senders, LogBacklog backlog) {
        this(name, settings, sender, size, dropped, senders, backlog, RetryClock.SYSTEM);
    }

    /** A queue bounded by its own settings alone (a test's). */
    public Outbox(String name, QueueSettings settings, Sender<T> sender, ToIntFunction<T> size, LongConsumer dropped,
                  int senders) {
        this(name, settings, sender, size, dropped, senders, LogBacklog.unbounded(), RetryClock.SYSTEM);
    }

    /** A queue bounded by its own settings alone (a test's), retried by {@code clock}. */
    public Outbox(String name, QueueSettings settings, Sender<T> sender, ToIntFunction<T> size, LongConsumer dropped,
                  int senders, RetryClock clock) {
        this(name, settings, sender, size, dropped, senders, LogBacklog.unbounded(), clock);
    }

    /** @param clock times and spaces the retries of a failed batch */
    public Outbox(String name, QueueSettings settings, Sender<T> sender, ToIntFunction<T> size, LongConsumer dropped,
                  int senders, LogBacklog backlog, RetryClock clock) {
        this.settings = settings;
        this.size = size;
        this.dropped = dropped;
        this.backlog = backlog;
        this.maxBytes = settings.maxBytes() != null ? settings.maxBytes() : DEFAULT_MAX_BYTES;
        this.warnings = new QueueWarnings(name, settings.maxEntries(), backlog.maxBytes());
        Delivery<T> delivery = new Delivery<>(this, name, settings, sender, clock, warnings);
        List<Thread> started = new ArrayList<>(senders);
        for (int i = 0; i < senders; i++) {
            String thread = "outbox-" + name + (senders == 1 ? "" : " #" + i);
            started.add(Thread.ofPlatform().name(thread).daemon().start(delivery::run));
        }
        this.workers = List.copyOf(started);
    }

    /**
     * The senders of a sink that takes batches in any order: one per core, as a Kong node has a queue per
     * worker, but at most {@value #MOST_SENDERS}: each is a thread and a connection per plugin, and a few
     * batches in flight keep up with any rate one instance serves.
     */
    public static int sendersPerCore() {
        return Math.min(MOST_SENDERS, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Queues an entry. When {@code max_entries} or {@code max_bytes} are waiting, the oldest waiting
     * entries are dropped and counted to make room, as Kong's queue does; an entry larger than
     * {@code max_bytes} by itself, or offered once the queue closed (an exchange served by a configuration
     * since replaced may end after its sink was), is dropped and counted instead. Past the {@link LogBacklog}'s
     * total, the oldest entries of this queue are dropped as well, or the entry when they are too few. Never
     * blocks: the total is one more atomic add.
     */
    public void offer(T entry) {
        if (closing) {
            drop(1);
            return;
        }
        int entryBytes = size.applyAsInt(entry);
        if (entryBytes > maxBytes) {
            overflow(1, false);
            return;
        }
        int queued = count.incrementAndGet();
        long held = bytes.addAndGet(entryBytes);
        long total = backlog.add(entryBytes);
        warnings.offered(queued - 1);
        boolean full = queued > settings.maxEntries() || held > maxBytes;
        if ((full || total > backlog.maxBytes()) && !makeRoom(entryBytes, total - backlog.maxBytes(), !full)) {
            count.decrementAndGet();
            released(entryBytes);
            overflow(1, !full);
            return;
        }
        queue.offer(new Held<>(entry, entryBytes));
        if (closed) {
            discardWaiting();
            return;
        }
        // at least, not exactly: two event loops can pass the mark together, and a missed wake-up
        // would leave the batch to the coalescing delay while the queue fills up
        Thread waiting = former.get();
        if (waiting != null && (queued >= wanted || held * 2 >= maxBytes)
                && former.compareAndSet(waiting, null)) {
            LockSupport.unpark(waiting);
        }
    }

    /**
     * Drops the oldest waiting entries until the one being offered (already counted) fits, in this queue
     * and in the total ({@code excess}: the bytes all queues held past theirs when it was counted); false
     * when none is left to drop: the room is held by batches being sent, or reserved by event loops about
     * to queue theirs, or in other queues, and the offered entry is the one dropped (memory stays bounded
     * either way). Other queues' entries are never dropped here: each is polled by its own senders only.
     */
    private boolean makeRoom(int entryBytes, long excess, boolean forTotal) {
        if (sending.get() + entryBytes > maxBytes) {
            return false;
        }
        // what this queue has waiting besides the new entry: the rest of the excess is other queues'
        if (excess > bytes.get() - sending.get() - entryBytes) {
            return false;
        }
        long freed = 0;
        while (count.get() > settings.maxEntries() || bytes.get() > maxBytes || freed < excess) {
            Held<T> oldest = queue.poll();
            if (oldest == null) {
                return false;
            }
            count.decrementAndGet();
            released(oldest.bytes());
            freed += oldest.bytes();
            overflow(1, forTotal);
        }
        return true;
    }

    /**
     * Dropped for want of room: counted here, told in the log by a sender ({@link QueueWarnings#report});
     * {@code forTotal} when this queue had room but all queues together had not.
     */
    private void overflow(long count, boolean forTotal) {
        if (forTotal) {
            backlog.dropped(count);
        }
        warnings.overflowed(count, forTotal);
        drop(count);
    }

    /** Bytes this queue no longer holds (sent, dropped): out of its count and the process's total. */
    void released(long held) {
        bytes.addAndGet(-held);
        backlog.release(held);
    }

    /** Empties the queue of a closed outbox, its bytes out of the total; no sender is left to send them. */
    private void discardWaiting() {
        for (Held<T> left; (left = queue.poll()) != null; ) {
            count.decrementAndGet();
            released(left.bytes());
        }
    }

    /** Entries dropped so far (queue full, or retries given up). */
    public long dropped() {
        return droppedCount.get();
    }

    /** Entries waiting. */
    public int waiting() {
        return count.get();
    }

    void drop(long count) {
        droppedCount.addAndGet(count);
        dropped.accept(count);
    }

    /**
     * An entry and its size as offered: given back when it leaves, not asked again on the sender's thread,
     * where the texts it sums (an exchange's headers) are another core's and each read is a cache miss (a
     * fifth of http-log's sender).
     */
    record Held<T>(T entry, int bytes) {
    }

    /** Sends what is queued (a last try each), then stops the threads; waits at most {@code millis}. */
    public void close(long millis) {
        closing = true;
        workers.forEach(LockSupport::unpark);
        long deadline = System.nanoTime() + millis * 1_000_000;
        try {
            for (Thread worker : workers) {
                worker.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.stream().filter(Thread::isAlive).forEach(Thread::interrupt);
        closed = true;
        discardWaiting();
    }

    @Override
    public void close() {
        close(2_000);
    }
}
