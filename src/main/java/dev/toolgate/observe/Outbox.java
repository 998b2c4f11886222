package dev.toolgate.observe;

import dev.toolgate.logging.LogThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import java.util.function.ToIntFunction;

/**
 * Kong's log queue for one sink: entries are offered from event loops and never waited for; the sink's
 * own threads take them in batches ({@code max_batch_size}, after at most {@code max_coalescing_delay})
 * and send them, retrying a failed batch with a doubling delay until {@code max_retry_time}. When
 * {@code max_entries} or {@code max_bytes} are waiting, the oldest are dropped and counted to make room
 * (Kong's rule): a slow or dead destination never slows the gateway nor grows its memory. An entry's bytes are its sink's estimate
 * of what it keeps (its texts: entries are serialized when sent); without {@code max_bytes} a queue holds
 * at most {@value #DEFAULT_MAX_BYTES} bytes of them, since a client decides how large an entry is.
 *
 * <p>Kong keeps a queue per worker process, each sending one batch at a time ({@code concurrency_limit:
 * 1}), so a Kong node has as many batches in flight as workers. Here one queue serves every event loop,
 * and {@code senders} threads ({@link #sendersPerCore()}) deliver from it: one forms a batch at a time
 * (batches stay full), the others send theirs meanwhile. Batches may then arrive out of order, as they
 * do from Kong's workers; {@code max_entries} bounds what waits, and each sender holds one batch more.
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

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    private static final int MOST_SENDERS = 4;
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
    /** The bytes a queue may hold when {@code max_bytes} is not set (Kong's default is none). */
    public static final long DEFAULT_MAX_BYTES = 64L << 20;

    private final String name;
    private final QueueSettings settings;
    private final Sender<T> sender;
    private final ToIntFunction<T> size;
    private final LongConsumer dropped;
    private final RetryClock clock;
    private final long maxBytes;
    /**
     * Lock-free: the event loops that offer never wait on each other nor on a sender taking a batch.
     * {@code count} is reserved before an entry is queued, so it bounds the queue and is never below it.
     */
    private final ConcurrentLinkedQueue<Held<T>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    /** The part of {@code bytes} the senders hold in batches being sent: room no dropped entry can free. */
    private final AtomicLong sending = new AtomicLong();
    private final AtomicLong droppedCount = new AtomicLong();
    private final List<Thread> workers;
    /** Held by the worker forming a batch: one at a time, so that two never split a batch between them. */
    private final ReentrantLock forming = new ReentrantLock();
    /**
     * The worker forming a batch while it sleeps, for the producer whose entry makes {@code wanted}
     * queued to wake it: its first entry, then (should its own pace be wrong) two full batches. The
     * producer that wakes it takes it out, so that it is woken once, not by every producer until it runs.
     */
    private final AtomicReference<Thread> former = new AtomicReference<>();
    private volatile int wanted;
    /** How far apart entries arrived while the last batch filled (guarded by {@code forming}). */
    private long nanosPerEntry;
    private volatile boolean closing;
    /** When a failed delivery is logged: a dead destination gets a line a minute, not one a batch. */
    private final LogThrottle dropWarnings = new LogThrottle(Duration.ofMinutes(1), LogThrottle::monotonicMillis);
    /** Entries dropped for want of room and not yet told in the log, which says so a line a minute. */
    private final AtomicLong overflowed = new AtomicLong();
    private final LogThrottle fullWarnings = new LogThrottle(Duration.ofMinutes(1), LogThrottle::monotonicMillis);
    /** Kong's mark: a queue this full of {@code max_entries} ({@code CAPACITY_WARNING_THRESHOLD}) is warned of. */
    static final double CAPACITY_WARNING = 0.8;
    /** The entries waiting at which the queue is {@link #CAPACITY_WARNING} full. */
    private final long warnAt;
    /** Warned of since the queue last went below {@link #warnAt}: once per crossing, as Kong's {@code warned}. */
    private final AtomicBoolean warned = new AtomicBoolean();

    /**
     * @param name    for the thread and log lines (the plugin and its path)
     * @param size    an entry's size in bytes, for {@code max_bytes}: cheap, since it is asked on the event loop
     *                that offers the entry (once; the entry leaves with that size)
     * @param dropped told how many entries were dropped (a metric)
     * @param senders threads delivering batches; 1 keeps them in order (a file)
     */
    public Outbox(String name, QueueSettings settings, Sender<T> sender, ToIntFunction<T> size, LongConsumer dropped,
                  int senders) {
        this(name, settings, sender, size, dropped, senders, RetryClock.SYSTEM);
    }

    /** @param clock times and spaces the retries of a failed batch */
    public Outbox(String name, QueueSettings settings, Sender<T> sender, ToIntFunction<T> size, LongConsumer dropped,
                  int senders, RetryClock clock) {
        this.name = name;
        this.clock = clock;
        this.settings = settings;
        this.sender = sender;
        this.size = size;
        this.dropped = dropped;
        this.maxBytes = settings.maxBytes() != null ? settings.maxBytes() : DEFAULT_MAX_BYTES;
        this.warnAt = (long) Math.ceil(settings.maxEntries() * CAPACITY_WARNING);
        List<Thread> started = new ArrayList<>(senders);
        for (int i = 0; i < senders; i++) {
            String thread = "outbox-" + name + (senders == 1 ? "" : " #" + i);
            started.add(Thread.ofPlatform().name(thread).daemon().start(this::run));
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
     * since replaced may end after its sink was), is dropped and counted instead. Never blocks.
     */
    public void offer(T entry) {
        if (closing) {
            drop(1);
            return;
        }
        int entryBytes = size.applyAsInt(entry);
        if (entryBytes > maxBytes) {
            overflow(1);
            return;
        }
        int queued = count.incrementAndGet();
        long held = bytes.addAndGet(entryBytes);
        watchCapacity(queued - 1);
        if ((queued > settings.maxEntries() || held > maxBytes) && !makeRoom(entryBytes)) {
            count.decrementAndGet();
            bytes.addAndGet(-entryBytes);
            overflow(1);
            return;
        }
        queue.offer(new Held<>(entry, entryBytes));
        // at least, not exactly: two event loops can pass the mark together, and a missed wake-up
        // would leave the batch to the coalescing delay while the queue fills up
        Thread waiting = former.get();
        if (waiting != null && (queued >= wanted || held * 2 >= maxBytes)
                && former.compareAndSet(waiting, null)) {
            LockSupport.unpark(waiting);
        }
    }

    /**
     * Kong's warning of a queue at 80% of {@code max_entries}, judged as Kong does on each entry offered
     * (by the entries already waiting), logged once each time the queue crosses the mark and again only after
     * it went below half the mark (Kong re-arms just below it: a queue held near the mark by a sender taking
     * a batch at a time would write a line per batch). The offering event loop only reads a flag, and flips it at a crossing; the line is
     * written on a virtual thread, so no event loop waits on the log's lock, and not by a sender, which may
     * be sleeping between retries to a dead destination: the case the warning is for.
     */
    private void watchCapacity(int waiting) {
        if (waiting >= warnAt) {
            if (!warned.get() && warned.compareAndSet(false, true)) {
                int of = settings.maxEntries();
                Thread.startVirtualThread(() -> LOG.warn("{}: queue at {}% capacity ({} of max_entries {} waiting)",
                        name, Math.round(CAPACITY_WARNING * 100), waiting, of));
            }
        } else if (waiting < warnAt / 2 && warned.get()) {
            warned.set(false);
        }
    }

    /**
     * Drops the oldest waiting entries until the one being offered (already counted) fits; false when
     * none is left to drop: the room is held by batches being sent, or reserved by event loops about to
     * queue theirs, and the offered entry is the one dropped (memory stays bounded either way).
     */
    private boolean makeRoom(int entryBytes) {
        if (sending.get() + entryBytes > maxBytes) {
            return false;
        }
        while (count.get() > settings.maxEntries() || bytes.get() > maxBytes) {
            Held<T> oldest = queue.poll();
            if (oldest == null) {
                return false;
            }
            count.decrementAndGet();
            bytes.addAndGet(-oldest.bytes());
            overflow(1);
        }
        return true;
    }

    /** Dropped for want of room: counted here, told in the log by a sender ({@link #reportOverflow}). */
    private void overflow(long count) {
        overflowed.addAndGet(count);
        drop(count);
    }

    /** Kong logs a full queue once while it stays full; here a line a minute, from a sender, never an event loop. */
    private void reportOverflow() {
        if (overflowed.get() > 0) {
            long since = fullWarnings.due(overflowed.getAndSet(0));
            if (since > 0) {
                LOG.warn("{}: queue full; {} of its oldest entries dropped since the last report", name, since);
            }
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

    private void drop(long count) {
        droppedCount.addAndGet(count);
        dropped.accept(count);
    }

    private void run() {
        List<T> batch = new ArrayList<>(Math.min(settings.maxBatchSize(), 1024));
        long[] taken = new long[1];
        while (!closing || count.get() > 0) {
            long held = 0;
            try {
                reportOverflow();
                form(batch, taken);
                held = taken[0];
                sending.addAndGet(held);
                if (!batch.isEmpty()) {
                    deliver(batch);
                }
            } catch (InterruptedException e) {
                // stopped while forming or sending (closing ran out of time): what it held is lost, and counted
                drop(batch.size());
                if (!closing) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } catch (RuntimeException e) {
                LOG.error("{}: a batch could not be prepared; {} entries dropped", name, batch.size(), e);
                drop(batch.size());
            } finally {
                sending.addAndGet(-held);
                bytes.addAndGet(-taken[0]);
                taken[0] = 0;
                batch.clear();
            }
        }
    }

    /**
     * Takes the next batch into {@code batch} (empty when none came within a while), and the bytes its
     * entries were offered with into {@code taken[0]}.
     */
    private void form(List<T> batch, long[] taken) throws InterruptedException {
        forming.lockInterruptibly();
        try {
            long delay = (long) (settings.maxCoalescingDelay() * 1e9);
            long looked = System.nanoTime();
            // closing: what is left is taken at once, so that no sender waits out an empty queue in turn
            Held<T> first = take();
            if (first == null && !closing) {
                // a nap first, counted in the delay: under steady traffic the next entry comes within it,
                // and no event loop has to wake this thread (a wake-up is a system call on the loop)
                LockSupport.parkNanos(this, Math.min(NAP_NANOS, delay));
                first = take();
            }
            if (first == null && !closing) {
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
            for (Held<T> next; batch.size() < settings.maxBatchSize() && (next = queue.poll()) != null; more++) {
                batch.add(next.entry());
                taken[0] += next.bytes();
            }
            count.addAndGet(-more);
        } finally {
            former.set(null);
            forming.unlock();
        }
    }

    private Held<T> take() {
        Held<T> entry = queue.poll();
        if (entry != null) {
            count.decrementAndGet();
        }
        return entry;
    }

    /** Sleeps until {@code target} entries are queued, the deadline passes or the outbox closes. */
    private void sleepUntil(int target, long deadline) throws InterruptedException {
        wanted = target;
        while (!closing && count.get() < target) {
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
        wanted = Math.min(overdue, Math.max(target, settings.maxEntries() / 2));
        long since = System.nanoTime();
        int had = count.get();
        while (!closing && count.get() < target) {
            long now = System.nanoTime();
            int queued = count.get();
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
                wanted = target;
                sleep = deadline - now;
            }
            if (!nap(target, Math.min(deadline - now, sleep))) {
                break;
            }
        }
        int arrived = count.get() - had;
        if (arrived > 0) {
            nanosPerEntry = (System.nanoTime() - since) / arrived;
        }
    }

    /** One sleep of at most {@code nanos}, woken by a producer at {@code wanted}; false when there is none left. */
    private boolean nap(int target, long nanos) throws InterruptedException {
        former.set(Thread.currentThread());
        // checked again once published: an entry queued before it would not have woken us
        if (count.get() >= target || nanos <= 0) {
            return false;
        }
        LockSupport.parkNanos(this, nanos);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return true;
    }

    /**
     * Kong's schedule ({@code kong/tools/queue.lua}): after a failed try the batch is given up when more
     * than {@code max_retry_time} has passed since its first, else tried again after
     * {@code initial_retry_delay * 2^retries}, at most {@code max_retry_delay} (with Kong's defaults the
     * last try comes about 82 s after the first). A {@code max_retry_time} of 0 or less tries it once.
     */
    private void deliver(List<T> batch) throws InterruptedException {
        long started = clock.nanoTime();
        for (int attempt = 0; ; attempt++) {
            try {
                sender.send(batch, attempt);
                return;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                long elapsed = clock.nanoTime() - started;
                if (closing || settings.maxRetryTime() <= 0 || elapsed > settings.maxRetryTime() * 1e9) {
                    drop(batch.size());
                    long since = dropWarnings.due(batch.size());
                    if (since > 0) {
                        LOG.warn("{}: could not deliver ({}); {} entries dropped since the last report", name,
                                reason(e), since);
                    }
                    return;
                }
                double delay = Math.min(settings.maxRetryDelay(), settings.initialRetryDelay() * Math.pow(2, attempt));
                LOG.debug("{}: delivery failed ({}); retrying in {} s", name, reason(e), delay);
                long due = clock.nanoTime() + (long) (delay * 1e9);
                for (long left; !closing && (left = due - clock.nanoTime()) > 0; ) {
                    clock.sleep(left);
                }
            }
        }
    }

    /** Why a delivery failed, in the sender's words (a future's failure is its cause's). */
    private static String reason(Exception e) {
        Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }

    /**
     * An entry and its size as offered: given back when it leaves, not asked again on the sender's thread,
     * where the texts it sums (an exchange's headers) are another core's and each read is a cache miss (a
     * fifth of http-log's sender).
     */
    private record Held<T>(T entry, int bytes) {
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
    }

    @Override
    public void close() {
        close(2_000);
    }
}
