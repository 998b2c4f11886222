package dev.toolgate.observe;

import java.nio.charset.StandardCharsets;

/**
 * The trace context of one message: the trace it belongs to, the caller's span (its parent), the
 * gateway's server span and the span of the call the gateway made upstream (whose id the upstream
 * received in its {@code traceparent}).
 *
 * <p>The ids are kept as numbers: made on the event loop for every traced message and read by the trace
 * sink on a thread of its own, they are one small object to hand over instead of five strings, and
 * their hex is written only where it is sent.
 *
 * @param traceHigh      the trace id's first 64 bits
 * @param traceLow       its last 64 bits
 * @param parentSpan     the client's span, or 0 when the trace starts here (0 is no valid span id)
 * @param span           the gateway's span for the message
 * @param upstreamSpan   the gateway's span for the upstream call
 * @param sampled        the trace is recorded and exported
 * @param traceState     the client's {@code tracestate}, or null
 * @param format         the format the client's context came in, or null when the trace starts here
 */
public record TraceIds(long traceHigh, long traceLow, long parentSpan, long span, long upstreamSpan, boolean sampled,
                       String traceState, TraceFormat format) {

    private static final byte[] DIGITS = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);
    /** A version-00 {@code traceparent}, its ids and flags written over for each message. */
    private static final byte[] TRACEPARENT = "00-0123456789abcdef0123456789abcdef-0123456789abcdef-00"
            .getBytes(StandardCharsets.ISO_8859_1);

    /** The trace id: 32 lower-case hex digits. */
    public String traceId() {
        byte[] hex = new byte[32];
        write(hex, 0, traceHigh);
        write(hex, 16, traceLow);
        return new String(hex, StandardCharsets.ISO_8859_1);
    }

    /** The client's span id (16 hex digits), or null when the trace starts here. */
    public String parentSpanId() {
        return parentSpan == 0 ? null : hex(parentSpan);
    }

    /** The gateway's span id for the message, 16 hex digits. */
    public String spanId() {
        return hex(span);
    }

    /** The upstream call's span id, 16 hex digits. */
    public String upstreamSpanId() {
        return hex(upstreamSpan);
    }

    /** The {@code traceparent} the upstream receives: the upstream call's span as the parent. */
    public String upstreamTraceparent() {
        byte[] value = TRACEPARENT.clone();
        write(value, 3, traceHigh);
        write(value, 19, traceLow);
        write(value, 36, upstreamSpan);
        if (sampled) {
            value[54] = '1';
        }
        return new String(value, StandardCharsets.ISO_8859_1);
    }

    /** The value as 16 lower-case hex digits, zero-padded: a span id, or half a trace id. */
    public static String hex(long value) {
        byte[] hex = new byte[16];
        write(hex, 0, value);
        return new String(hex, StandardCharsets.ISO_8859_1);
    }

    /** The number that up to 16 hex digits (a span id, or half a trace id) write. */
    static long number(String hex) {
        return Long.parseUnsignedLong(hex, 16);
    }

    private static void write(byte[] into, int at, long value) {
        for (int i = 15; i >= 0; i--) {
            into[at + i] = DIGITS[(int) value & 0xf];
            value >>>= 4;
        }
    }
}
