package dev.toolgate.cluster;

import dev.toolgate.config.ConfigNode;
import dev.toolgate.config.ConfigReport;
import dev.toolgate.mcp.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bucket handles an instance holds for Redis counting, across every event loop and every Redis configuration
 * its rate limits name, stay within one bound ({@link BucketCounters#MAX_KEYS}). No Redis is reached: the
 * counters connect on their first count only.
 */
class RedisCountersBoundTest {

    @Test
    void threeRedisConfigurationsTogetherHoldNoMoreHandlesThanOneInstancesBound() throws IOException {
        try (Cluster cluster = new Cluster(new FakeClock(), new Random(1))) {
            List<RedisCounters> counters = List.of(redis(cluster, 7001), redis(cluster, 7002), redis(cluster, 7003));
            cluster.swapped();

            long total = counters.stream().mapToLong(c -> (long) c.laneBound() * lanes(c)).sum();
            assertThat(total).isLessThanOrEqualTo(BucketCounters.MAX_KEYS)
                    .isGreaterThan(BucketCounters.MAX_KEYS - 3L * lanes(counters.getFirst()));
        }
    }

    @Test
    void aRedisLeftAloneByAReloadGetsTheWholeBoundBack() throws IOException {
        try (Cluster cluster = new Cluster(new FakeClock(), new Random(1))) {
            RedisCounters kept = redis(cluster, 7001);
            redis(cluster, 7002);
            cluster.swapped();
            int shared = kept.laneBound();

            assertThat(redis(cluster, 7001)).isSameAs(kept);
            cluster.swapped();

            assertThat(kept.laneBound()).isEqualTo(BucketCounters.perLane(lanes(kept), 1)).isGreaterThan(shared);
        }
    }

    @Test
    void theShareIsNeverZeroHoweverManyLoopsAndRedisThereAre() {
        assertThat(BucketCounters.perLane(1, 1)).isEqualTo(BucketCounters.MAX_KEYS);
        assertThat(BucketCounters.perLane(64, 4)).isEqualTo(BucketCounters.MAX_KEYS / 256);
        assertThat(BucketCounters.perLane(1_000_000, 1_000_000)).isOne();
        assertThat(BucketCounters.perLane(Integer.MAX_VALUE, Integer.MAX_VALUE)).isOne();
    }

    private static RedisCounters redis(Cluster cluster, int port) throws IOException {
        RedisSettings settings = RedisSettings.read(ConfigNode.at(Json.parse(
                "{\"host\": \"127.0.0.1\", \"port\": " + port + "}"), "redis", new ConfigReport()));
        return (RedisCounters) cluster.redis(settings);
    }

    private static int lanes(RedisCounters counters) {
        return counters.laneCount();
    }
}
