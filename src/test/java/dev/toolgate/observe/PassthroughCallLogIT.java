package dev.toolgate.observe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.EverythingServer;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.ModernHttp;
import dev.toolgate.testing.RawConnection;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What file-log and Prometheus say of the calls a passthrough route carries to real MCP servers: server-everything
 * (legacy, {@code /mcp}) and the TypeScript SDK 2.x server (2026-07-28 only, {@code /modern}), each bridged for a
 * client of the other era, and a scripted server answering a batch as one JSON array ({@code /array}).
 */
@Timeout(120)
class PassthroughCallLogIT {

    static EverythingServer everything;
    static EverythingServer modern;
    static RestUpstream arrays;
    static TestGateway gateway;
    static Path logFile;

    @BeforeAll
    static void start() throws IOException {
        everything = EverythingServer.start();
        modern = EverythingServer.modernFixture(true);
        arrays = new RestUpstream().json("POST /mcp", 200, """
                [{"jsonrpc":"2.0","id":21,"result":{"content":[{"type":"text","text":"first answer"}]}},
                 {"jsonrpc":"2.0","id":22,"result":{"content":[{"type":"text","text":"second answer"}]}}]""");
        logFile = Files.createTempDirectory("file-log").resolve("toolgate.log");
        String logging = "{log_statistics: true, log_payloads: true}";
        gateway = TestGateway.start("""
                _format_version: "3.0"
                plugins:
                  - name: prometheus
                    config: {ai_metrics: true}
                  - name: file-log
                    config: {path: %s}
                services:
                  - name: everything
                    url: %s
                    routes:
                      - name: legacy-server
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener, server: {upstream_era: legacy}, logging: %s}
                  - name: modern
                    url: %s
                    routes:
                      - name: modern-server
                        paths: [/modern]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener, server: {upstream_era: modern}, logging: %s}
                  - name: arrays
                    url: %s/mcp
                    routes:
                      - name: array-server
                        paths: [/array]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener, logging: %s}
                """.formatted(logFile, everything.mcp(), logging, modern.mcp(), logging, arrays.url(), logging));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {gateway, arrays, modern, everything}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void eachCallOfABatchIsLoggedWithItsOwnRequestAndAnswer() {
        McpHttp client = new McpHttp(gateway.proxy("/mcp"));
        assertThat(client.initialize("2025-03-26").status()).isEqualTo(200);

        McpHttp.Response answer = client.post("""
                [{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"echo","arguments":{"message":"batched hello","password":"pw-in-batch"}}},
                 {"jsonrpc":"2.0","id":12,"method":"tools/call","params":{"name":"get-sum","arguments":{"a":2,"b":3}}}]""");
        assertThat(answer.body()).contains("Echo: batched hello").contains("5");

        JsonNode entry = awaitEntry(e -> calls(e).size() == 2 && "11".equals(calls(e).getFirst().path("id").asText()));
        JsonNode echo = calls(entry).get(0);
        JsonNode sum = calls(entry).get(1);
        assertThat(echo.path("payload").path("request").asText()).as(echo.toString())
                .contains("\"id\":11").contains("batched hello").doesNotContain("get-sum").doesNotContain("pw-in-batch");
        assertThat(echo.path("payload").path("response").asText()).contains("Echo: batched hello");
        assertThat(sum.path("payload").path("request").asText()).as(sum.toString())
                .contains("\"id\":12").contains("\"get-sum\"").doesNotContain("echo");
        assertThat(sum.path("payload").path("response").asText()).contains("\"id\":12");
    }

    @Test
    void aBatchAnsweredAsOneJsonArrayIsLoggedWithEachCallsOwnAnswer() {
        McpHttp client = new McpHttp(gateway.proxy("/array"));
        client.sessionId("s-array");

        McpHttp.Response answer = client.post("""
                [{"jsonrpc":"2.0","id":21,"method":"tools/call","params":{"name":"first_tool","arguments":{}}},
                 {"jsonrpc":"2.0","id":22,"method":"tools/call","params":{"name":"second_tool","arguments":{}}}]""");
        assertThat(answer.body()).contains("second answer");

        JsonNode entry = awaitEntry(e -> calls(e).size() == 2 && "21".equals(calls(e).getFirst().path("id").asText()));
        JsonNode first = calls(entry).get(0);
        JsonNode second = calls(entry).get(1);
        assertThat(first.path("payload").path("request").asText()).contains("first_tool").doesNotContain("second_tool");
        assertThat(first.path("payload").path("response").asText()).as(first.toString())
                .contains("first answer").doesNotContain("second answer");
        assertThat(second.path("payload").path("request").asText()).contains("second_tool").doesNotContain("first_tool");
        assertThat(second.path("payload").path("response").asText()).as(second.toString())
                .contains("second answer").doesNotContain("first answer");
    }

    @Test
    void aModernCallBridgedToALegacyServerIsLoggedWithTheServersStatus() {
        McpHttp.Response answer = new ModernHttp(gateway.proxy("/mcp")).request("tools/call",
                "{\"name\":\"echo\",\"arguments\":{\"message\":\"bridged to legacy\"}}");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).contains("Echo: bridged to legacy");

        JsonNode entry = awaitEntry(e -> payloads(e).contains("bridged to legacy"));
        assertThat(entry.path("source").asText()).isEqualTo("upstream");
        assertThat(entry.path("upstream_status").asText()).as(entry.toString()).isEqualTo("200");
    }

