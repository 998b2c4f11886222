package dev.toolgate.observe.prometheus;

import dev.toolgate.observe.LabelBounds;
import dev.toolgate.observe.McpEvent;
import dev.toolgate.observe.Origin;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

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
