package dev.toolgate.hardening;

import dev.toolgate.gateway.Limits;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.ModernHttp;
import dev.toolgate.testing.RawConnection;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.SseStream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each passthrough exchange holds a pooled upstream connection until it ends, a GET stream for as long as the
 * server keeps it open: one client address may hold only {@code --max-sessions-per-client} of them (with the
 * conversion and listener GET streams it holds), so it cannot take every pooled connection while another
 * client's requests wait for one and get 504.
 */
@Timeout(60)
class PassthroughStreamCapIT {

    static final int CAP = 2;
    static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":{\"protocolVersion\":\"2025-06-18\","
            + "\"capabilities\":{},\"serverInfo\":{\"name\":\"streams\",\"version\":\"1\"}}}";

    static RestUpstream server;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        // every SDK server keeps a GET stream open until the client leaves
        server = new RestUpstream()
                .on("GET /mcp", request -> request.response().setChunked(true)
                        .putHeader("content-type", "text/event-stream").write(": open\n\n"))
                .json("POST /mcp", 200, INITIALIZED);
        gateway = passthrough(CAP, 4);
    }

    /** A passthrough route to the server, with this per-address cap and pool size. */
    static TestGateway passthrough(int perClient, int poolSize) {
        return passthrough(server.url(), "", perClient, poolSize);
    }

    /** A passthrough route to the server at {@code url}, with {@code more} config (", server: {...}"), cap and pool size. */
    static TestGateway passthrough(String url, String more, int perClient, int poolSize) {
        Limits limits = Limits.DEFAULT;
        return TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: mcp-server
                    url: %s/mcp
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener%s}}]
                """.formatted(url, more), Map.of(), false, Map.of(),
                new Limits(limits.proxy(), limits.admin(), limits.maxSessionsPerEndpoint(), perClient,
                        limits.sessionIdleSeconds(), poolSize, 2_000, limits.upstreamIdleMs(), false, false,
                        limits.adminHostNames()));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static SseStream get() {
        return SseStream.open(gateway.proxy("/mcp"), Map.of("accept", "text/event-stream", "mcp-session-id", "s-1"));
    }

    @Test
    void aClientPastItsStreamCapIsRefusedWhileAnotherClientIsStillServed() throws Exception {
        List<SseStream> held = new ArrayList<>();
        try {
            for (int i = 0; i < CAP; i++) {
                held.add(get());
                assertThat(held.getLast().status()).isEqualTo(200);
            }
            for (int i = 0; i < 3; i++) {
                try (SseStream refused = get()) {
                    assertThat(refused.status()).as("stream %d past the cap", i + 1).isEqualTo(503);
                    assertThat(refused.header("retry-after")).isEqualTo("30");
                    await().atMost(Duration.ofSeconds(10)).until(refused::ended);
                    assertThat(String.join("\n", refused.lines())).contains("already has 2 open GET streams or "
                            + "passthrough requests here, as many as allowed; close one or retry in 30 s");
                }
            }
            RawConnection.Response other = ListenerLimitsIT.initializeFrom(gateway.gateway().proxyPort(), "/mcp",
                    "127.0.0.2");
            assertThat(other.status()).as(other.toString()).isEqualTo(200);
            assertThat(other.text()).contains("\"serverInfo\":{\"name\":\"streams\"");

            // a stream that ends frees its place
            held.removeFirst().close();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                SseStream again = get();
                if (again.status() == 200) {
                    held.add(again);
                    return true;
                }
                again.close();
                return false;
            });
        } finally {
            held.forEach(SseStream::close);
        }
    }

    @Test
    void whateverTheSessionCapSaysOneAddressHoldsAtMostHalfAPoolOfPassthroughStreams() throws Exception {
        List<SseStream> held = new ArrayList<>();
        // the default per-address cap (1,000 sessions) above a pool of 4 connections: 2 for one address
        try (TestGateway wide = passthrough(1_000, 4)) {
            Map<String, String> headers = Map.of("accept", "text/event-stream", "mcp-session-id", "s-1");
            for (int i = 0; i < 2; i++) {
                held.add(SseStream.open(wide.proxy("/mcp"), headers));
                assertThat(held.getLast().status()).isEqualTo(200);
            }
            try (SseStream refused = SseStream.open(wide.proxy("/mcp"), headers)) {
                assertThat(refused.status()).as("a third stream, half of the pool taken").isEqualTo(503);
            }
            RawConnection.Response other = ListenerLimitsIT.initializeFrom(wide.gateway().proxyPort(), "/mcp",
                    "127.0.0.2");
            assertThat(other.status()).as(other.toString()).isEqualTo(200);
        } finally {
            held.forEach(SseStream::close);
        }
    }

    @Test
    void aLegacyClientPastItsCapOfCallsTheLegacyBridgeStreamsIsRefusedAsAForwardedOneIs() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (RestUpstream modernOnly = streamingServer(calls);
             TestGateway bridging = passthrough(modernOnly.url(), ", server: {upstream_era: modern}", CAP, 4)) {
            McpHttp client = new McpHttp(bridging.proxy("/mcp"));
            assertThat(client.initialize("2025-11-25").status()).isEqualTo(200);
            List<String> headers = List.of("Mcp-Session-Id: " + client.sessionId(), "MCP-Protocol-Version: 2025-11-25");
            String call = "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":{\"name\":\"slow\"}}";
            assertCapRefusesTheNextCall(bridging, calls, i -> post(bridging, call.formatted(i), headers));
        }
    }

    @Test
    void aModernClientPastItsCapOfCallsTheEraBridgeStreamsIsRefusedAsAForwardedOneIs() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (RestUpstream legacyOnly = streamingServer(calls);
             TestGateway bridging = passthrough(legacyOnly.url(), ", server: {upstream_era: legacy}", CAP, 4)) {
            ModernHttp modern = new ModernHttp(bridging.proxy("/mcp"));
            assertCapRefusesTheNextCall(bridging, calls, i -> {
                var body = modern.body("tools/call", "{\"name\":\"slow\",\"arguments\":{}}", ModernHttp.VERSION, "{}");
                List<String> headers = modern.headers("tools/call", body.get("params")).entrySet().stream()
                        .filter(h -> !h.getKey().equalsIgnoreCase("content-type") && !h.getKey().equalsIgnoreCase("accept"))
                        .map(h -> h.getKey() + ": " + h.getValue()).toList();
                return post(bridging, dev.toolgate.mcp.Json.text(body), headers);
            });
        }
    }

    /**
     * Holds {@link #CAP} calls the server streams without end, then sends one more: it gets the forward path's 503
     * and never reaches the server.
     */
    private static void assertCapRefusesTheNextCall(TestGateway bridging, AtomicInteger calls,
                                                    java.util.function.IntFunction<RawConnection> call) {
        List<RawConnection> held = new ArrayList<>();
        try {
            for (int i = 0; i < CAP; i++) {
                held.add(call.apply(i + 1));
                int reached = i + 1;
                await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == reached);
            }
            try (RawConnection past = call.apply(CAP + 1)) {
                RawConnection.Response refused = past.readAll();
                assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
                assertThat(refused.header("retry-after")).isEqualTo("30");
                assertThat(refused.text()).contains("already has 2 open GET streams or passthrough requests here, "
                        + "as many as allowed; close one or retry in 30 s");
            }
            assertThat(calls.get()).as("calls the server received").isEqualTo(CAP);
        } finally {
            held.forEach(RawConnection::close);
        }
    }

    /**
     * A server of either era that streams a {@code tools/call}'s progress and never its answer, counting the calls;
     * it answers {@code server/discover} and {@code initialize}, and anything else with 202.
     */
    private static RestUpstream streamingServer(AtomicInteger calls) {
        return new RestUpstream().onMessage("POST /mcp", (request, message) -> {
            switch (message.path("method").asText()) {
                case "server/discover" -> request.response().putHeader("content-type", "application/json").end("""
                        {"jsonrpc":"2.0","id":%s,"result":{"resultType":"complete","supportedVersions":["2026-07-28"],
                         "capabilities":{"tools":{}},"_meta":{"io.modelcontextprotocol/serverInfo":{"name":"s","version":"1"}}}}"""
                        .formatted(message.get("id")));
                case "initialize" -> request.response().putHeader("content-type", "application/json").end("""
                        {"jsonrpc":"2.0","id":%s,"result":{"protocolVersion":"2025-11-25","capabilities":{"tools":{}},
                         "serverInfo":{"name":"s","version":"1"}}}""".formatted(message.get("id")));
                case "tools/call" -> {
                    calls.incrementAndGet();
                    request.response().setChunked(true).putHeader("content-type", "text/event-stream")
                            .write("data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":"
                                    + "{\"level\":\"info\",\"data\":\"working\"}}\n\n");
                }
                default -> request.response().setStatusCode(202).end();
            }
        });
    }

    /** A JSON POST to the route on a connection of its own, nothing of its answer read. */
    private static RawConnection post(TestGateway gateway, String body, List<String> headers) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        int port = gateway.proxy("/").getPort();
        List<String> all = new ArrayList<>(List.of("Host: 127.0.0.1:" + port, "Content-Type: application/json",
                "Accept: " + McpHttp.ACCEPT_BOTH, "Content-Length: " + bytes.length));
        all.addAll(headers);
        return RawConnection.connect(port, 0).send("POST", "/mcp", all, bytes);
    }
}
