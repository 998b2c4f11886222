package dev.toolgate.mode.passthrough;

import dev.toolgate.cluster.FakeClock;
import dev.toolgate.cluster.InMemorySessionStore;
import dev.toolgate.mcp.SessionIds;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** A round's state reads back as it was saved, absent values included. */
class BridgeStateTest {

    private final FakeClock clock = new FakeClock();
    private final InMemorySessionStore store = new InMemorySessionStore(clock, new SessionIds(new Random(7)));

    private BridgeState roundTrip(BridgeState state) {
        String requestState = state.save(store, "route-1", clock).await();
        return BridgeState.load(store, "route-1", requestState, loaded -> true).await();
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
}
