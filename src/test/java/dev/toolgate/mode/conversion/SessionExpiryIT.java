package dev.toolgate.mode.conversion;

import dev.toolgate.gateway.Limits;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.SseStream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.toolgate.testing.McpAssertions.assertRpcError;
import static dev.toolgate.testing.McpAssertions.assertStillServes;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code server.session.session_ttl}: a session ends after that long without a request; each request renews it. */
@Timeout(60)
class SessionExpiryIT {

    static RestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream();
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server:
                                session: {session_ttl: 3}
                              tools:
                                - {name: one, description: One, method: GET, path: /mcp/one}
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void idleSessionExpiresAfterItsTtlAndANewOneCanStart() throws InterruptedException {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        mcp.initialize("2025-06-18");
        assertStillServes(mcp);
        Thread.sleep(4_500);
        assertRpcError(mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}"), 404, -32001,
                "Session not found: it expired or was terminated; send initialize to start a new one");
        assertRpcError(mcp.send("GET", null, Map.of("accept", "text/event-stream", "mcp-session-id", mcp.sessionId())),
                404, -32001, "Session not found: it expired or was terminated; send initialize to start a new one");
        mcp.sessionId(null);
        mcp.initialize("2025-06-18");
        assertStillServes(mcp);
    }

    @Test
    void everyRequestRenewsTheSession() throws InterruptedException {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        mcp.initialize("2025-06-18");
        long end = System.nanoTime() + Duration.ofMillis(6_000).toNanos();
        while (System.nanoTime() < end) {
            Thread.sleep(500);
            assertStillServes(mcp);
        }
    }

    @Test
    void anOpenGetStreamKeepsAnOtherwiseIdleSessionAlivePastItsTtl() throws InterruptedException {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        mcp.initialize("2025-06-18");
        try (SseStream stream = SseStream.open(gateway.proxy("/mcp"), mcp.sessionId())) {
            assertThat(stream.status()).isEqualTo(200);
            // past the 15 s between two keepalives, five times the 3 s TTL, without a request
            Thread.sleep(16_000);
            assertThat(stream.ended()).as("the stream ended").isFalse();
            assertStillServes(mcp);
        }
    }

    @Test
    void anOpenGetStreamKeepsASessionAliveThatTheIdleTimeoutAloneWouldEnd() throws InterruptedException {
        // session_ttl is Kong's default (a day); --session-idle-timeout 3 s alone bounds how long it may go unused
        Limits idle = new Limits(Limits.DEFAULT.proxy(), Limits.DEFAULT.admin(), 100_000, 1_000, 3, 256, 5_000,
                false, false, List.of());
        try (TestGateway bounded = TestGateway.start(upstream.oneToolRoute(), Map.of(), false, Map.of(), idle)) {
            McpHttp mcp = new McpHttp(bounded.proxy("/mcp"));
            mcp.initialize("2025-06-18");
            try (SseStream stream = SseStream.open(bounded.proxy("/mcp"), mcp.sessionId())) {
                assertThat(stream.status()).isEqualTo(200);
                // past the 15 s between two keepalives, five times the 3 s idle timeout, without a request
                Thread.sleep(16_000);
                assertThat(stream.ended()).as("the stream ended").isFalse();
                assertStillServes(mcp);
            }
        }
    }
}
