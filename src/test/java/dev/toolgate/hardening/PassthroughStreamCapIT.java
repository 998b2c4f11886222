package dev.toolgate.hardening;

import dev.toolgate.gateway.Limits;
import dev.toolgate.testing.RawConnection;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.SseStream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
        Limits limits = Limits.DEFAULT;
        return TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: mcp-server
                    url: %s/mcp
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener}}]
                """.formatted(server.url()), Map.of(), false, Map.of(),
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
}
