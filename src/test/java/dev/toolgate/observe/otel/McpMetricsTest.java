package dev.toolgate.observe.otel;

import dev.toolgate.observe.McpEvent;
import dev.toolgate.observe.Origin;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class McpMetricsTest {

    private static final OpenTelemetryConfig.Metrics SETTINGS = new OpenTelemetryConfig.Metrics(null, true, true,
            true, false, false, false, 60);

    private final Reader reader = new Reader();
    private final SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build();
    private final McpMetrics metrics = new McpMetrics(provider.get("dev.toolgate"), SETTINGS);

    @AfterEach
    void shutDown() {
        provider.close();
    }

    private static McpEvent call(String routeName, String serviceName) {
        Origin origin = new Origin(new Origin.RouteFacts("r1", routeName, "s1", serviceName, "conversion-listener", true,
                false, false), null, null, null, "127.0.0.1", "127.0.0.1:8000", "2025-06-18");
        return new McpEvent(origin, 1_700_000_000_000L, "session-1", "7", "tools/call", "getWidget", null, 900_000, 400_000,
                200_000, 200, serviceName, "127.0.0.1:8081", 120, 300, null, null, false, false, null, null, null, null, null);
    }

    @Test
    void aRouteRenamedOrMovedToAnotherServiceByAReloadIsLabelledWithItsNewNames() {
        // the same route (its id r1) before and after a reload that kept the plugin's exporters
        metrics.record(call("widgets-mcp", "widgets"));
        metrics.record(call("gadgets-mcp", "gadgets"));

        // the two metrics whose attribute sets are kept from one message to the next
        for (String name : List.of("mcp.server.operation.duration", "kong.gen_ai.mcp.response.size")) {
            List<Attributes> series = reader.collect().stream().filter(m -> m.getName().equals(name))
                    .flatMap(m -> m.getData().getPoints().stream()).map(PointData::getAttributes).toList();
            assertThat(series).as(name).extracting(a -> a.get(AttributeKey.stringKey("kong.route.name")) + " -> "
                            + a.get(AttributeKey.stringKey("kong.service.name")))
                    .containsExactlyInAnyOrder("widgets-mcp -> widgets", "gadgets-mcp -> gadgets");
        }
    }

    @Test
    void aJsonRpcErrorHasTheSameErrorTypeTheConventionsGiveItOnTheDurationAndTheErrorCount() {
        McpEvent base = call("widgets-mcp", "widgets");
        McpEvent refused = new McpEvent(base.origin(), base.startedAtMillis(), "session-1", "8", "tools/call",
                "getWidget", null, 900_000, -1, -1, -1, null, null, 120, 300, -32602, "Unknown tool: getWidget", false, true,
                null, null, null, null, null);
        metrics.record(refused);

        for (String name : List.of("mcp.server.operation.duration", "kong.gen_ai.mcp.request.error.count")) {
            List<String> types = reader.collect().stream().filter(m -> m.getName().equals(name))
                    .flatMap(m -> m.getData().getPoints().stream())
                    .map(p -> p.getAttributes().get(AttributeKey.stringKey("error.type"))).toList();
            assertThat(types).as(name).containsExactly("-32602");
        }
    }

    @Test
    void theResponseSizeIsCountedInByteBucketsFrom64BTo16MiBNotInTheSdksMillisecondBuckets() {
        metrics.record(call("widgets-mcp", "widgets"));

        List<List<Double>> boundaries = reader.collect().stream()
                .filter(m -> m.getName().equals("kong.gen_ai.mcp.response.size"))
                .flatMap(m -> m.getHistogramData().getPoints().stream()).map(HistogramPointData::getBoundaries).toList();
        assertThat(boundaries).containsExactly(List.of(64d, 256d, 1024d, 4096d, 16384d, 65536d, 262144d, 1048576d,
                4194304d, 16777216d));
    }

    @Test
    void aMethodNotProvenRealOrPastTheBoundIsOtherAsOnSpansNotPrometheusesOther() {
        McpEvent base = call("widgets-mcp", "widgets");
        metrics.record(new McpEvent(base.origin(), 0, "session-1", "9", "made/up", null, null, 900_000, -1, -1, -1,
                null, null, 120, 300, -32601, "Method not found", false, false, null, null, null, null, null));
        // answered without an error, each is real: past the first 100, they are counted together
        for (int i = 0; i < 101; i++) {
            metrics.record(new McpEvent(base.origin(), 0, "session-1", "10", "vendor/method-" + i, null, null, 900_000,
                    -1, -1, -1, null, null, 120, 300, null, null, false, false, null, null, null, null, null));
        }

        for (String name : List.of("mcp.server.operation.duration", "kong.gen_ai.mcp.response.size",
                "kong.gen_ai.mcp.request.error.count")) {
            List<String> methods = reader.collect().stream().filter(m -> m.getName().equals(name))
                    .flatMap(m -> m.getData().getPoints().stream())
                    .map(p -> p.getAttributes().get(AttributeKey.stringKey("mcp.method.name"))).toList();
            assertThat(methods).as(name).contains(McpSpans.OTHER_METHOD).doesNotContain("(other)", "made/up");
        }
        long counted = reader.collect().stream().filter(m -> m.getName().equals("mcp.server.operation.duration"))
                .flatMap(m -> m.getHistogramData().getPoints().stream())
                .filter(p -> McpSpans.OTHER_METHOD.equals(p.getAttributes().get(AttributeKey.stringKey("mcp.method.name"))))
                .mapToLong(HistogramPointData::getCount).sum();
        assertThat(counted).isEqualTo(2); // made/up and vendor/method-100
    }

    /** Collects on demand, as a pull exporter would. */
    private static final class Reader implements MetricReader {

        private CollectionRegistration registration = CollectionRegistration.noop();

        @Override
        public void register(CollectionRegistration registration) {
            this.registration = registration;
        }

        java.util.Collection<MetricData> collect() {
            return registration.collectAllMetrics();
        }

        @Override
        public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
            return AggregationTemporality.CUMULATIVE;
        }

        @Override
        public CompletableResultCode forceFlush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
