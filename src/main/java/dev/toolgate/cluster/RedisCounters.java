package dev.toolgate.cluster;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.VerboseResult;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.RemoteAsyncBucketBuilder;
import io.github.bucket4j.distributed.proxy.optimization.DelayParameters;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Counters in Redis, shared by every instance (Kong's {@code redis} policy): Bucket4j's buckets,
 * updated by compare-and-swap. Concurrent requests of one key on this instance are batched into one
 * update. With a {@code sync_rate} of N seconds, counts are kept here and written to Redis at least
 * every N seconds (Bucket4j's delaying optimization), as Kong's {@code sync_rate} does.
 */
public final class RedisCounters extends BucketCounters<AsyncBucketProxy> {

    private static final String PREFIX = "toolgate:ratelimit:";

    private final RedisLink link;
    private final long syncRateSeconds;
    private volatile AsyncProxyManager<byte[]> buckets;

    /** @param syncRateSeconds above 0: write counts to Redis at least this often; otherwise on every request */
    public RedisCounters(RedisLink link, InstantSource clock, long syncRateSeconds) {
        super(clock);
        this.link = link;
        this.syncRateSeconds = syncRateSeconds;
    }

    @Override
    public Future<Usage> hit(String key, Windows windows) {
        if (buckets != null) {
            return super.hit(key, windows);
        }
        return RedisLink.onContext(link.buckets(timeMeter(clock)), Vertx.currentContext()).compose(manager -> {
            buckets = manager;
            return super.hit(key, windows);
        });
    }

    @Override
    protected AsyncBucketProxy open(String key, BucketPlan.Bucket plan) {
        BucketConfiguration config = plan.config();
        RemoteAsyncBucketBuilder<byte[]> builder = buckets.builder();
        builder = syncRateSeconds > 0
                ? builder.withOptimization(Optimizations.delaying(new DelayParameters(
                        config.getBandwidths()[0].getCapacity(), Duration.ofSeconds(syncRateSeconds))))
                : builder.withOptimization(Optimizations.batching());
        return builder.build((PREFIX + key).getBytes(StandardCharsets.UTF_8),
                () -> CompletableFuture.completedFuture(config));
    }

    @Override
    protected Slot slot(AsyncBucketProxy bucket) {
        Context context = Vertx.currentContext();
        return new Slot() {
            @Override
            public Future<VerboseResult<ConsumptionProbe>> take() {
                return RedisLink.onContext(bucket.asVerbose().tryConsumeAndReturnRemaining(1), context);
            }

            @Override
            public Future<Void> giveBack() {
                return RedisLink.onContext(bucket.addTokens(1), context);
            }

            @Override
            public Future<long[]> available() {
                return RedisLink.onContext(bucket.asVerbose().getAvailableTokens(), context)
                        .map(r -> r.getDiagnostics().getAvailableTokensPerEachBandwidth());
            }
        };
    }
}
