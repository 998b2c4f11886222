package dev.toolgate.observe;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TraceIdsTest {

    @Test
    void idsAreWrittenAsZeroPaddedLowerCaseHexWhateverTheirSign() {
        TraceIds ids = new TraceIds(0x00f0000000000001L, -1L, 0, 0xabcL, Long.MIN_VALUE, true, null, null);

        assertThat(ids.traceId()).isEqualTo("00f0000000000001ffffffffffffffff");
        assertThat(ids.spanId()).isEqualTo("0000000000000abc");
        assertThat(ids.upstreamSpanId()).isEqualTo("8000000000000000");
        assertThat(ids.parentSpanId()).as("no parent: the trace starts here").isNull();
    }

    @Test
    void theUpstreamTraceparentNamesTheUpstreamCallsSpanAndTheSampledFlag() {
        TraceIds sampled = new TraceIds(0x4bf92f3577b34da6L, 0xa3ce929d0e0e4736L, 0x00f067aa0ba902b7L, 1, 2, true, null,
                TraceFormat.W3C);
        TraceIds unsampled = new TraceIds(0x4bf92f3577b34da6L, 0xa3ce929d0e0e4736L, 0, 1, 0xffL, false, null, null);

        assertThat(sampled.upstreamTraceparent()).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000002-01");
        assertThat(sampled.parentSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(unsampled.upstreamTraceparent()).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00000000000000ff-00");
        assertThat(Traceparent.parse(unsampled.upstreamTraceparent()))
                .isEqualTo(new Traceparent(unsampled.traceId(), "00000000000000ff", false));
    }
}
