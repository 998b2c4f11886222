package dev.toolgate.observe.prometheus;

import dev.toolgate.observe.ExchangeEvent;
import dev.toolgate.observe.LabelBounds;
import dev.toolgate.observe.McpEvent;
import dev.toolgate.observe.Origin;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PrometheusSinkTest {

    static final PrometheusConfig AI_METRICS = new PrometheusConfig(false, false, false, false, false, true, false);

    static final Origin ORIGIN = new Origin(new Origin.RouteFacts("r-1", "mcp-route", "s-1", "mcp-service",
            "passthrough-listener", true, false, false), null, null, null, "127.0.0.1", "localhost", "http");

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final KongMetrics metrics = new KongMetrics(registry);

    @Test
    void aToolNameFloodPastTheBoundLandsInOtherAndARebuiltSinkDoesNotAdmitAnotherBoundsWorth() throws IOException {
        PrometheusSink before = new PrometheusSink(AI_METRICS, metrics);
        for (int i = 0; i < 1000; i++) {
            before.message(answered("1", "tools/call", "flood-" + i));
        }
        before.message(answered("1", "tools/call", "one-too-many"));

        // a configuration reload builds new sinks over the same metrics
        PrometheusSink after = new PrometheusSink(AI_METRICS, metrics);
        after.message(answered("1", "tools/call", "after-reload"));

        String scraped = scrape();
        assertThat(scraped).contains("tool_name=\"flood-999\"").contains("tool_name=\"" + LabelBounds.OTHER + "\"")
                .doesNotContain("one-too-many").doesNotContain("after-reload");
    }

    static final PrometheusConfig HTTP_METRICS = new PrometheusConfig(false, true, true, true, false, false, false);

    @Test
    void anAnswerFromTheServiceIsLabelledSourceServiceAndTheGatewaysOwnSourceKongAsKongsExporterDoes()
            throws IOException {
        PrometheusSink sink = new PrometheusSink(HTTP_METRICS, metrics);
        sink.exchange(exchange(200, 120, 5_000_000));
        sink.exchange(exchange(401, 0, -1));

        String scraped = scrape();
        assertThat(scraped).contains("code=\"200\"").contains("source=\"service\"").contains("source=\"kong\"")
                .doesNotContain("source=\"upstream\"");
        assertThat(line(scraped, "kong_http_requests_total{", "code=\"401\"")).contains("source=\"kong\"");
    }

    @Test
    void latencyHistogramsHaveKong3sBucketsKongLatencyUpTo1000AndUpstreamAndRequestFrom25To60000() throws IOException {
        new PrometheusSink(HTTP_METRICS, metrics).exchange(exchange(200, 120, 5_000_000));

        String scraped = scrape();
        assertThat(line(scraped, "kong_kong_latency_ms_bucket{", "le=\"750.0\"")).isNotEmpty();
        assertThat(line(scraped, "kong_kong_latency_ms_bucket{", "le=\"2000.0\"")).isEmpty();
        for (String histogram : new String[]{"kong_upstream_latency_ms_bucket{", "kong_request_latency_ms_bucket{"}) {
            assertThat(line(scraped, histogram, "le=\"250.0\"")).as(histogram).isNotEmpty();
            assertThat(line(scraped, histogram, "le=\"700.0\"")).as(histogram).isNotEmpty();
            assertThat(line(scraped, histogram, "le=\"1.0\"")).as(histogram).isEmpty();
        }
    }

    @Test
    void aRequestRefusedBeforeItsBodyWasReadAddsNoIngressSeriesAtZero() throws IOException {
        PrometheusSink sink = new PrometheusSink(HTTP_METRICS, metrics);
        sink.exchange(exchange(401, 0, -1));

        String scraped = scrape();
        assertThat(line(scraped, "kong_bandwidth_bytes{", "direction=\"ingress\"")).isEmpty();
        assertThat(line(scraped, "kong_bandwidth_bytes{", "direction=\"egress\"")).endsWith(" 40.0");

        sink.exchange(exchange(200, 120, 5_000_000));
        assertThat(line(scrape(), "kong_bandwidth_bytes{", "direction=\"ingress\"")).endsWith(" 120.0");
    }

    /** An exchange of 40 response bytes; {@code upstreamNanos} -1 when the gateway answered itself. */
    private static ExchangeEvent exchange(int status, long requestBytes, long upstreamNanos) {
        return new ExchangeEvent(ORIGIN, 1_700_000_000_000L, "POST", "/mcp", "http://gw/mcp", requestBytes, Map.of(),
                status, 40, Map.of(), 7_000_000, upstreamNanos, upstreamNanos < 0 ? 0 : status, null, List.of(), List.of());
    }

    /** The scraped line of {@code metric} that holds {@code label}, or "" when none does. */
    private static String line(String scraped, String metric, String label) {
        return scraped.lines().filter(l -> l.startsWith(metric) && l.contains(label)).findFirst().orElse("");
    }

    /** A request answered without a JSON-RPC error. */
    private static McpEvent answered(String id, String method, String tool) {
        return new McpEvent(ORIGIN, 0, "session", id, method, tool, null, 1_000, -1, 0, 200, null, null, 10, 10, null, null,
                false, false, null, null, null, null, null);
    }

    private String scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }
}
