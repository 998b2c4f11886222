package dev.toolgate.cluster;

import dev.toolgate.mcp.Session;
import dev.toolgate.mcp.SessionIds;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Sessions held in this process, expiring after a sliding idle time. */
class InMemorySessionStoreTest {

    private final FakeClock clock = new FakeClock();
    private final InMemorySessionStore store = new InMemorySessionStore(clock, new SessionIds(new Random(7)));

    private Session create(long ttlSeconds) {
        return store.create(new Session(null, "route-1", "2025-06-18", "inspector", "1.0", null, 0, null), ttlSeconds)
                .await();
    }

    private Session find(String id) {
        return store.find(id, "route-1").await();
    }

    @Test
    void sessionIsFoundUntilItsIdleTimeRunsOut() {
        Session s1 = create(60);

        clock.advance(Duration.ofSeconds(59));
        assertThat(find(s1.id())).isEqualTo(s1);

        clock.advance(Duration.ofSeconds(60));
        assertThat(find(s1.id())).isNull();
        assertThat(store.size()).isZero();
    }

    @Test
    void everyFindPushesTheDeadlineOut() {
        Session s1 = create(60);

        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofSeconds(50));
            assertThat(find(s1.id())).as("after %d idle periods of 50s", i + 1).isNotNull();
        }
        clock.advance(Duration.ofSeconds(60));
        assertThat(find(s1.id())).isNull();
    }

    @Test
    void sessionExpiresExactlyAtItsDeadline() {
        create(60);

        clock.advance(Duration.ofMillis(59_999));
        assertThat(store.evictExpired()).isZero();
        clock.advance(Duration.ofMillis(1));
        assertThat(store.evictExpired()).isOne();
    }

    @Test
    void evictExpiredDropsOnlyIdleSessionsAndCountsThem() {
        Session shortLived = create(10);
        create(100);
        Session used = create(10);

        clock.advance(Duration.ofSeconds(9));
        find(used.id());
        clock.advance(Duration.ofSeconds(2));

        assertThat(store.evictExpired()).isEqualTo(1);
        assertThat(store.size()).isEqualTo(2);
        assertThat(find(shortLived.id())).isNull();
        assertThat(find(used.id())).isNotNull();
    }

    @Test
    void removedSessionIsGone() {
        Session s1 = create(60);

        store.remove(s1).await();
        assertThat(find(s1.id())).isNull();
    }

    @Test
    void aSessionIsUnknownOnAnotherEndpointAndUnknownIdsAreNotFound() {
        Session s1 = create(60);

        assertThat(store.find(s1.id(), "route-2").await()).isNull();
        assertThat(find("nope")).isNull();
    }
}
