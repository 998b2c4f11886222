package dev.toolgate.observe;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TrafficCountersTest {

    private static TapEvent request(String method) {
        return new TapEvent("pass", null, TapEvent.Direction.CLIENT_TO_SERVER, TapEvent.Kind.REQUEST, method, "1", null,
                null, null, method.length(), -1);
    }

    @Test
    void methodNamesAsLongAsABodyAreCountedUnderTheirFirst256Characters() {
        TrafficCounters counters = new TrafficCounters();
        for (int i = 0; i < 300; i++) {
            counters.accept(request("m%03d".formatted(i) + "x".repeat(100_000)));
        }
        int longest = counters.snapshot().keySet().stream().mapToInt(String::length).max().orElseThrow();
        assertThat(longest).as("the longest /status key").isLessThanOrEqualTo("method.".length() + McpEvent.MAX_TEXT + 1);
        assertThat(counters.snapshot().get("request")).isEqualTo(300);
    }

    @Test
    void aShortMethodIsCountedUnderItsName() {
        TrafficCounters counters = new TrafficCounters();
        counters.accept(request("tools/list"));
        counters.accept(request("tools/list"));
        assertThat(counters.snapshot()).containsEntry("method.tools/list", 2L);
    }
}
