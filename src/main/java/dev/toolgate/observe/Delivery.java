package dev.toolgate.observe;

import dev.toolgate.logging.LogThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The work of an {@link Outbox}'s sender threads, each running {@link #run}: take a batch
 * ({@link BatchForming}), send it, retrying by Kong's schedule, and give back the room it held. Apart from
 * the outbox because it runs on the sink's own threads only, where blocking and retrying are fine; the
 * outbox keeps what event loops run.
 *
 * @param <T> what is queued
 */
final class Delivery<T> {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    private final Outbox<T> outbox;
    private final String name;
    private final QueueSettings settings;
    private final Outbox.Sender<T> sender;
    private final Outbox.RetryClock clock;
    private final BatchForming<T> batches;
    private final QueueWarnings warnings;
    /** When a failed delivery is logged: a dead destination gets a line a minute, not one a batch. */
    private final LogThrottle dropWarnings = new LogThrottle(Duration.ofMinutes(1), LogThrottle::monotonicMillis);

    Delivery(Outbox<T> outbox, String name, QueueSettings settings, Outbox.Sender<T> sender, Outbox.RetryClock clock,
             QueueWarnings warnings) {
        this.outbox = outbox;
        this.name = name;
        this.settings = settings;
        this.sender = sender;
        this.clock = clock;
        this.batches = new BatchForming<>(outbox, settings);
        this.warnings = warnings;
    }

    /** A sender thread: batch after batch until the outbox closes and nothing is left. */
    void run() {
        List<T> batch = new ArrayList<>(Math.min(settings.maxBatchSize(), 1024));
        long[] taken = new long[1];
        while (!outbox.closing || outbox.count.get() > 0) {
            long held = 0;
            try {
                warnings.report();
                batches.form(batch, taken);
                held = taken[0];
                outbox.sending.addAndGet(held);
                if (!batch.isEmpty()) {
                    deliver(batch);
                }
            } catch (InterruptedException e) {
                // stopped while forming or sending (closing ran out of time): what it held is lost, and counted
                outbox.drop(batch.size());
                if (!outbox.closing) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } catch (RuntimeException e) {
                LOG.error("{}: a batch could not be prepared; {} entries dropped", name, batch.size(), e);
                outbox.drop(batch.size());
            } finally {
                outbox.sending.addAndGet(-held);
                outbox.released(taken[0]);
                taken[0] = 0;
                batch.clear();
            }
        }
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
                if (outbox.closing || settings.maxRetryTime() <= 0 || elapsed > settings.maxRetryTime() * 1e9) {
                    outbox.drop(batch.size());
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
                for (long left; !outbox.closing && (left = due - clock.nanoTime()) > 0; ) {
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
}
