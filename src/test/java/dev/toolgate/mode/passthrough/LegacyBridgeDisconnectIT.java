package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.LiveFeed;
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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A legacy client of a server that speaks only 2026-07-28 (the legacy bridge) stops a call whose stream the
 * server keeps open, by hanging up or with {@code notifications/cancelled} (as 2025 clients cancel): in
 * 2026-07-28 closing the stream is the cancellation, so the gateway closes the server's stream too, and
 * neither the server's call nor a pooled upstream connection outlives the client's wish, also while the
 * server is still computing a JSON answer, before anything of it arrives; a hang-up stops every call of a
 * 2025-03-26 batch, whose calls share one response. The server is scripted: it answers
 * {@code server/discover}, streams a progress notification every 100 ms for the call {@code slow}, without end,
 * and answers {@code slow-json} in JSON after 5 s.
 */
@Timeout(60)
class LegacyBridgeDisconnectIT {

    static final String DISCOVERED = """
            {"jsonrpc":"2.0","id":%s,"result":{"resultType":"complete","supportedVersions":["2026-07-28"],
             "capabilities":{"tools":{}},"_meta":{"io.modelcontextprotocol/serverInfo":{"name":"scripted","version":"1"}}}}""";
    static final String PROGRESS = "data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\","
            + "\"params\":{\"progressToken\":\"p\",\"progress\":1}}\n\n";

    static RestUpstream modernOnly;
    static TestGateway gateway;
    /** When each call's stream closed at the server, in order. */
    static final BlockingQueue<Long> callsClosed = new LinkedBlockingQueue<>();
    /** The (bridge's) ids of the {@code slow} calls whose stream the server opened, in order. */
    static final BlockingQueue<String> callsOpened = new LinkedBlockingQueue<>();
    /** The {@code slow-json} calls the server received, in order. */
    static final BlockingQueue<JsonNode> jsonCalls = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() {
        modernOnly = new RestUpstream().onMessage("POST /mcp", LegacyBridgeDisconnectIT::answer);
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

    private static void answer(HttpServerRequest request, JsonNode message) {
        switch (message.path("method").asText()) {
            case "server/discover" -> request.response().putHeader("content-type", "application/json")
                    .end(DISCOVERED.formatted(message.get("id")));
            case "tools/call" -> {
                if (message.at("/params/name").asText().equals("slow-json")) {
                    answerLater(request, message);
                    return;
                }
                var vertx = io.vertx.core.Vertx.currentContext().owner();
                var response = request.response().setChunked(true).putHeader("content-type", "text/event-stream");
                response.write(PROGRESS);
                callsOpened.add(message.get("id").asText());
                long timer = vertx.setPeriodic(100, id -> {
                    if (!response.closed()) {
                        response.write(PROGRESS);
                    }
                });
                request.connection().closeHandler(v -> {
                    vertx.cancelTimer(timer);
                    callsClosed.add(System.nanoTime());
                });
            }
            default -> request.response().setStatusCode(202).end();
        }
    }

    /** A JSON answer 5 s from now: a server answering in JSON sends nothing before it. */
    private static void answerLater(HttpServerRequest request, JsonNode message) {
        var vertx = io.vertx.core.Vertx.currentContext().owner();
        long timer = vertx.setTimer(5_000, t -> request.response().putHeader("content-type", "application/json")
                .end("{\"jsonrpc\":\"2.0\",\"id\":" + message.get("id") + ",\"result\":{\"resultType\":\"complete\","
                        + "\"content\":[]}}"));
        request.response().closeHandler(v -> {
            if (!request.response().ended()) {
                vertx.cancelTimer(timer);
                callsClosed.add(System.nanoTime());
            }
        });
        jsonCalls.add(message);
    }

    @Test
    void aLegacyClientThatHangsUpMidCallClosesTheServersStream() throws Exception {
        McpHttp client = new McpHttp(gateway.proxy("/mcp"));
        McpHttp.Response initialized = client.initialize("2025-11-25");
        assertThat(initialized.status()).as(initialized.toString()).isEqualTo(200);
        assertThat(client.sessionId()).isNotNull();

        try (RawConnection http = slowCall(client, "1")) {
            assertThat(http.readUntil("\n\n")).as("the server's progress reaches the client").contains("notifications/progress");
        }
        long disconnected = System.nanoTime();
        assertThat((nextClose() - disconnected) / 1_000_000).as("ms until the server's stream closed").isLessThan(2_000);

        // the session serves on
        McpHttp.Response pong = client.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
        assertThat(pong.status()).as(pong.toString()).isEqualTo(200);
    }

    @Test
    void aLegacyClientsCancellationClosesTheServersStreamAndEndsItsRequestUnansweredLoggedAsCancelled() throws Exception {
        McpHttp client = new McpHttp(gateway.proxy("/mcp"));
        assertThat(client.initialize("2025-11-25").status()).isEqualTo(200);

        try (RawConnection http = slowCall(client, "\"slow-1\"")) {
            assertThat(http.readUntil("\n\n")).contains("notifications/progress");

            long cancelled = System.nanoTime();
            McpHttp.Response accepted = client.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                    + "\"params\":{\"requestId\":\"slow-1\",\"reason\":\"no longer needed\"}}");
            assertThat(accepted.status()).isEqualTo(202);

            assertThat((nextClose() - cancelled) / 1_000_000).as("ms until the server's stream closed").isLessThan(2_000);
            // ended, unanswered: MCP's receiver of a cancellation does not respond to the request, and the
            // server did not fail
            assertThat(new String(http.readAll().body(), StandardCharsets.UTF_8)).as("the rest of the client's request")
                    .doesNotContain("\"id\":\"slow-1\"", "\"error\"");
        }
        assertLoggedAsCancelled("\"slow-1\"");
    }

