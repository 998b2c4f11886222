package dev.toolgate.mode.passthrough;

import dev.toolgate.cluster.FakeClock;
import dev.toolgate.cluster.InMemorySessionStore;
import dev.toolgate.mcp.SessionIds;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A round's state reads back as it was saved, absent values included, unless a reload here removed its route after
 * it was saved.
 */
class BridgeStateTest {

    private final FakeClock clock = new FakeClock();
    private final InMemorySessionStore store = new InMemorySessionStore(clock, new SessionIds(new Random(7)));

    private BridgeState roundTrip(BridgeState state) {
        String requestState = state.save(store, "route-1", clock).await();
        return BridgeState.load(store, "route-1", requestState, loaded -> true, session -> false).await();
    }

    @Test
    void aStatelessServersMissingSessionIdStaysMissingRatherThanBecomingTheWordNull() {
        BridgeState state = new BridgeState(null, "2025-06-18", "7", null, Map.of("in-1", "\"s-1\""), "caller",
                "request");

        BridgeState loaded = roundTrip(state);

        assertThat(loaded.session()).isNull();
        assertThat(loaded.lastEventId()).isNull();
        assertThat(loaded).isEqualTo(state);
    }

    @Test
    void aStatefulServersSessionAndLastEventReadBackUnchanged() {
        BridgeState state = new BridgeState("sess-1", "2025-03-26", "\"call-1\"", "ev-4", Map.of("in-1", "3"),
                "caller", "request");

        assertThat(roundTrip(state)).isEqualTo(state);
    }

    @Test
    void aRoundSavedBeforeItsRouteWasRemovedHereIsUnknownToTheRouteLoadedAgainWhereverItIsKept() {
        // the store stands for Redis or sealed ids: what this process holds is another, which the removal empties
        RemovedRoutes removed = new RemovedRoutes(new InMemorySessionStore(clock, new SessionIds(new Random(8))), clock);
        String endpoint = RemovedRoutes.bridged("route-1");
        BridgeState state = new BridgeState("sess-1", "2025-11-25", "\"call-1\"", "ev-1", Map.of("in-1", "3"),
                "caller", "request");
        String before = state.save(store, endpoint, clock).await();
        clock.advance(Duration.ofSeconds(1));

        removed.removed("route-1");
        clock.advance(Duration.ofSeconds(1));
        String after = state.save(store, endpoint, clock).await();

        assertThat(BridgeState.load(store, endpoint, before, loaded -> true, removed.predatingRemoval("route-1"))
                .await()).isNull();
        assertThat(BridgeState.load(store, endpoint, after, loaded -> true, removed.predatingRemoval("route-1"))
                .await()).isEqualTo(state);
    }
}
