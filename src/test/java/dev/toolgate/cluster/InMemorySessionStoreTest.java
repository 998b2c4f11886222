package dev.toolgate.cluster;

import dev.toolgate.mcp.Session;
import dev.toolgate.mcp.SessionIds;
import dev.toolgate.mcp.SessionLimits;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Sessions held in this process, expiring after a sliding idle time. */
class InMemorySessionStoreTest {

    private final FakeClock clock = new FakeClock();
    private final InMemorySessionStore store = new InMemorySessionStore(clock, new SessionIds(new Random(7)));

    private Session create(long ttlSeconds) {
        return store.create(draft("route-1"), ttlSeconds, null).await();
    }

    private static Session draft(String endpoint) {
        return new Session(null, endpoint, "2025-06-18", "inspector", "1.0", null, 0, null);
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

    @Test
    void presentingASessionIdOnAnotherEndpointDoesNotKeepTheSessionAlive() {
        Session s1 = create(60);

        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(30));
            assertThat(store.find(s1.id(), "route-2").await()).isNull();
        }
        assertThat(find(s1.id())).as("idle on its own endpoint for 90 s").isNull();
    }

    @Test
    void presentingAnOwnedSessionsIdAsAnotherCallerDoesNotKeepTheSessionAlive() {
        Session owned = store.create(new Session(null, "route-1", "2025-06-18", "inspector", "1.0", null, 0, "alice"),
                60, null).await();

        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(30));
            assertThat(store.find(owned.id(), "route-1", "mallory").await()).isNull();
        }
        assertThat(store.find(owned.id(), "route-1", "alice").await()).as("idle for its owner for 90 s").isNull();
    }

    @Test
    void itsOwnerFindingASessionKeepsItAlive() {
        Session owned = store.create(new Session(null, "route-1", "2025-06-18", "inspector", "1.0", null, 0, "alice"),
                60, null).await();

        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(30));
            assertThat(store.find(owned.id(), "route-1", "alice").await()).isEqualTo(owned);
        }
    }

    @Test
    void aClientAddressAtItsCapIsRefusedUntilOneOfItsSessionsEnds() {
        InMemorySessionStore capped = new InMemorySessionStore(clock, new SessionIds(new Random(7)),
                new SessionLimits(10, 2, 3_600));
        Session first = capped.create(draft("route-1"), 60, "192.0.2.7").await();
        capped.create(draft("route-2"), 60, "192.0.2.7").await();

        assertThatThrownBy(() -> capped.create(draft("route-1"), 60, "192.0.2.7").await())
                .isInstanceOf(SessionLimits.Reached.class).hasMessageContaining("this client address");
        assertThat(capped.create(draft("route-1"), 60, "192.0.2.8").await()).isNotNull();

        capped.remove(first).await();
        assertThat(capped.create(draft("route-1"), 60, "192.0.2.7").await()).isNotNull();
        assertThat(capped.sessionsOf("192.0.2.7")).isEqualTo(2);
    }

    @Test
    void anEndpointAtItsCapIsRefusedWithoutCountingAgainstTheClient() {
        InMemorySessionStore capped = new InMemorySessionStore(clock, new SessionIds(new Random(7)),
                new SessionLimits(1, 5, 3_600));
        capped.create(draft("route-1"), 60, "192.0.2.7").await();

        assertThatThrownBy(() -> capped.create(draft("route-1"), 60, "192.0.2.7").await())
                .isInstanceOf(SessionLimits.Reached.class).hasMessageContaining("this endpoint");
        assertThat(capped.sessionsOf("192.0.2.7")).isOne();
    }

    @Test
    void theStoresIdleBoundShortensALongerSessionTtl() {
        InMemorySessionStore capped = new InMemorySessionStore(clock, new SessionIds(new Random(7)),
                new SessionLimits(10, 10, 30));
        Session s1 = capped.create(draft("route-1"), 3_600, null).await();

        clock.advance(Duration.ofSeconds(31));
        assertThat(capped.find(s1.id(), "route-1").await()).isNull();
    }

    @Test
    void endingAnEndpointDropsOnlyItsSessionsAndFreesTheirPlacesUnderTheCaps() {
        InMemorySessionStore capped = new InMemorySessionStore(clock, new SessionIds(new Random(7)),
                new SessionLimits(2, 3, 3_600));
        Session gone = capped.create(draft("route-1"), 60, "192.0.2.7").await();
        capped.create(draft("route-1"), 60, "192.0.2.7").await();
        Session kept = capped.create(draft("route-2"), 60, "192.0.2.7").await();

        assertThat(capped.endEndpoint("route-1")).isEqualTo(2);

        assertThat(capped.find(gone.id(), "route-1").await()).isNull();
        assertThat(capped.find(kept.id(), "route-2").await()).isEqualTo(kept);
        assertThat(capped.size()).isOne();
        assertThat(capped.sessionsOf("192.0.2.7")).isOne();
        capped.create(draft("route-1"), 60, "192.0.2.7").await();
        assertThat(capped.create(draft("route-1"), 60, "192.0.2.7").await()).as("the endpoint's cap freed too").isNotNull();
    }
}
