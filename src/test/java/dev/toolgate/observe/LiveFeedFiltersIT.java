package dev.toolgate.observe;

import dev.toolgate.testing.LiveFeed;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live page's filters as the gateway applies them: a page watching a quiet route gets every one of its
 * messages while another route is busy, and nothing of the busy one (the feed's per-tick cap counts matches).
 */
@Timeout(60)
class LiveFeedFiltersIT {

    @Test
    void aFilteredPageGetsEveryCallOfAQuietRouteWhileAnotherIsBusy() throws Exception {
        try (RestUpstream upstream = new RestUpstream().json("POST /mcp", 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
             TestGateway gateway = TestGateway.start("""
                     _format_version: "3.0"
                     services:
                       - name: api
                         url: %s/mcp
                         routes:
                           - name: busy
                             paths: [/busy]
                             plugins:
                               - {name: ai-mcp-proxy, config: {mode: passthrough-listener}}
                           - name: quiet
                             paths: [/quiet]
                             plugins:
                               - {name: ai-mcp-proxy, config: {mode: passthrough-listener}}
                     """.formatted(upstream.url()))) {
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> busy = new ArrayList<>();
            // busier than the 800 a second an unfiltered page is sent, within the 2,048 a second the ring keeps
            // (512 each 250 ms tick)
            for (int i = 0; i < 3; i++) {
                busy.add(Thread.ofPlatform().daemon().start(() -> {
                    McpHttp client = new McpHttp(gateway.proxy("/busy"));
                    while (running.get()) {
                        client.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
                        try {
                            Thread.sleep(2);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }));
            }
            CompletableFuture<List<String>> page = CompletableFuture.supplyAsync(() -> LiveFeed.lines(gateway,
                    "/dashboard/events?route=quiet", Map.of(), Duration.ofSeconds(6)));
            Thread.sleep(1_500);
            McpHttp quiet = new McpHttp(gateway.proxy("/quiet"));
            for (int id = 101; id <= 110; id++) {
                assertThat(quiet.post("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\"}").status()).isEqualTo(200);
                Thread.sleep(100);
            }
            List<String> lines = page.get(20, java.util.concurrent.TimeUnit.SECONDS);
            running.set(false);
            for (Thread t : busy) {
                t.join(5_000);
            }

            List<String> events = lines.stream().filter(l -> l.startsWith("data: {")).toList();
            assertThat(events).as("only the quiet route's messages").isNotEmpty()
                    .allMatch(l -> l.contains("\"route\":\"quiet\""));
            assertThat(events.stream().map(l -> l.replaceAll(".*\"id\":\"(\\d+)\".*", "$1")))
                    .as("every call of the quiet route").containsSequence("101", "102", "103", "104", "105", "106",
                            "107", "108", "109", "110");
        }
    }
}
