package dev.toolgate.observe;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TracingTest {

    private static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void aValidTraceparentIsContinued() {
        TraceIds ids = new Tracing(0, true, true, null).begin(PARENT, "vendor=x");
        assertThat(ids.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(ids.parentSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(ids.sampled()).as("the client's sampled flag wins over the rate").isTrue();
        assertThat(ids.traceState()).isEqualTo("vendor=x");
        assertThat(ids.upstreamTraceparent()).matches("00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01")
                .doesNotContain(ids.spanId()).contains(ids.upstreamSpanId());
    }

    @Test
    void malformedOrZeroTraceparentsStartANewTrace() {
        Tracing tracing = new Tracing(1, true, true, null);
        for (String bad : new String[]{"00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", "garbage", ""}) {
            TraceIds ids = tracing.begin(bad, null);
            assertThat(ids.parentSpanId()).as(bad).isNull();
            assertThat(ids.traceId()).as(bad).matches("[0-9a-f]{32}").isNotEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        }
    }

    @Test
    void theSamplingRateDecidesForNewTracesAndAnUnsampledParentIsNotRecorded() {
        assertThat(new Tracing(0, true, true, null).begin(null, null).sampled()).isFalse();
        assertThat(new Tracing(1, true, true, null).begin(null, null).sampled()).isTrue();
        assertThat(new Tracing(1, true, true, null).begin(PARENT.replace("-01", "-00"), null).sampled()).isFalse();
        assertThat(new Tracing(1, false, true, null).begin(PARENT, null).parentSpanId())
                .as("with extraction off the client's context is ignored").isNull();
    }
}
