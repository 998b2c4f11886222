package dev.toolgate.observe;

import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code toolgate_observe_dropped_total}, as the shipped Grafana panel and an {@code absent()} alert read it: each
 * configured sink's series is there from the start, at 0, not only after its first drop.
 */
@Timeout(60)
class DroppedEventsMetricIT {

    @Test
    void eachLogAndTraceSinksDroppedCountIsOnMetricsAtZeroBeforeAnythingIsDropped() throws Exception {
        Path logFile = Files.createTempDirectory("file-log").resolve("toolgate.log");
        try (RestUpstream api = new RestUpstream().json("GET /one", 200, "{}").on("POST /logs",
                     r -> r.response().setStatusCode(200).end());
             TestGateway gateway = TestGateway.start(api.oneToolRoute() + """
                     plugins:
                       - name: http-log
                         config: {http_endpoint: %s/logs}
                       - name: file-log
                         config: {path: %s}
                       - name: opentelemetry
                         config: {traces_endpoint: %s/v1/traces}
                     """.formatted(api.url(), logFile, api.url()))) {
            String metrics = new AdminHttp(gateway).get("/metrics").body();

            assertThat(metrics.lines()).contains(
                    "toolgate_observe_dropped_total{sink=\"file-log\"} 0.0",
                    "toolgate_observe_dropped_total{sink=\"http-log\"} 0.0",
                    "toolgate_observe_dropped_total{sink=\"opentelemetry\"} 0.0");
        }
    }
}
