package dev.toolgate.cluster;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.VerboseResult;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.RemoteAsyncBucketBuilder;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.lettuce.core.RedisCommandTimeoutException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntSupplier;

/**
 * Counters in Redis, shared by every instance (Kong's {@code redis} policy): Bucket4j's buckets,
 * updated by compare-and-swap. Each event loop counts through its own Redis connection with its own
 * bucket handles ({@link RedisLink#lane()}), so counting never leaves the request's thread (the bound
 * on handles held, {@link BucketCounters#MAX_KEYS}, is the instance's: shared out among the loops of every Redis
 * configuration it counts in); concurrent requests of one key on a
 * loop are batched into one update. Kong's {@code sync_rate} is not followed: every count goes to
 * Redis. Bucket4j's delaying optimization, which would keep counts here between writes, gives each
 * handle its own copy of the bucket, and one instance admitted 33 calls of a limit of 4.
 */
public final class RedisCounters implements Counters {

    private static final String PREFIX = "toolgate:ratelimit:";

    private final RedisLink link;
    private final InstantSource clock;
    private final AtomicReferenceArray<Lane> lanes;
    /** How many Redis configurations the instance counts in now, this one included: they share the bound. */
    private final IntSupplier counters;

    /**
     * @param counters how many {@code RedisCounters} the instance holds now (all share {@link BucketCounters#MAX_KEYS})
     */
    public RedisCounters(RedisLink link, InstantSource clock, IntSupplier counters) {
        this.link = link;
        this.clock = clock;
        this.lanes = new AtomicReferenceArray<>(link.laneCount());
        this.counters = counters;
    }

    /** How many event loops count here, each with its own table. */
    int laneCount() {
        return link.laneCount();
    }

    /** The most handles each event loop's table holds now: together, all tables of all Redis hold the bound. */
    int laneBound() {
        return BucketCounters.perLane(link.laneCount(), Math.max(1, counters.getAsInt()));
    }

    @Override
    public Future<Usage> hit(String key, Windows windows) {
        Lane lane = lanes.get(link.lane());
        return lane != null ? bounded(lane.hit(key, windows)) : opened().compose(l -> bounded(l.hit(key, windows)));
    }

    /**
     * The count, failed once {@code read_timeout} has passed since it began. Bucket4j batches a key's
     * concurrent counts on a lane: a count that arrives while a batch is in flight waits for it, then sends
     * its own, so with a stalled Redis each would wait two timeouts (and one request a month's and a
     * year's bucket more); the documented bound is one. Opening the lane's connection is bounded apart, by
     * {@code connect_timeout}.
     */
    private <T> Future<T> bounded(Future<T> count) {
        Context context = Vertx.currentContext();
        if (context == null || count.isComplete()) {
            return count;
        }
        int timeout = Math.max(1, link.settings().readTimeout());
        Promise<T> answer = Promise.promise();
        long timer = context.owner().setTimer(timeout, id -> answer.tryFail(
                new RedisCommandTimeoutException("Redis did not count in " + timeout + " ms")));
        count.onComplete(result -> {
            context.owner().cancelTimer(timer);
            if (result.succeeded()) {
                answer.tryComplete(result.result());
            } else {
                answer.tryFail(result.cause());
            }
        });
        return answer.future();
    }

    @Override
    public Future<Void> giveBack(String key, Usage counted) {
        Lane lane = lanes.get(link.lane());
        return lane != null ? lane.giveBack(key, counted) : opened().compose(l -> l.giveBack(key, counted));
    }

    /** This event loop's bucket handles, opened now: its first count. */
    private Future<Lane> opened() {
        int index = link.lane();
        return RedisLink.onContext(link.buckets(index, BucketCounters.timeMeter(clock)), Vertx.currentContext())
                .map(manager -> {
                    lanes.compareAndSet(index, null, new Lane(index, manager));
                    return lanes.get(index);
                });
    }

    /** Forgets the handles of keys whose every window has been reset. */
    public void sweep(long now) {
        for (int i = 0; i < lanes.length(); i++) {
            Lane lane = lanes.get(i);
            if (lane != null) {
                lane.sweep(now);
            }
        }
    }

    /** The bucket handles of one lane. */
    private final class Lane extends BucketCounters<AsyncBucketProxy> {

        private final int index;
        private final AsyncProxyManager<byte[]> buckets;

        Lane(int index, AsyncProxyManager<byte[]> buckets) {
            super(RedisCounters.this.clock, RedisCounters.this::laneBound);
            this.index = index;
            this.buckets = buckets;
        }

        @Override
        protected AsyncBucketProxy open(String key, BucketPlan.Bucket plan) {
            BucketConfiguration config = plan.config();
            RemoteAsyncBucketBuilder<byte[]> builder = buckets.builder().withOptimization(Optimizations.batching());
            return builder.build((PREFIX + key).getBytes(StandardCharsets.UTF_8),
                    () -> CompletableFuture.completedFuture(config));
        }

        @Override
        protected Slot slot(AsyncBucketProxy bucket) {
            Context context = Vertx.currentContext();
            return new Slot() {
                @Override
                public Future<VerboseResult<ConsumptionProbe>> take() {
                    return RedisLink.onContext(link.watched(index, bucket.asVerbose().tryConsumeAndReturnRemaining(1)),
                            context);
                }

                @Override
                public Future<Void> giveBack() {
                    return RedisLink.onContext(link.watched(index, bucket.addTokens(1)), context);
                }

                @Override
                public Future<long[]> available() {
                    return RedisLink.onContext(link.watched(index, bucket.asVerbose().getAvailableTokens()), context)
                            .map(r -> r.getDiagnostics().getAvailableTokensPerEachBandwidth());
                }
            };
        }
    }
}
