package dev.toolgate.observe;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

class TracingTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT = "00-" + TRACE + "-00f067aa0ba902b7-01";
    private static final Function<String, String> NO_HEADERS = name -> null;

    private static MultiMap headers(Map<String, String> values) {
        MultiMap map = MultiMap.caseInsensitiveMultiMap();
        values.forEach(map::set);
        return map;
    }

    private static Tracing tracing(double rate, List<TraceFormat> extract, List<TraceFormat> inject) {
        return new Tracing(rate, extract, inject, TraceFormat.W3C, null);
    }

    @Test
    void aTraceHeaderIsFoundWhateverTheCaseItIsSentIn() {
        TraceIds ids = Tracing.w3c(0, null).begin(null, headers(Map.of("Content-Type", "application/json",
                "TraceParent", PARENT, "TraceState", "vendor=x")));

        assertThat(ids.traceId()).isEqualTo(TRACE);
        assertThat(ids.parentSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(ids.traceState()).isEqualTo("vendor=x");
    }

    @Test
    void withoutAnyTraceHeaderEveryMessageStartsATraceOfItsOwn() {
        Tracing all = tracing(1, TraceFormat.ALL, List.of(TraceFormat.W3C));
        MultiMap none = headers(Map.of("Content-Type", "application/json", "Mcp-Session-Id", "s-1",
                "x-instana-s", "00f067aa0ba902b7", "tracestate", "vendor=x"));

        TraceIds first = all.begin(null, none);
        TraceIds second = all.begin(null, none);

        assertThat(first.parentSpanId()).isNull();
        assertThat(first.traceState()).as("a tracestate without its traceparent is not kept").isNull();
        assertThat(first.format()).isNull();
        assertThat(first.traceId()).isNotEqualTo(second.traceId());
    }

    @Test
    void aValidTraceparentIsContinued() {
        TraceIds ids = Tracing.w3c(0, null).begin(null, headers(Map.of("traceparent", PARENT, "tracestate", "vendor=x")));
        assertThat(ids.traceId()).isEqualTo(TRACE);
        assertThat(ids.parentSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(ids.sampled()).as("the client's sampled flag wins over the rate").isTrue();
        assertThat(ids.traceState()).isEqualTo("vendor=x");
        assertThat(ids.format()).isEqualTo(TraceFormat.W3C);
        assertThat(ids.upstreamTraceparent()).matches("00-" + TRACE + "-[0-9a-f]{16}-01")
                .doesNotContain(ids.spanId()).contains(ids.upstreamSpanId());
    }

    @Test
    void theTraceparentInParamsMetaWinsOverTheHeaders() {
        String meta = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        TraceIds ids = Tracing.w3c(1, null).begin(meta, headers(Map.of("traceparent", PARENT)));
        assertThat(ids.traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    }

    @Test
    void aMalformedTraceparentInParamsMetaLeavesTheValidHeaderToBeContinued() {
        for (String bad : List.of("garbage", "00-not-a-trace", "00-" + "0".repeat(32) + "-b7ad6b7169203331-01")) {
            TraceIds ids = Tracing.w3c(0, null).begin(bad, headers(Map.of("traceparent", PARENT, "tracestate", "vendor=x")));

            assertThat(ids.traceId()).as(bad).isEqualTo(TRACE);
            assertThat(ids.parentSpanId()).as(bad).isEqualTo("00f067aa0ba902b7");
            assertThat(ids.traceState()).as("the header's tracestate goes with the header's trace").isEqualTo("vendor=x");
        }
    }

    @Test
    void aVersion00TraceparentWithAnythingAfterItsFlagsStartsANewTrace() {
        // W3C: version 00 is exactly 55 characters; only a later version may carry more after a dash
        Tracing tracing = Tracing.w3c(0, null);
        for (String bad : new String[]{PARENT + "-extra", PARENT + "-", PARENT + "-01"}) {
            TraceIds ids = tracing.begin(null, headers(Map.of("traceparent", bad, "tracestate", "vendor=x")));
            assertThat(ids.parentSpanId()).as(bad).isNull();
            assertThat(ids.sampled()).as("%s: its sampled flag is not trusted", bad).isFalse();
            assertThat(ids.traceState()).as(bad).isNull();
        }
        TraceIds future = tracing.begin(null, headers(Map.of("traceparent", "01-" + TRACE + "-00f067aa0ba902b7-01-extra")));
        assertThat(future.traceId()).as("a later version is read for its known fields").isEqualTo(TRACE);
    }

    @Test
    void repeatedTracestateHeadersReachTheUpstreamAsOneList() {
        // W3C: several tracestate headers are one list, combined; none of its vendors' entries is dropped
        MultiMap sent = MultiMap.caseInsensitiveMultiMap().add("traceparent", PARENT)
                .add("tracestate", "congo=t61rcWkgMzE").add("TraceState", "rojo=00f067aa0ba902b7");

        TraceIds ids = Tracing.w3c(1, null).begin(null, sent);
        MultiMap upstream = MultiMap.caseInsensitiveMultiMap().addAll(sent);
        Tracing.w3c(1, null).inject(ids, upstream);

        assertThat(ids.traceState()).isEqualTo("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");
        assertThat(upstream.getAll("tracestate")).containsExactly("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");
    }

    @Test
    void theTracestateInParamsMetaGoesWithTheTraceparentInParamsMetaAndNotWithAnotherTrace() {
        String meta = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        Tracing tracing = Tracing.w3c(1, null);

        TraceIds continued = tracing.begin(meta, "congo=meta", headers(Map.of("traceparent", PARENT, "tracestate", "rojo=x")));
        TraceIds overHeader = tracing.begin(meta, "congo=meta", headers(Map.of("traceparent", meta, "tracestate", "rojo=x")));
        TraceIds invalidMeta = tracing.begin("00-not-a-trace", "congo=meta",
                headers(Map.of("traceparent", PARENT, "tracestate", "rojo=x")));

        assertThat(continued.traceState()).isEqualTo("congo=meta");
        assertThat(overHeader.traceState()).as("_meta's own tracestate is the one beside _meta's traceparent")
                .isEqualTo("congo=meta");
        assertThat(invalidMeta.traceId()).isEqualTo(TRACE);
        assertThat(invalidMeta.traceState()).as("the header's trace continues, with the header's tracestate")
                .isEqualTo("rojo=x");
    }

    @Test
    void aTracestateHeaderIsNotSentWithTheTraceOfParamsMetaItDidNotComeWith() {
        // W3C: a tracestate belongs to the traceparent beside it; _meta's trace is another one
        String meta = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        Tracing tracing = Tracing.w3c(1, null);

        TraceIds alone = tracing.begin(meta, headers(Map.of("tracestate", "rojo=00f067aa0ba902b7")));
        TraceIds otherTrace = tracing.begin(meta, headers(Map.of("traceparent", PARENT, "tracestate", "rojo=x")));
        TraceIds sameTrace = tracing.begin(meta, headers(Map.of("traceparent", meta, "tracestate", "rojo=x")));

        assertThat(alone.traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(alone.traceState()).as("a tracestate that came without a traceparent").isNull();
        assertThat(otherTrace.traceState()).as("a tracestate of the header's trace, not _meta's").isNull();
        assertThat(sameTrace.traceState()).as("the header's traceparent is _meta's: its tracestate goes along")
                .isEqualTo("rojo=x");
    }

    @Test
    void malformedOrZeroTraceparentsStartANewTrace() {
        Tracing tracing = Tracing.w3c(1, null);
        for (String bad : new String[]{"00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                "00-" + TRACE + "-0000000000000000-01", "ff-" + TRACE + "-00f067aa0ba902b7-01",
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", "garbage", ""}) {
            TraceIds ids = tracing.begin(null, headers(Map.of("traceparent", bad, "tracestate", "vendor=x")));
            assertThat(ids.parentSpanId()).as(bad).isNull();
            assertThat(ids.traceState()).as("a tracestate without a valid traceparent is dropped").isNull();
            assertThat(ids.traceId()).as(bad).matches("[0-9a-f]{32}").isNotEqualTo(TRACE);
        }
    }

    @Test
    void theSamplingRateDecidesForNewTracesAndAnUnsampledParentIsNotRecorded() {
        assertThat(Tracing.w3c(0, null).begin(null, NO_HEADERS).sampled()).isFalse();
        assertThat(Tracing.w3c(1, null).begin(null, NO_HEADERS).sampled()).isTrue();
        assertThat(Tracing.w3c(1, null).begin(null, headers(Map.of("traceparent", PARENT.replace("-01", "-00"))))
                .sampled()).isFalse();
        assertThat(tracing(1, List.of(), List.of(TraceFormat.W3C)).begin(null, headers(Map.of("traceparent", PARENT)))
                .parentSpanId()).as("with extraction off the client's context is ignored").isNull();
    }

    @Test
    void everyFormatWrittenUpstreamIsReadBackAsTheSameTrace() {
        TraceIds sent = Tracing.w3c(1, null).begin(null, headers(Map.of("traceparent", PARENT)));
        for (TraceFormat format : List.of(TraceFormat.W3C, TraceFormat.B3, TraceFormat.B3_SINGLE, TraceFormat.JAEGER,
                TraceFormat.OT, TraceFormat.AWS, TraceFormat.GCP, TraceFormat.DATADOG, TraceFormat.INSTANA)) {
            MultiMap upstream = MultiMap.caseInsensitiveMultiMap();
            assertThat(tracing(1, List.of(), List.of(format)).inject(sent, upstream)).isTrue();
            TraceIds received = tracing(0, List.of(format), List.of()).begin(null, upstream::get);
            String expected = format == TraceFormat.DATADOG || format == TraceFormat.OT && upstream.get("ot-tracer-traceid")
                    .length() == 16 ? "0".repeat(16) + TRACE.substring(16) : TRACE;
            assertThat(received.parentSpanId()).as(format + " " + upstream).isEqualTo(sent.upstreamSpanId());
            assertThat(received.sampled()).as(format.kongName()).isTrue();
            if (format != TraceFormat.DATADOG) {
                assertThat(received.traceId()).as(format + " " + upstream).isEqualTo(expected);
            } else {
                assertThat(received.traceId()).as("the upper half in _dd.p.tid").isEqualTo(TRACE);
            }
        }
    }

    @Test
    void theFirstExtractedFormatFoundWinsAndPreserveWritesItBack() {
        Tracing tracing = new Tracing(1, List.of(TraceFormat.JAEGER, TraceFormat.B3_SINGLE, TraceFormat.B3),
                List.of(TraceFormat.PRESERVE),
                TraceFormat.GCP, null);
        TraceIds ids = tracing.begin(null, headers(Map.of("x-b3-traceid", TRACE, "x-b3-spanid", "00f067aa0ba902b7",
                "x-b3-sampled", "1", "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")));
        assertThat(ids.traceId()).as("w3c is not read here").isEqualTo(TRACE);
        assertThat(ids.format()).isEqualTo(TraceFormat.B3);
        MultiMap upstream = MultiMap.caseInsensitiveMultiMap().set("X-B3-ParentSpanId", "1111111111111111");
        tracing.inject(ids, upstream);
        assertThat(upstream.get("x-b3-traceid")).isEqualTo(TRACE);
        assertThat(upstream.get("x-b3-spanid")).isEqualTo(ids.upstreamSpanId());
        assertThat(upstream.get("x-b3-parentspanid")).as("the client's parent is stale upstream").isNull();

        MultiMap single = MultiMap.caseInsensitiveMultiMap();
        tracing.inject(tracing.begin(null, headers(Map.of("b3", TRACE + "-00f067aa0ba902b7-1"))), single);
        assertThat(single.get("b3")).as("a single-header client gets the single header back")
                .startsWith(TRACE + "-").endsWith("-1");
        assertThat(single.get("x-b3-traceid")).isNull();

        MultiMap fresh = MultiMap.caseInsensitiveMultiMap();
        tracing.inject(tracing.begin(null, NO_HEADERS), fresh);
        assertThat(fresh.get("x-cloud-trace-context")).as("no client context: the default format")
                .matches("[0-9a-f]{32}/[0-9]+;o=1");
        assertThat(fresh.names()).containsExactly("x-cloud-trace-context");
    }

    @Test
    void vendorHeadersThatAreMalformedReadAsNoContext() {
        Tracing all = new Tracing(1, TraceFormat.ALL, List.of(), TraceFormat.W3C, null);
        for (Map<String, String> bad : List.of(Map.of("x-cloud-trace-context", "nothex/123;o=1"),
                Map.of("x-cloud-trace-context", TRACE + "/notanumber"),
                Map.of("x-cloud-trace-context", TRACE + "/0;o=1"),
                Map.of("x-datadog-trace-id", "-5", "x-datadog-parent-id", "7"),
                Map.of("x-datadog-trace-id", "99999999999999999999999", "x-datadog-parent-id", "7"),
                Map.of("x-datadog-trace-id", "12"),
                Map.of("x-instana-t", "zz", "x-instana-s", "1"),
                Map.of("x-instana-t", "1".repeat(33), "x-instana-s", "1"),
                Map.of("b3", "garbage"), Map.of("uber-trace-id", "1:2"), Map.of("x-amzn-trace-id", "Root=bad"))) {
            assertThat(all.begin(null, headers(bad)).parentSpanId()).as(bad.toString()).isNull();
        }
    }

    @Test
    void vendorHeadersAreReadAsTheirVendorsWriteThem() {
        Tracing all = new Tracing(0, TraceFormat.ALL, List.of(), TraceFormat.W3C, null);
        TraceIds gcp = all.begin(null, headers(Map.of("X-Cloud-Trace-Context", "105445aa7843bc8bf206b12000100000/1;o=0")));
        assertThat(gcp.traceId()).isEqualTo("105445aa7843bc8bf206b12000100000");
        assertThat(gcp.parentSpanId()).isEqualTo("0000000000000001");
        assertThat(gcp.sampled()).isFalse();
        TraceIds datadog = all.begin(null, headers(Map.of("x-datadog-trace-id", "18446744073709551615",
                "x-datadog-parent-id", "255", "x-datadog-sampling-priority", "2")));
        assertThat(datadog.traceId()).isEqualTo("0000000000000000ffffffffffffffff");
        assertThat(datadog.parentSpanId()).isEqualTo("00000000000000ff");
        assertThat(datadog.sampled()).isTrue();
        TraceIds instana = all.begin(null, headers(Map.of("x-instana-t", "ABC", "x-instana-s", "DEF",
                "x-instana-l", "0,correlationType=web")));
        assertThat(instana.traceId()).isEqualTo("0".repeat(29) + "abc");
        assertThat(instana.parentSpanId()).isEqualTo("0".repeat(13) + "def");
        assertThat(instana.sampled()).isFalse();
    }
}
