package dev.toolgate.observe;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.vertx.core.MultiMap;

import java.util.List;
import java.util.function.Function;

/**
 * The OpenTelemetry propagators' formats (B3, Jaeger, OT) read from a request and written to
 * the upstream's through an OpenTelemetry context that holds nothing but the span context. Baggage
 * (Jaeger's {@code uberctx-}, OT's {@code ot-baggage-}) is not read: the gateway has no use for it, and
 * its headers pass upstream as the client sent them.
 */
final class LibraryTraceHeaders {

    /** Looks headers up by name; lists none, so that no propagator walks every header for baggage. */
    private static final TextMapGetter<Function<String, String>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Function<String, String> carrier) {
            return List.of();
        }

        @Override
        public String get(Function<String, String> carrier, String key) {
            return carrier == null ? null : carrier.apply(key);
        }
    };

    private static final TextMapSetter<MultiMap> SETTER = (headers, name, value) -> {
        if (headers != null) {
            headers.set(name, value);
        }
    };

    private LibraryTraceHeaders() {
    }

    /**
     * The client's context in the propagator's format, or null.
     *
     * @param traceIdHeader the header without which the format carries no context: looked up alone first,
     *                      since most requests carry none and the propagator's context costs several lookups
     */
    static Traceparent extract(TextMapPropagator propagator, String traceIdHeader, Function<String, String> header) {
        if (header.apply(traceIdHeader) == null) {
            return null;
        }
        SpanContext context = Span.fromContext(propagator.extract(Context.root(), header, GETTER)).getSpanContext();
        return context.isValid() ? new Traceparent(context.getTraceId(), context.getSpanId(), context.isSampled())
                : null;
    }

    static void inject(TextMapPropagator propagator, TraceIds ids, MultiMap headers) {
        SpanContext upstream = SpanContext.create(ids.traceId(), ids.upstreamSpanId(),
                ids.sampled() ? TraceFlags.getSampled() : TraceFlags.getDefault(), TraceState.getDefault());
        propagator.inject(Context.root().with(Span.wrap(upstream)), headers, SETTER);
    }
}
