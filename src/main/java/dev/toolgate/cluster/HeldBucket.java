package dev.toolgate.cluster;

import io.vertx.core.Future;

/**
 * A bucket handle kept for a key's window, with the limit its bucket counts to. A reload may change
 * that limit while the key's count goes on (the key names the window, not the limit), so before a
 * count the bucket is given the planned limit, keeping what was used ({@link BucketCounters#carry}).
 *
 * @param <B> the kind of bucket (one in this process, or a handle on one in Redis)
 */
final class HeldBucket<B> {

    /** A limit not known yet: the bucket is read before it is counted in. */
    static final long UNKNOWN = -1;

    final B bucket;
    /** When every window of the bucket has been reset since it was opened: it may be forgotten then. */
    final long endsAt;
    /** Whether it was used since eviction last passed it (a second chance). */
    volatile boolean used;
    /** The limit the bucket has once {@link #ready} completes (guarded by this). */
    private long limit;
    /** Completes once the bucket counts to {@link #limit} (guarded by this). */
    private Future<Void> ready = Future.succeededFuture();

    /** @param limit the limit the bucket was opened with, or {@link #UNKNOWN} */
    HeldBucket(B bucket, long endsAt, long limit) {
        this.bucket = bucket;
        this.endsAt = endsAt;
        this.limit = limit;
    }

    /**
     * Completes once the bucket counts to the limit of {@code plan}. Changes are chained here, so that
     * requests racing a reload carry the count once; each change reads the limit the bucket has (another
     * instance may have changed it already) rather than trusting what this handle set last. A change that
     * fails (Redis down) is tried again by the next request.
     */
    synchronized Future<Void> limitedTo(BucketPlan.Bucket plan, BucketCounters<B> counters) {
        long wanted = plan.limit();
        if (limit == wanted) {
            return ready;
        }
        limit = wanted;
        ready = ready.transform(ignored -> counters.limit(bucket))
                .compose(from -> from == wanted ? Future.<Void>succeededFuture() : counters.carry(bucket, from, plan))
                .onFailure(e -> forget(wanted));
        return ready;
    }

    private synchronized void forget(long failed) {
        if (limit == failed) {
            limit = UNKNOWN;
        }
    }
}
