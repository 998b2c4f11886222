package dev.toolgate.mode.conversion;

import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.SseStream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;

import static dev.toolgate.testing.McpAssertions.assertRpcError;
import static dev.toolgate.testing.McpAssertions.assertStillServes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The server-to-client GET stream: one per session, SSE headers, the usual session and header rules. */
@Timeout(30)
class GetStreamIT {

    static RestUpstream upstream;
    static TestGateway gateway;
    McpHttp mcp;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream();
        gateway = TestGateway.start(upstream.oneToolRoute());
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void session() {
        mcp = new McpHttp(gateway.proxy("/mcp"));
        mcp.initialize("2025-06-18");
    }

    @Test
    void getWithSessionOpensAnEventStreamThatProxiesMustNotBuffer() {
        try (SseStream stream = SseStream.open(gateway.proxy("/mcp"), mcp.sessionId())) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.header("content-type")).startsWith("text/event-stream");
            assertThat(stream.header("x-accel-buffering")).isEqualTo("no");
            assertThat(stream.header("cache-control")).isEqualTo("no-cache");
            await().atMost(Duration.ofSeconds(5)).until(() -> !stream.lines().isEmpty());
            assertThat(stream.lines().getFirst()).startsWith(":");
            assertStillServes(mcp);
        }
    }

    @Test
    void secondGetForTheSameSessionEndsTheFirstAndTakesItsPlace() {
        try (SseStream first = SseStream.open(gateway.proxy("/mcp"), mcp.sessionId());
             SseStream second = SseStream.open(gateway.proxy("/mcp"), mcp.sessionId())) {
            assertThat(first.status()).isEqualTo(200);
            assertThat(second.status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).until(first::ended);
            assertThat(second.ended()).isFalse();
            assertStillServes(mcp);
        }
    }

    @Test
    void closingTheStreamLetsTheSessionOpenANewOne() {
        SseStream first = SseStream.open(gateway.proxy("/mcp"), mcp.sessionId());
        assertThat(first.status()).isEqualTo(200);
        first.close();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            try (SseStream again = SseStream.open(gateway.proxy("/mcp"), mcp.sessionId())) {
                return again.status() == 200;
            }
        });
    }

    @Test
    void getWithoutSessionGets400() {
        assertRpcError(mcp.send("GET", null, Map.of("accept", "text/event-stream")), 400, -32000,
                "Bad Request: Mcp-Session-Id header is required (send initialize first to get one)");
        assertStillServes(mcp);
    }

    @Test
    void getWithUnknownSessionGets404() {
        assertRpcError(mcp.send("GET", null, Map.of("accept", "text/event-stream", "mcp-session-id", "nope")), 404,
                -32001, "Session not found: it expired or was terminated; send initialize to start a new one");
        assertStillServes(mcp);
    }

    @Test
    void getThatDoesNotAcceptEventStreamGets406() {
        assertRpcError(mcp.send("GET", null, Map.of("accept", "application/json", "mcp-session-id", mcp.sessionId())),
                406, -32000, "Not Acceptable: the Accept header must allow text/event-stream");
        assertStillServes(mcp);
    }

    @Test
    void getWithUnsupportedProtocolVersionGets400() {
        assertRpcError(mcp.send("GET", null, Map.of("accept", "text/event-stream", "mcp-session-id", mcp.sessionId(),
                        "mcp-protocol-version", "1.0")), 400, -32000,
                "Bad Request: unsupported MCP-Protocol-Version '1.0' (supported: 2025-03-26, 2025-06-18, 2025-11-25)");
        try (SseStream stream = SseStream.open(gateway.proxy("/mcp"), mcp.sessionId())) {
            assertThat(stream.status()).isEqualTo(200);
        }
    }

    @Test
    void deletingTheSessionEndsItsStream() {
        try (SseStream stream = SseStream.open(gateway.proxy("/mcp"), mcp.sessionId())) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(mcp.send("DELETE", null, Map.of("mcp-session-id", mcp.sessionId())).status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).until(stream::ended);
        }
    }

    @Test
    void aStreamWhoseSessionWasDeletedEndsWithoutAskingTheClientToReconnect() {
        try (SseStream stream = SseStream.open(gateway.proxy("/mcp"), mcp.sessionId())) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(mcp.send("DELETE", null, Map.of("mcp-session-id", mcp.sessionId())).status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).until(stream::ended);
            assertThat(stream.lines()).noneMatch(line -> line.startsWith("retry:"));
        }
    }
}
