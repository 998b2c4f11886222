package dev.toolgate.cluster;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.VerboseResult;
import io.github.bucket4j.local.LocalBucketBuilder;
import io.vertx.core.Future;

import java.time.InstantSource;

/**
 * Counters in this process (Kong's {@code local} policy): one Bucket4j bucket per key, lock-free.
 * Owned by the gateway, not by a configuration, so that a reload that keeps a plugin's limits keeps
 * its counts (the key holds the limits: changed limits start fresh).
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
