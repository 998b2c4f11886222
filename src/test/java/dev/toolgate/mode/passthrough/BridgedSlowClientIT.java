package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.ModernHttp;
import dev.toolgate.testing.RawConnection;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bridged call whose server streams notifications faster than the client reads them: the gateway holds
 * the server back, as the relay does, rather than keep in memory what the client has not read. The server
 * (2026-07-28 only, behind the legacy bridge) is scripted: it streams 64 KiB progress notifications for a
 * call as fast as the gateway takes them, up to {@link #LIMIT} bytes; the client reads none of them. A
 * second scripted server speaks 2025 only, behind the era bridge, and streams the same.
 */
@Timeout(60)
class BridgedSlowClientIT {

    static final String DISCOVERED = """
            {"jsonrpc":"2.0","id":%s,"result":{"resultType":"complete","supportedVersions":["2026-07-28"],
             "capabilities":{"tools":{}},"_meta":{"io.modelcontextprotocol/serverInfo":{"name":"scripted","version":"1"}}}}""";
    static final String INITIALIZED = """
            {"jsonrpc":"2.0","id":%s,"result":{"protocolVersion":"2025-11-25","capabilities":{"tools":{}},
             "serverInfo":{"name":"scripted","version":"1"}}}""";
    static final String PROGRESS = "data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\","
            + "\"params\":{\"progressToken\":\"p\",\"progress\":1,\"message\":\"" + "x".repeat(64 * 1024) + "\"}}\n\n";
    static final long LIMIT = 96L << 20;

    static RestUpstream modernOnly;
    static TestGateway gateway;
    static final AtomicLong streamed = new AtomicLong();

    @BeforeAll
    static void start() {
        modernOnly = new RestUpstream().onMessage("POST /mcp", BridgedSlowClientIT::answer)
                .onMessage("POST /legacy", BridgedSlowClientIT::answer);
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: modern-only
                    url: %1$s/mcp
                    routes:
                      - name: modern-only
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener, server: {upstream_era: modern}}
                  - name: legacy-only
                    url: %1$s/legacy
                    routes:
                      - name: legacy-only
                        paths: [/legacy]
                        plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener, server: {upstream_era: legacy}}}]
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

    private static void answer(HttpServerRequest request, JsonNode message) {
        switch (message.path("method").asText()) {
            case "server/discover" -> request.response().putHeader("content-type", "application/json")
                    .end(DISCOVERED.formatted(message.get("id")));
            case "initialize" -> request.response().putHeader("content-type", "application/json")
                    .putHeader("mcp-session-id", "scripted-session").end(INITIALIZED.formatted(message.get("id")));
            case "tools/call" -> stream(request.response().setChunked(true).putHeader("content-type", "text/event-stream"));
            default -> request.response().setStatusCode(202).end();
        }
    }

    /** Writes while the gateway takes it (the server's own write queue is not full). */
    private static void stream(HttpServerResponse response) {
        while (!response.closed() && !response.writeQueueFull() && streamed.get() < LIMIT) {
            response.write(PROGRESS);
            streamed.addAndGet(PROGRESS.length());
        }
        if (!response.closed() && streamed.get() < LIMIT) {
            response.drainHandler(v -> stream(response));
        }
    }

    @Test
    void aModernOnlyServerStreamingFasterThanALegacyClientReadsIsHeldBack() throws Exception {
        streamed.set(0);
        McpHttp client = new McpHttp(gateway.proxy("/mcp"));
        assertThat(client.initialize("2025-11-25").status()).isEqualTo(200);

        byte[] call = ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"chatty\","
                + "\"arguments\":{},\"_meta\":{\"progressToken\":\"p\"}}}").getBytes(StandardCharsets.UTF_8);
        int port = gateway.proxy("/").getPort();
        try (RawConnection http = RawConnection.connect(port, 16 * 1024)) {
            http.send("POST", "/mcp", List.of("Host: 127.0.0.1:" + port, "Content-Type: application/json",
                    "Accept: application/json, text/event-stream", "Mcp-Session-Id: " + client.sessionId(),
                    "MCP-Protocol-Version: 2025-11-25", "Content-Length: " + call.length), call);
            assertThat(http.head().status()).isEqualTo(200);
            Thread.sleep(3_000); // the client reads nothing more

            assertThat(streamed.get()).as("bytes the server could stream to a client that reads nothing")
                    .isLessThan(24L << 20);
        }
    }

    @Test
    void aLegacyOnlyServerStreamingFasterThanAModernClientReadsIsHeldBack() throws Exception {
        ModernHttp modern = new ModernHttp(gateway.proxy("/legacy"));
        String body = Json.text(modern.body("tools/call", "{\"name\":\"chatty\",\"arguments\":{},\"_meta\":"
                + "{\"progressToken\":\"p\"}}", ModernHttp.VERSION, "{}"));
        List<String> headers = new java.util.ArrayList<>();
        int port = gateway.proxy("/").getPort();
        headers.add("Host: 127.0.0.1:" + port);
        modern.headers("tools/call", Json.parse(body).get("params")).forEach((name, value) -> headers.add(name + ": " + value));
        byte[] call = body.getBytes(StandardCharsets.UTF_8);
        headers.add("Content-Length: " + call.length);
        streamed.set(0);
        try (RawConnection http = RawConnection.connect(port, 16 * 1024)) {
            http.send("POST", "/legacy", headers, call);
            assertThat(http.head().status()).isEqualTo(200);
            Thread.sleep(3_000); // the client reads nothing more

            assertThat(streamed.get()).as("bytes the server could stream to a client that reads nothing")
                    .isLessThan(24L << 20);
        }
    }
}
