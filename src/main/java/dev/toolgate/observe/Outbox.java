package dev.toolgate.observe;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.ToIntFunction;

/**
 * Kong's log queue for one sink: entries are offered from event loops and never waited for; one
 * thread of the sink's own takes them in batches ({@code max_batch_size}, after at most
 * {@code max_coalescing_delay}) and sends them, retrying a failed batch with a doubling delay until
 * {@code max_retry_time}. When {@code max_entries} (or {@code max_bytes}) are waiting, new entries are
 * dropped and counted: a slow or dead destination never slows the gateway nor grows its memory.
 *
 * @param <T> what is queued (an event, or its serialized form)
 */
public final class Outbox<T> implements AutoCloseable {

    /** Sends one batch; blocking is fine (it runs on the outbox's thread). */
    @FunctionalInterface
    public interface Sender<T> {

        /**
         * @param attempt 0 for the first try, then 1, 2... for the retries of the same batch
         * @throws Exception when the batch was not delivered (it is retried)
         */
        void send(List<T> batch, int attempt) throws Exception;
    }

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    private static final long WARN_EVERY_NANOS = 60_000_000_000L;

    private final String name;
    private final QueueSettings settings;
    private final Sender<T> sender;
    private final ToIntFunction<T> size;
    private final LongConsumer dropped;
    private final ArrayBlockingQueue<T> queue;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong droppedCount = new AtomicLong();
    private final Thread worker;
    private volatile boolean closing;
    /** When a failed delivery was last logged: a dead destination gets a line a minute, not one a batch. */
    private long lastWarning = System.nanoTime() - WARN_EVERY_NANOS;
    private long unreported;

    /**
     * @param name    for the thread and log lines (the plugin and its path)
     * @param size    an entry's size in bytes, for {@code max_bytes} (may be {@code e -> 0} without it)
     * @param dropped told how many entries were dropped (a metric)
     */
    public Outbox(String name, QueueSettings settings, Sender<T> sender, ToIntFunction<T> size, LongConsumer dropped) {
        this.name = name;
        this.settings = settings;
        this.sender = sender;
        this.size = size;
        this.dropped = dropped;
        this.queue = new ArrayBlockingQueue<>(settings.maxEntries());
        this.worker = Thread.ofPlatform().name("outbox-" + name).daemon().start(this::run);
    }

    /** Queues an entry, or drops and counts it when the queue is full. Never blocks. */
    public void offer(T entry) {
        if (closing) {
            return;
        }
        int entryBytes = settings.maxBytes() == null ? 0 : size.applyAsInt(entry);
        if (settings.maxBytes() != null && bytes.get() + entryBytes > settings.maxBytes() || !queue.offer(entry)) {
            drop(1);
            return;
        }
        if (entryBytes > 0) {
            bytes.addAndGet(entryBytes);
        }
        // the worker holds a batch's first entry: the rest of the batch is full at one less
        if (queue.size() == settings.maxBatchSize() - 1) {
            // a full batch need not wait out the coalescing delay; one wake-up per batch, not per entry
            LockSupport.unpark(worker);
        }
    }

    /** Entries dropped so far (queue full, or retries given up). */
    public long dropped() {
        return droppedCount.get();
    }

    /** Entries waiting. */
    public int waiting() {
        return queue.size();
    }

    private void drop(long count) {
        droppedCount.addAndGet(count);
        dropped.accept(count);
    }

    private void run() {
        List<T> batch = new ArrayList<>(Math.min(settings.maxBatchSize(), 1024));
        while (!closing || !queue.isEmpty()) {
            try {
                T first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                // wait for the batch to fill without taking each entry as it comes (a wake-up per entry
                // costs more than the entry): sleep until the delay is over or a producer says it is full
                long deadline = System.nanoTime() + (long) (settings.maxCoalescingDelay() * 1e9);
                while (!closing && queue.size() + 1 < settings.maxBatchSize()) {
                    long wait = deadline - System.nanoTime();
                    if (wait <= 0) {
                        break;
                    }
                    LockSupport.parkNanos(this, wait);
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                }
                queue.drainTo(batch, settings.maxBatchSize() - 1);
                deliver(batch);
            } catch (InterruptedException e) {
                if (!closing) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } catch (RuntimeException e) {
                LOG.error("{}: a batch could not be prepared; {} entries dropped", name, batch.size(), e);
                drop(batch.size());
            } finally {
                if (settings.maxBytes() != null) {
                    batch.forEach(entry -> bytes.addAndGet(-size.applyAsInt(entry)));
                }
                batch.clear();
            }
        }
    }

    private void deliver(List<T> batch) throws InterruptedException {
        long giveUp = System.nanoTime() + (long) (settings.maxRetryTime() * 1e9);
        double delay = settings.initialRetryDelay();
        for (int attempt = 0; ; attempt++) {
            try {
                sender.send(batch, attempt);
                return;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                if (closing || System.nanoTime() + (long) (delay * 1e9) > giveUp) {
                    drop(batch.size());
                    unreported += batch.size();
                    if (System.nanoTime() - lastWarning >= WARN_EVERY_NANOS) {
                        LOG.warn("{}: could not deliver ({}); {} entries dropped since the last report", name,
                                e.getMessage(), unreported);
                        lastWarning = System.nanoTime();
                        unreported = 0;
                    }
                    return;
                }
                LOG.debug("{}: delivery failed ({}); retrying in {} s", name, e.getMessage(), delay);
                Thread.sleep((long) (delay * 1000));
                delay = Math.min(delay * 2, settings.maxRetryDelay());
            }
        }
    }

    /** Sends what is queued (a last try each), then stops the thread; waits at most {@code millis}. */
    public void close(long millis) {
        closing = true;
        LockSupport.unpark(worker);
        try {
            worker.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            worker.interrupt();
        }
    }

    @Override
    public void close() {
        close(2_000);
    }
}