    @Test
    void aLegacyCallBridgedToAModernServerIsLoggedWithTheServersStatus() {
        McpHttp client = new McpHttp(gateway.proxy("/modern"));
        assertThat(client.initialize("2025-06-18").status()).isEqualTo(200);
        McpHttp.Response answer = client.post("{\"jsonrpc\":\"2.0\",\"id\":31,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\"bridged to modern\"}}}");
        assertThat(answer.body()).contains("bridged to modern");

        JsonNode entry = awaitEntry(e -> payloads(e).contains("bridged to modern"));
        assertThat(entry.path("source").asText()).isEqualTo("upstream");
        assertThat(entry.path("upstream_status").asText()).as(entry.toString()).isEqualTo("200");
    }

    @Test
    void aCallItsClientLeftAfterProgressNotificationsIsLoggedAndMeasuredWithNoAnswerSize() throws Exception {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        assertThat(mcp.initialize("2025-11-25").status()).isEqualTo(200);
        // listed: the tool's series carry its own name
        assertThat(mcp.post("{\"jsonrpc\":\"2.0\",\"id\":40,\"method\":\"tools/list\"}").body())
                .contains("trigger-long-running-operation");
        byte[] call = ("{\"jsonrpc\":\"2.0\",\"id\":41,\"method\":\"tools/call\",\"params\":{\"name\":"
                + "\"trigger-long-running-operation\",\"arguments\":{\"duration\":30,\"steps\":30},"
                + "\"_meta\":{\"progressToken\":\"left\"}}}").getBytes(StandardCharsets.UTF_8);
        int port = gateway.gateway().proxyPort();
        try (RawConnection http = RawConnection.connect(port, 0)) {
            http.send("POST", "/mcp", List.of("Host: 127.0.0.1:" + port, "Content-Type: application/json",
                    "Accept: " + McpHttp.ACCEPT_BOTH, "Mcp-Session-Id: " + mcp.sessionId(),
                    "MCP-Protocol-Version: 2025-11-25", "Content-Length: " + call.length), call);
            assertThat(http.head().status()).isEqualTo(200);
            assertThat(http.readUntil("notifications/progress")).isNotEmpty();
        }

        JsonNode entry = awaitEntry(e -> calls(e).stream().anyMatch(r -> "41".equals(r.path("id").asText())
                && "trigger-long-running-operation".equals(r.path("tool_name").asText())));
        JsonNode left = calls(entry).getFirst();
        assertThat(left.path("error").asText()).startsWith("unanswered");
        assertThat(left.path("response_body_size").asInt()).as(left.toString()).isZero();
        String series = "kong_ai_mcp_response_body_size_bytes_count{";
        assertThat(new AdminHttp(gateway).get("/metrics").body().lines()
                .filter(l -> l.startsWith(series) && l.contains("tool_name=\"trigger-long-running-operation\"")))
                .as("no answer, no size observed")
                .allMatch(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) == 0);
    }

    @Test
    void callsTheServerRefusesWithAnErrorWithoutAnIdAreLoggedWithThatErrorAndLeaveNothingWaiting() {
        int before = gateway.gateway().waitingRequests();
        McpHttp client = new McpHttp(gateway.proxy("/mcp"));
        for (int i = 0; i < 2_000; i++) {
            client.sessionId("made-up-" + i);
            McpHttp.Response refused = client.post("{\"jsonrpc\":\"2.0\",\"id\":" + (70_000 + i)
                    + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\"hi\"}}}");
            if (i == 0) {
                // the server's transport refuses it before any JSON-RPC: its error names no id
                assertThat(refused.status()).as(refused.body()).isEqualTo(400);
                assertThat(refused.body()).contains("No valid session ID").doesNotContain("\"id\"");
            }
        }

        JsonNode entry = awaitEntry(e -> calls(e).stream().anyMatch(r -> "71999".equals(r.path("id").asText())));
        JsonNode call = calls(entry).getFirst();
        assertThat(call.path("error").asText()).as(call.toString()).isEqualTo("Bad Request: No valid session ID provided");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(gateway.gateway().waitingRequests())
                .as("requests still waiting for an answer").isLessThanOrEqualTo(before));
    }

    private static List<JsonNode> calls(JsonNode entry) {
        List<JsonNode> rpc = new ArrayList<>();
        entry.path("ai").path("mcp").path("rpc").forEach(rpc::add);
        return rpc;
    }

    private static String payloads(JsonNode entry) {
        return entry.path("ai").path("mcp").path("rpc").findValues("payload").toString();
    }

    private static JsonNode awaitEntry(Predicate<JsonNode> wanted) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (String line : Files.exists(logFile) ? Files.readAllLines(logFile) : List.<String>of()) {
                JsonNode entry = Json.MAPPER.readTree(line);
                if (wanted.test(entry)) {
                    found[0] = entry;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }
}
