package dev.toolgate.observe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kong's {@code latencies.receive} in the log entry: the time from the upstream's answer head to its last byte, a
 * part of the {@code kong} latency as in Kong, never of {@code proxy}: an SSE answer the MCP server streams, and a
 * REST body a converted tool reads, each slow after its head.
 */
@Timeout(60)
class ReceiveLatencyIT {

    /** How long each upstream takes between its answer's head and its last byte. */
    private static final long TRICKLE_MS = 700;

    @Test
    void aPassthroughAnswerStreamedAfterItsHeadIsLoggedAsReceiveTimeNotProxyTime() throws Exception {
        Path logFile = Files.createTempDirectory("file-log").resolve("toolgate.log");
        try (RestUpstream upstream = new RestUpstream()) {
            upstream.onMessage("POST /mcp", (request, message) -> {
                HttpServerResponse response = request.response().setChunked(true)
                        .putHeader("content-type", "text/event-stream");
                response.write(": head\n\n");
                later(() -> response.end("event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":" + message.get("id")
                        + ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"slow\"}]}}\n\n"));
            });
            try (var gateway = TestGateway.start(route(upstream.url() + "/mcp", logFile, "passthrough-listener", ""))) {
                McpHttp client = new McpHttp(gateway.proxy("/logged"));
                client.sessionId("s-1");
                assertThat(client.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"slow\"}}")
                        .body()).contains("slow");

                assertReceived(logFile);
            }
        }
    }

    @Test
    void aConvertedToolsRestBodyReadAfterItsHeadIsLoggedAsReceiveTimeNotProxyTime() throws Exception {
        Path logFile = Files.createTempDirectory("file-log").resolve("toolgate.log");
        try (RestUpstream api = new RestUpstream().on("GET /slow", request -> {
            HttpServerResponse response = request.response().setChunked(true)
                    .putHeader("content-type", "application/json");
            response.write("{\"slow\":");
            later(() -> response.end("true}"));
        }); var gateway = TestGateway.start(route(api.url(), logFile, "conversion-listener", """
                              tools:
                                - {name: slow, description: Slow, method: GET, path: /slow}
                """))) {
            McpHttp client = new McpHttp(gateway.proxy("/logged"));
            client.initialize("2025-06-18");
            assertThat(client.call("slow", "{}").toString()).contains("slow");

            assertReceived(logFile);
        }
    }

    private static String route(String url, Path logFile, String mode, String tools) {
        return """
                _format_version: "3.0"
                services:
                  - name: slow
                    url: %s
                    routes:
                      - name: logged
                        paths: [/logged]
                        plugins:
                          - name: file-log
                            config: {path: %s}
                          - name: ai-mcp-proxy
                            config:
                              mode: %s
                              logging: {log_statistics: true}
                %s""".formatted(url, logFile, mode, tools);
    }

    private static void later(Runnable action) {
        Vertx.currentContext().owner().setTimer(TRICKLE_MS, id -> action.run());
    }

    private static void assertReceived(Path logFile) throws java.io.IOException {
        await().atMost(Duration.ofSeconds(20)).until(() -> UpstreamFailureLogIT.entries(logFile).stream()
                .anyMatch(ReceiveLatencyIT::toolCall));
        JsonNode latencies = UpstreamFailureLogIT.entries(logFile).stream().filter(ReceiveLatencyIT::toolCall)
                .findFirst().orElseThrow().path("latencies");
        assertThat(latencies.path("receive").asLong()).as(latencies.toString()).isGreaterThanOrEqualTo(TRICKLE_MS - 50);
        assertThat(latencies.path("proxy").asLong()).as(latencies.toString()).isBetween(0L, TRICKLE_MS - 200);
        // Kong's formula: its kong latency takes in the receive time
        assertThat(latencies.path("kong").asLong()).as(latencies.toString())
                .isGreaterThanOrEqualTo(latencies.path("receive").asLong());
    }

    private static boolean toolCall(JsonNode entry) {
        return entry.path("ai").path("mcp").path("rpc").path(0).path("method").asText().equals("tools/call");
    }
}
