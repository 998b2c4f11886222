package dev.toolgate.cluster;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.VerboseResult;
import io.github.bucket4j.local.LocalBucket;
import io.github.bucket4j.local.LocalBucketBuilder;
import io.vertx.core.Future;

import java.time.InstantSource;

/**
 * Counters in this process (Kong's {@code local} policy): one Bucket4j bucket per key and window, lock-free.
 * Owned by the gateway, not by a configuration, so that a reload keeps a plugin's counts: the key
 * names the windows, not their limits, and a changed limit carries what was used ({@link BucketCounters}).
 */
public final class LocalCounters extends BucketCounters<Bucket> {

    public LocalCounters(InstantSource clock) {
        super(clock, () -> MAX_KEYS);
    }

    @Override
    protected Bucket open(String key, BucketPlan.Bucket plan) {
        LocalBucketBuilder builder = Bucket.builder().withCustomTimePrecision(timeMeter(clock));
        for (Bandwidth bandwidth : plan.config().getBandwidths()) {
            builder.addLimit(bandwidth);
        }
        return builder.build();
    }

    @Override
    protected boolean opensWithPlannedLimit() {
        return true;
    }

    @Override
    protected Future<Long> limit(Bucket bucket) {
        return Future.succeededFuture(((LocalBucket) bucket).getConfiguration().getBandwidths()[0].getCapacity());
    }

    @Override
    protected Future<Void> carry(Bucket bucket, long from, BucketPlan.Bucket to) {
        if (from > to.limit()) {
            bucket.consumeIgnoringRateLimits(from - to.limit());
        }
        bucket.replaceConfiguration(to.config(), CARRY);
        return Future.succeededFuture();
    }

    @Override
    protected Slot slot(Bucket bucket) {
        return new Slot() {
            @Override
            public Future<VerboseResult<ConsumptionProbe>> take() {
                return Future.succeededFuture(bucket.asVerbose().tryConsumeAndReturnRemaining(1));
            }

            @Override
            public Future<Void> giveBack() {
                bucket.addTokens(1);
                return Future.succeededFuture();
            }

            @Override
            public Future<long[]> available() {
                return Future.succeededFuture(bucket.asVerbose().getAvailableTokens().getDiagnostics()
                        .getAvailableTokensPerEachBandwidth());
            }
        };
    }
}
