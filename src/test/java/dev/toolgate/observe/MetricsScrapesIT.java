package dev.toolgate.observe;

import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /metrics} under many scrapers at once, over real HTTP on the admin and the status listener: a
 * collector the test holds keeps the first rendering under way until every scrape has asked, so that sharing
 * is seen without relying on timing.
 */
@Timeout(90)
class MetricsScrapesIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final int SCRAPES = 24;
    /** A sample line of the text format: name, labels, value, optional timestamp. */
    private static final Pattern SAMPLE = Pattern.compile(
            "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{.*})? ([-+]?[0-9][0-9.eE+-]*|[-+]?Inf|NaN)( -?[0-9]+)?");

    @Test
    void scrapesArrivingWhileARenderingIsUnderWayShareItAndEachGetsTheWholeTextWhileToolCallsAreAnswered()
            throws Exception {
        try (RestUpstream api = new RestUpstream().json("GET /one", 200, "{\"one\":1}");
             TestGateway gateway = TestGateway.withStatusListener(api.oneToolRoute())) {
            Exposition exposition = gateway.gateway().telemetry().exposition();
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger collected = new AtomicInteger();
            gateway.gateway().telemetry().registry().register(() -> {
                int rendering = collected.incrementAndGet();
                held(release);
                return GaugeSnapshot.builder().name("test_rendering").help("which rendering this is")
                        .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(rendering).build()).build();
            });

            List<CompletableFuture<HttpResponse<String>>> scrapes = new ArrayList<>();
            scrapes.add(scrape(gateway.admin("/metrics")));
            await().atMost(Duration.ofSeconds(10)).until(() -> collected.get() == 1);
            for (int i = 1; i < SCRAPES; i++) {
                scrapes.add(scrape(i % 2 == 0 ? gateway.admin("/metrics") : gateway.status("/metrics")));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> exposition.asked() == SCRAPES);
            McpHttp client = new McpHttp(gateway.proxy("/mcp"));
            client.initialize("2025-06-18");
            assertThat(client.call("one", "{}").at("/content/0/text").asText()).isEqualTo("{\"one\":1}");
            release.countDown();

            List<String> bodies = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> scrape : scrapes) {
                HttpResponse<String> answer = scrape.get(30, TimeUnit.SECONDS);
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                bodies.add(answer.body());
            }
            assertThat(collected).hasValue(1);
            assertThat(exposition.renderings()).isEqualTo(1);
            assertThat(bodies).allSatisfy(MetricsScrapesIT::assertWholeExposition)
                    .allSatisfy(body -> assertThat(body).contains("\ntest_rendering 1.0\n"));
            assertThat(bodies.stream().distinct()).hasSize(1);
            // a scrape after the shared rendering has ended renders anew
            assertThat(scrape(gateway.status("/metrics")).get(30, TimeUnit.SECONDS).body())
                    .contains("\ntest_rendering 2.0\n");
        }
    }

    private static void held(CountDownLatch release) {
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static CompletableFuture<HttpResponse<String>> scrape(URI uri) {
        return HTTP.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The text format, whole: every line a comment or a sample, the last one ended, the JVM's families in. */
    private static void assertWholeExposition(String body) {
        assertThat(body).endsWith("\n").contains("# TYPE jvm_memory_used_bytes gauge")
                .contains("# TYPE process_cpu_seconds_total counter");
        for (String line : body.split("\n")) {
            assertThat(line.startsWith("# HELP ") || line.startsWith("# TYPE ") || SAMPLE.matcher(line).matches())
                    .as(line).isTrue();
        }
    }
}
