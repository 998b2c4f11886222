package dev.toolgate.observe;

import java.util.concurrent.ThreadLocalRandom;

/**
 * How a tracing sink wants messages traced: W3C trace context taken from the client and passed on
 * upstream, and a head sampler (Kong's {@code sampling_rate}, parent-based: a client's sampled flag
 * wins).
 *
 * @param samplingRate the share of new traces recorded, 0 to 1
 * @param extract      read the client's {@code traceparent} (else every message starts a trace)
 * @param inject       send {@code traceparent} upstream
 * @param responseHeader a response header that tells the client the trace id, or null
 */
public record Tracing(double samplingRate, boolean extract, boolean inject, String responseHeader) {

    /**
     * The trace of one message.
     *
     * @param traceparent the client's {@code traceparent} (from {@code params._meta} or the headers), or null
     * @param traceState  the client's {@code tracestate}, or null
     */
    public TraceIds begin(String traceparent, String traceState) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Traceparent parent = extract ? Traceparent.parse(traceparent) : null;
        if (parent != null) {
            return new TraceIds(parent.traceId(), parent.spanId(), spanId(random), spanId(random), parent.sampled(),
                    traceState);
        }
        String traceId = hex(random.nextLong()) + hex(random.nextLong() | 1);
        boolean sampled = samplingRate >= 1 || samplingRate > 0 && random.nextDouble() < samplingRate;
        return new TraceIds(traceId, null, spanId(random), spanId(random), sampled, null);
    }

    private static String spanId(ThreadLocalRandom random) {
        return hex(random.nextLong() | 1);
    }

    private static String hex(long value) {
        String digits = Long.toHexString(value);
        return digits.length() == 16 ? digits : "0".repeat(16 - digits.length()) + digits;
    }
}
