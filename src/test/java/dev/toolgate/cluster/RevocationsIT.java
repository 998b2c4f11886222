package dev.toolgate.cluster;

import dev.toolgate.config.ConfigNode;
import dev.toolgate.config.ConfigReport;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.RedisServer;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Ended sealed sessions remembered in a real redis-server, and what each instance keeps beside it. */
@Timeout(120)
class RevocationsIT {

    @Test
    void sessionsEndedThroughRedisAreNotAllKeptInThisProcessToo() throws Exception {
        // sealed sessions cost nothing to open, so initialize + DELETE in a loop must not grow the heap
        try (RedisServer redis = RedisServer.start(); RedisLinks links = new RedisLinks(null, null)) {
            FakeClock clock = new FakeClock();
            RedisSettings settings = RedisSettings.read(ConfigNode.at(Json.parse(
                    "{\"host\": \"127.0.0.1\", \"port\": " + redis.port() + "}"), "redis", new ConfigReport()));
            Revocations revocations = new Revocations(links.of(settings), clock);
            long until = clock.millis() + 3_600_000;
            int ended = Revocations.MAX_LOCAL + 2_000;
            for (int from = 0; from < ended; from += 1_000) {
                List<Future<Void>> batch = new ArrayList<>();
                for (int i = from; i < from + 1_000; i++) {
                    batch.add(revocations.revoke("session-" + i, until));
                }
                Future.all(batch).await();
            }

            assertThat(revocations.heldHere()).isLessThanOrEqualTo(Revocations.MAX_LOCAL);
            // every one of them is still ended, for this instance too: Redis says so
            assertThat(revocations.revoked("session-0").await()).isTrue();
            assertThat(revocations.revoked("session-" + (ended - 1)).await()).isTrue();
        }
    }
}
