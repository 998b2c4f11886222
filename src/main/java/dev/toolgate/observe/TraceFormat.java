package dev.toolgate.observe;

import com.fasterxml.jackson.annotation.JsonValue;
import io.opentelemetry.extension.trace.propagation.B3Propagator;
import io.opentelemetry.extension.trace.propagation.JaegerPropagator;
import io.opentelemetry.extension.trace.propagation.OtTracePropagator;
import io.vertx.core.MultiMap;

import java.util.List;
import java.util.function.Function;

/**
 * A trace context header format of Kong's {@code propagation} (and its older {@code header_type}), by
 * Kong's name. W3C is read and written here; B3, Jaeger and OT by the OpenTelemetry project's
 * propagators ({@link LibraryTraceHeaders}); AWS X-Ray, Google Cloud, Datadog and Instana by
 * {@link VendorTraceHeaders} (no maintained Java library for them works with this OpenTelemetry API). Where a
 * format's ids are shorter than W3C's (Datadog's 64-bit trace id), they are truncated on the way out and
 * left-padded with zeros on the way in, as Kong does.
 */
public enum TraceFormat {

    W3C("w3c", "traceparent"), B3("b3", "x-b3-traceid"), B3_SINGLE("b3-single", "b3"),
    JAEGER("jaeger", "uber-trace-id"), OT("ot", "ot-tracer-traceid"), AWS("aws", "x-amzn-trace-id"),
    GCP("gcp", "x-cloud-trace-context"), DATADOG("datadog", "x-datadog-trace-id"), INSTANA("instana", "x-instana-t"),
    /** Inject only: the format the client's context came in, else the {@code default_format}. */
    PRESERVE("preserve", null);

    /**
     * Every format a request is read for when none is named, in Kong's order of precedence. Kong's
     * {@code b3} reads both forms: its single header first ({@code preserve} then writes it back as it came).
     */
    public static final List<TraceFormat> ALL = List.of(W3C, B3_SINGLE, B3, JAEGER, OT, AWS, GCP, DATADOG, INSTANA);

    private final String kongName;
    private final String contextHeader;

    TraceFormat(String kongName, String contextHeader) {
        this.kongName = kongName;
        this.contextHeader = contextHeader;
    }

    /** The header without which a request carries no context in this format (lower case); null for preserve. */
    String contextHeader() {
        return contextHeader;
    }

    /** The name Kong's configuration uses (and the Admin API shows). */
    @JsonValue
    public String kongName() {
        return kongName;
    }

    /** The format of this Kong name, or null when Kong has none of that name. */
    public static TraceFormat of(String kongName) {
        for (TraceFormat format : values()) {
            if (format.kongName.equals(kongName)) {
                return format;
            }
        }
        return null;
    }

    /**
     * The client's trace context in this format, or null when its headers are absent or malformed.
     *
     * @param header a request header's value by name (any case), or null
     */
    Traceparent extract(Function<String, String> header) {
        return switch (this) {
            case W3C -> Traceparent.parse(header.apply(contextHeader));
            // the propagator reads either form: each is shown only its own headers
            case B3 -> LibraryTraceHeaders.extract(B3Propagator.injectingMultiHeaders(), contextHeader,
                    name -> name.equals("b3") ? null : header.apply(name));
            case B3_SINGLE -> LibraryTraceHeaders.extract(B3Propagator.injectingSingleHeader(), contextHeader,
                    name -> name.equals("b3") ? header.apply(name) : null);
            case JAEGER -> LibraryTraceHeaders.extract(JaegerPropagator.getInstance(), contextHeader, header);
            case OT -> LibraryTraceHeaders.extract(OtTracePropagator.getInstance(), contextHeader, header);
            case AWS -> VendorTraceHeaders.aws(header.apply(contextHeader));
            case GCP -> VendorTraceHeaders.gcp(header.apply(contextHeader));
            case DATADOG -> VendorTraceHeaders.datadog(header);
            case INSTANA -> VendorTraceHeaders.instana(header);
            case PRESERVE -> null;
        };
    }

    /** Writes the upstream call's context (its span as the parent) into the upstream request's headers. */
    void inject(TraceIds ids, MultiMap headers) {
        switch (this) {
            case W3C -> {
                headers.set("traceparent", ids.upstreamTraceparent());
                // W3C: a tracestate belongs to the traceparent it came with; one without it is invalid
                if (ids.traceState() != null) {
                    headers.set("tracestate", ids.traceState());
                } else {
                    headers.remove("tracestate");
                }
            }
            case B3 -> {
                // the client's parent would be stale beside the gateway's span
                headers.remove("x-b3-parentspanid");
                LibraryTraceHeaders.inject(B3Propagator.injectingMultiHeaders(), ids, headers);
            }
            case B3_SINGLE -> LibraryTraceHeaders.inject(B3Propagator.injectingSingleHeader(), ids, headers);
            case JAEGER -> LibraryTraceHeaders.inject(JaegerPropagator.getInstance(), ids, headers);
            case OT -> LibraryTraceHeaders.inject(OtTracePropagator.getInstance(), ids, headers);
            case AWS -> VendorTraceHeaders.injectAws(ids, headers);
            case GCP -> VendorTraceHeaders.injectGcp(ids, headers);
            case DATADOG -> VendorTraceHeaders.injectDatadog(ids, headers);
            case INSTANA -> VendorTraceHeaders.injectInstana(ids, headers);
            case PRESERVE -> throw new IllegalStateException("preserve names no format of its own");
        }
    }
}
