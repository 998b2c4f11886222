package dev.toolgate.observe;

import io.vertx.core.MultiMap;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * How a tracing sink wants messages traced: the client's trace context read in the first of Kong's
 * {@code propagation.extract} formats it came in, the upstream call's written in each
 * {@code propagation.inject} format, and a head sampler (Kong's {@code sampling_rate}, parent-based: a
 * client's sampled flag wins).
 *
 * @param samplingRate   the share of new traces recorded, 0 to 1
 * @param extract        the formats read from the client, in order (the first found wins); empty: none
 *                       (every message starts a trace)
 * @param inject         the formats written upstream; {@link TraceFormat#PRESERVE} is the client's, else
 *                       {@code defaultFormat}; empty: none
 * @param defaultFormat  what {@code preserve} writes when the client sent no context
 * @param responseHeader a response header that tells the client the trace id, or null
 */
public record Tracing(double samplingRate, List<TraceFormat> extract, List<TraceFormat> inject,
                      TraceFormat defaultFormat, String responseHeader) {

    public Tracing {
        extract = List.copyOf(extract);
        inject = List.copyOf(inject);
    }

    /** W3C read and written, the format of Toolgate's tests and of most MCP clients. */
    public static Tracing w3c(double samplingRate, String responseHeader) {
        return new Tracing(samplingRate, List.of(TraceFormat.W3C), List.of(TraceFormat.W3C), TraceFormat.W3C,
                responseHeader);
    }

    /**
     * The trace of one message, the request's headers looked through once first: most clients send no
     * trace context, and a lookup of each format's header in turn cost more than one pass over them.
     *
     * @param metaTraceparent {@code params._meta.traceparent}, or null
     * @param metaTracestate  {@code params._meta.tracestate}, or null
     */
    public TraceIds begin(String metaTraceparent, String metaTracestate, MultiMap headers) {
        return metaTraceparent != null || carriesContext(headers)
                ? begin(metaTraceparent, metaTracestate, name -> value(headers, name))
                : fresh(ThreadLocalRandom.current());
    }

    /** {@link #begin(String, String, MultiMap)} for a message without {@code params._meta.tracestate}. */
    public TraceIds begin(String metaTraceparent, MultiMap headers) {
        return begin(metaTraceparent, null, headers);
    }

    /**
     * A request header's value; {@code tracestate}'s repeats joined as the one list they are (W3C: combined,
     * so that no vendor's entry is lost on the way upstream, where one header is written).
     */
    private static String value(MultiMap headers, String name) {
        if (!"tracestate".equals(name)) {
            return headers.get(name);
        }
        List<String> all = headers.getAll(name);
        return all.isEmpty() ? null : all.size() == 1 ? all.getFirst() : String.join(",", all);
    }

    /** True when a header among these is one that a format read here carries its context in. */
    private boolean carriesContext(MultiMap headers) {
        for (Map.Entry<String, String> header : headers) {
            String name = header.getKey();
            for (TraceFormat format : extract) {
                String carrier = format.contextHeader();
                if (carrier != null && carrier.length() == name.length() && carrier.equalsIgnoreCase(name)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@link #begin(String, String, Function)} for a message without {@code params._meta.tracestate}. */
    public TraceIds begin(String metaTraceparent, Function<String, String> header) {
        return begin(metaTraceparent, null, header);
    }

    /**
     * The trace of one message.
     *
     * @param metaTraceparent {@code params._meta.traceparent}, or null: when W3C is read and it is valid,
     *                        it wins over every header
     * @param metaTracestate  {@code params._meta.tracestate}, or null: read only beside a valid
     *                        {@code metaTraceparent} that is continued (W3C: a tracestate belongs to its traceparent)
     * @param header          the request's header by name (any case), or null
     */
    public TraceIds begin(String metaTraceparent, String metaTracestate, Function<String, String> header) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        // a _meta value that is not W3C's is no context: the traceparent header, if any, is the client's
        Traceparent meta = metaTraceparent == null ? null : Traceparent.parse(metaTraceparent);
        Traceparent parent = null;
        TraceFormat from = null;
        for (TraceFormat format : extract) {
            parent = format == TraceFormat.W3C && meta != null ? meta : format.extract(header);
            if (parent != null) {
                from = format;
                break;
            }
        }
        if (parent != null) {
            // W3C: a tracestate is read only beside the traceparent it belongs to: _meta's beside _meta's
            String state = from != TraceFormat.W3C ? null
                    : parent == meta && metaTracestate != null ? metaTracestate
                    : besideHeaderTrace(meta, parent, header) ? header.apply("tracestate") : null;
            String trace = parent.traceId();
            return new TraceIds(TraceIds.number(trace.substring(0, 16)), TraceIds.number(trace.substring(16)),
                    TraceIds.number(parent.spanId()), spanId(random), spanId(random), parent.sampled(), state, from);
        }
        return fresh(random);
    }

    /**
     * True when the W3C context continued is the {@code traceparent} header's, the one the {@code tracestate}
     * header came with: {@code params._meta.traceparent} names a trace of its own, and a header tracestate goes
     * along with it only when the header's traceparent is of that same trace.
     */
    private static boolean besideHeaderTrace(Traceparent meta, Traceparent continued,
                                             Function<String, String> header) {
        if (meta == null) {
            return true;
        }
        Traceparent sent = Traceparent.parse(header.apply("traceparent"));
        return sent != null && sent.traceId().equals(continued.traceId());
    }

    /** A trace that starts here, sampled at the rate. */
    private TraceIds fresh(ThreadLocalRandom random) {
        long high = random.nextLong();
        long low = random.nextLong() | 1;
        boolean sampled = samplingRate >= 1 || samplingRate > 0 && random.nextDouble() < samplingRate;
        return new TraceIds(high, low, 0, spanId(random), spanId(random), sampled, null, null);
    }

    /** True when trace context is written upstream. */
    public boolean injects() {
        return !inject.isEmpty();
    }

    /**
     * Writes the upstream call's trace context into the upstream request's headers, in each format to
     * inject; false when there is none.
     */
    public boolean inject(TraceIds ids, MultiMap headers) {
        for (TraceFormat format : inject) {
            TraceFormat written = format != TraceFormat.PRESERVE ? format
                    : ids.format() != null ? ids.format() : defaultFormat;
            written.inject(ids, headers);
        }
        return injects();
    }

    private static long spanId(ThreadLocalRandom random) {
        return random.nextLong() | 1;
    }
}
