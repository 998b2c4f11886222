package dev.toolgate.observe;

/**
 * The trace context of one message: the trace it belongs to, the caller's span (its parent), the
 * gateway's server span and the span of the call the gateway made upstream (whose id the upstream
 * received in its {@code traceparent}).
 *
 * @param traceId        32 lower-case hex digits
 * @param parentSpanId   the client's span (16 hex digits), or null when the trace starts here
 * @param spanId         the gateway's span for the message
 * @param upstreamSpanId the gateway's span for the upstream call
 * @param sampled        the trace is recorded and exported
 * @param traceState     the client's {@code tracestate}, or null
 * @param format         the format the client's context came in, or null when the trace starts here
 */
public record TraceIds(String traceId, String parentSpanId, String spanId, String upstreamSpanId, boolean sampled,
                       String traceState, TraceFormat format) {

    /** The {@code traceparent} the upstream receives: the upstream call's span as the parent. */
    public String upstreamTraceparent() {
        return "00-" + traceId + "-" + upstreamSpanId + (sampled ? "-01" : "-00");
    }
}
