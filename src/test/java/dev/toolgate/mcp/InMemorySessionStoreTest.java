package dev.toolgate.mcp;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Sessions held in this process, expiring after a sliding idle time. */
class InMemorySessionStoreTest {

    /** A clock the test moves by hand. */
    private static final class FakeClock implements InstantSource {
        private Instant now = Instant.parse("2026-11-24T10:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }
    }

    private final FakeClock clock = new FakeClock();
    private final InMemorySessionStore store = new InMemorySessionStore(clock);

    private static Session session(String id) {
        return new Session(id, "route-1", "2025-06-18", "inspector", "1.0", 0);
    }

    @Test
    void sessionIsFoundUntilItsIdleTimeRunsOut() {
        store.create(session("s1"), 60);

        clock.advance(Duration.ofSeconds(59));
        assertThat(store.find("s1")).contains(session("s1"));

        clock.advance(Duration.ofSeconds(60));
        assertThat(store.find("s1")).isEmpty();
        assertThat(store.size()).isZero();
    }

    @Test
    void everyFindPushesTheDeadlineOut() {
        store.create(session("s1"), 60);

        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofSeconds(50));
            assertThat(store.find("s1")).as("after %d idle periods of 50s", i + 1).isPresent();
        }
        clock.advance(Duration.ofSeconds(60));
        assertThat(store.find("s1")).isEmpty();
    }

    @Test
    void sessionExpiresExactlyAtItsDeadline() {
        store.create(session("s1"), 60);

        clock.advance(Duration.ofMillis(59_999));
        assertThat(store.evictExpired()).isZero();
        clock.advance(Duration.ofMillis(1));
        assertThat(store.evictExpired()).isOne();
    }

    @Test
    void evictExpiredDropsOnlyIdleSessionsAndCountsThem() {
        store.create(session("short"), 10);
        store.create(session("long"), 100);
        store.create(session("used"), 10);

        clock.advance(Duration.ofSeconds(9));
        store.find("used");
        clock.advance(Duration.ofSeconds(2));

        assertThat(store.evictExpired()).isEqualTo(1);
        assertThat(store.size()).isEqualTo(2);
        assertThat(store.find("short")).isEmpty();
        assertThat(store.find("used")).isPresent();
    }

    @Test
    void removedSessionIsGoneAndRemovingTwiceSaysSo() {
        store.create(session("s1"), 60);

        assertThat(store.remove("s1")).isTrue();
        assertThat(store.remove("s1")).isFalse();
        assertThat(store.find("s1")).isEmpty();
    }

    @Test
    void unknownSessionIsNotFound() {
        assertThat(store.find("nope")).isEmpty();
        assertThat(store.remove("nope")).isFalse();
    }
}