    @Test
    void aLegacyClientsCancellationClosesTheServersRequestWhileItComputesAJsonAnswerAndEndsItsRequestUnansweredLoggedAsCancelled()
            throws Exception {
        McpHttp client = new McpHttp(gateway.proxy("/mcp"));
        assertThat(client.initialize("2025-11-25").status()).isEqualTo(200);

        try (RawConnection http = call(client, "\"json-1\"", "slow-json")) {
            assertThat(jsonCalls.poll(5, TimeUnit.SECONDS)).as("the server received the call").isNotNull();

            long cancelled = System.nanoTime();
            McpHttp.Response accepted = client.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                    + "\"params\":{\"requestId\":\"json-1\"}}");
            assertThat(accepted.status()).isEqualTo(202);

            assertThat((nextClose() - cancelled) / 1_000_000).as("ms until the server's request closed")
                    .isLessThan(2_000);
            RawConnection.Response rest = http.readAll();
            assertThat(rest.status()).isEqualTo(200);
            assertThat(rest.text()).as("the client's request, ended unanswered").doesNotContain("json-1", "\"error\"");
        }
        assertLoggedAsCancelled("\"json-1\"");
    }

    @Test
    void aLegacyClientThatHangsUpWhileTheServerComputesAJsonAnswerClosesTheServersRequest() throws Exception {
        McpHttp client = new McpHttp(gateway.proxy("/mcp"));
        assertThat(client.initialize("2025-11-25").status()).isEqualTo(200);

        try (RawConnection http = call(client, "2", "slow-json")) {
            assertThat(jsonCalls.poll(5, TimeUnit.SECONDS)).as("the server received the call").isNotNull();
        }
        long disconnected = System.nanoTime();
        assertThat((nextClose() - disconnected) / 1_000_000).as("ms until the server's request closed")
                .isLessThan(2_000);
    }

    @Test
    void aClientOf2025_03_26ThatHangsUpDuringABatchClosesTheServersStreamOfEveryCallOfIt() throws Exception {
        McpHttp client = new McpHttp(gateway.proxy("/mcp"));
        assertThat(client.initialize("2025-03-26").status()).isEqualTo(200);
        callsOpened.clear();
        callsClosed.clear();

        String batch = "[" + message("11", "slow") + "," + message("12", "slow") + "]";
        try (RawConnection http = post(client, batch.getBytes(StandardCharsets.UTF_8), "2025-03-26")) {
            assertThat(http.head().status()).isEqualTo(200);
            assertThat(callsOpened.poll(5, TimeUnit.SECONDS)).as("one call reached the server").isNotNull();
            assertThat(callsOpened.poll(5, TimeUnit.SECONDS)).as("the other reached it").isNotNull();
            assertThat(http.readUntil("\n\n")).contains("notifications/progress");
        }
        long disconnected = System.nanoTime();
        assertThat((nextClose() - disconnected) / 1_000_000).as("ms until one call's stream closed").isLessThan(2_000);
        assertThat((nextClose() - disconnected) / 1_000_000).as("ms until the other's closed").isLessThan(2_000);
    }

    /** The call {@code id}'s log entry (whose id is JSON text: a string id quoted) says the client cancelled it: not an answer stream that ended without it. */
    private static void assertLoggedAsCancelled(String id) {
        JsonNode event = LiveFeed.event(gateway, e -> id.equals(e.path("id").asText()));
        assertThat(event.path("error_type").asText()).as(event.toString()).isEqualTo("unanswered");
        assertThat(event.path("error").asText()).as(event.toString()).isEqualTo("unanswered: the client cancelled it");
    }

    /** The slow tool called in the client's session on a connection of its own, its answer's head read. */
    private static RawConnection slowCall(McpHttp client, String id) throws IOException {
        RawConnection http = call(client, id, "slow");
        assertThat(http.head().status()).isEqualTo(200);
        return http;
    }

    /** {@code tool} called in the client's session on a connection of its own, nothing of its answer read. */
    private static RawConnection call(McpHttp client, String id, String tool) {
        return post(client, message(id, tool).getBytes(StandardCharsets.UTF_8), "2025-11-25");
    }

    private static String message(String id, String tool) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
                + tool + "\",\"arguments\":{},\"_meta\":{\"progressToken\":\"p\"}}}";
    }

    /** {@code body} POSTed in the client's session on a connection of its own, nothing of its answer read. */
    private static RawConnection post(McpHttp client, byte[] body, String version) {
        int port = gateway.proxy("/").getPort();
        RawConnection http = RawConnection.connect(port, 0);
        http.send("POST", "/mcp", List.of("Host: 127.0.0.1:" + port, "Content-Type: application/json",
                "Accept: application/json, text/event-stream", "Mcp-Session-Id: " + client.sessionId(),
                "MCP-Protocol-Version: " + version, "Content-Length: " + body.length), body);
        return http;
    }

    private static long nextClose() throws InterruptedException {
        Long closed = callsClosed.poll(10, TimeUnit.SECONDS);
        assertThat(closed).as("the server's stream closed within 10 s").isNotNull();
        return closed;
    }
}
