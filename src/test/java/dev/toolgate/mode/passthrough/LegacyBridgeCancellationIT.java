package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RawConnection;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A legacy client of a server that speaks only 2026-07-28 (the legacy bridge) cancels a call with
 * {@code notifications/cancelled}, as 2025 clients do, while the server keeps the call's stream open: the
 * gateway closes the server's stream (2026-07-28's cancellation) and ends the client's request, as when the
 * client hangs up. The server is scripted: it answers {@code server/discover} and streams a progress
 * notification every 100 ms for the call, without end.
 */
@Timeout(60)
class LegacyBridgeCancellationIT {

    static final String DISCOVERED = """
            {"jsonrpc":"2.0","id":%s,"result":{"resultType":"complete","supportedVersions":["2026-07-28"],
             "capabilities":{"tools":{}},"_meta":{"io.modelcontextprotocol/serverInfo":{"name":"scripted","version":"1"}}}}""";
    static final String PROGRESS = "data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\","
            + "\"params\":{\"progressToken\":\"p\",\"progress\":1}}\n\n";

    static RestUpstream modernOnly;
    static TestGateway gateway;
    static final CompletableFuture<Long> callClosed = new CompletableFuture<>();

    @BeforeAll
    static void start() {
        modernOnly = new RestUpstream().onBody("POST /mcp", LegacyBridgeCancellationIT::answer);
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: modern-only
                    url: %s/mcp
                    routes:
                      - name: modern-only
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener, server: {upstream_era: modern}}
                """.formatted(modernOnly.url()));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (modernOnly != null) {
            modernOnly.close();
        }
    }

    private static void answer(HttpServerRequest request, String body) {
        JsonNode message;
        try {
            message = Json.parse(body.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            request.response().setStatusCode(400).end();
            return;
        }
        switch (message.path("method").asText()) {
            case "server/discover" -> request.response().putHeader("content-type", "application/json")
                    .end(DISCOVERED.formatted(message.get("id")));
            case "tools/call" -> {
                var vertx = io.vertx.core.Vertx.currentContext().owner();
                var response = request.response().setChunked(true).putHeader("content-type", "text/event-stream");
                response.write(PROGRESS);
                long timer = vertx.setPeriodic(100, id -> {
                    if (!response.closed()) {
                        response.write(PROGRESS);
                    }
                });
                request.connection().closeHandler(v -> {
                    vertx.cancelTimer(timer);
                    callClosed.complete(System.nanoTime());
                });
            }
            default -> request.response().setStatusCode(202).end();
        }
    }

    @Test
    void aLegacyClientsCancellationClosesTheServersStreamAndEndsItsRequest() throws Exception {
        McpHttp client = new McpHttp(gateway.proxy("/mcp"));
        assertThat(client.initialize("2025-11-25").status()).isEqualTo(200);

        byte[] call = ("{\"jsonrpc\":\"2.0\",\"id\":\"slow-1\",\"method\":\"tools/call\",\"params\":{\"name\":\"slow\","
                + "\"arguments\":{},\"_meta\":{\"progressToken\":\"p\"}}}").getBytes(StandardCharsets.UTF_8);
        int port = gateway.proxy("/").getPort();
        try (RawConnection http = RawConnection.connect(port, 0)) {
            http.send("POST", "/mcp", List.of("Host: 127.0.0.1:" + port, "Content-Type: application/json",
                    "Accept: application/json, text/event-stream", "Mcp-Session-Id: " + client.sessionId(),
                    "MCP-Protocol-Version: 2025-11-25", "Content-Length: " + call.length), call);
            assertThat(http.head().status()).isEqualTo(200);
            assertThat(http.readUntil("\n\n")).contains("notifications/progress");

            long cancelled = System.nanoTime();
            McpHttp.Response accepted = client.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                    + "\"params\":{\"requestId\":\"slow-1\",\"reason\":\"no longer needed\"}}");
            assertThat(accepted.status()).isEqualTo(202);

            long closed = callClosed.get(10, TimeUnit.SECONDS);
            assertThat((closed - cancelled) / 1_000_000).as("ms until the server's stream closed").isLessThan(2_000);
            assertThat(new String(http.readAll().body(), StandardCharsets.UTF_8)).as("the rest of the client's request")
                    .contains("\"id\":\"slow-1\"", "cancelled");
        }
    }
}
