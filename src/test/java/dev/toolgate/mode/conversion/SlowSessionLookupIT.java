package dev.toolgate.mode.conversion;

import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RedisServer;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.SseStream;
import dev.toolgate.testing.TestGateway;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A session store that answers slowly (Redis busy, or far away): what a client that gives up on a
 * request while its session is being looked up leaves behind. Redis is paused ({@code CLIENT PAUSE})
 * to hold the lookup for as long as the test needs.
 */
@Timeout(60)
class SlowSessionLookupIT {

    static RedisServer redis;
    static RestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        upstream = new RestUpstream();
        gateway = TestGateway.start(config());
    }

    private static String config() {
        return """
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
                                session:
                                  strategy: redis
                                  redis: {host: 127.0.0.1, port: %d, connect_timeout: 500, read_timeout: 10000}
                              tools:
                                - {name: one, description: One, method: GET, path: /mcp/one}
                """.formatted(upstream.url(), redis.port());
    }

    /** {@link #config()} behind key-auth, with alice's key {@code key}. */
    private static String keyedConfig(String key) {
        return config().replace("        plugins:\n", "        plugins:\n          - name: key-auth\n")
                + "consumers:\n  - {username: alice, keyauth_credentials: [{key: %s}]}\n".formatted(key);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
        redis.close();
    }

    /** Holds every Redis command of every client for {@code millis}. */
    private static void pauseRedis(long millis) {
        RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", redis.port()));
        try (var connection = client.connect()) {
            connection.sync().clientPause(millis);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void aGetStreamWhoseClientLeftDuringTheSessionLookupIsNotKeptAndTheSessionCanOpenAnother() throws Exception {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        mcp.initialize("2025-06-18");
        URI endpoint = gateway.proxy("/mcp");

        pauseRedis(1_000);
        try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /mcp HTTP/1.1\r\nHost: " + endpoint.getAuthority() + "\r\nAccept: text/event-stream\r\n"
                    + "Mcp-Session-Id: " + mcp.sessionId() + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Thread.sleep(300);
        }
        // answered once Redis has answered the stream's lookup too (one connection, answers in order)
        assertThat(mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(new AdminHttp(gateway).get("/status").json().at("/server/mcp_streams").asInt())
                        .as("streams the gateway keeps open").isZero());
        try (SseStream again = SseStream.open(endpoint, mcp.sessionId())) {
            assertThat(again.status()).as("a new GET stream for the session").isEqualTo(200);
        }
    }

    @Test
    void aGetStreamWhoseSessionLookupEndsAfterAReloadChangedItsCallerEndsAtOnceToBeOpenedAgain() throws Exception {
        try (TestGateway reloaded = TestGateway.start(keyedConfig("alice-key"))) {
            McpHttp mcp = new McpHttp(reloaded.proxy("/mcp"), Map.of("apikey", "alice-key"));
            mcp.initialize("2025-06-18");
            pauseRedis(1_500);
            CompletableFuture<SseStream> stream = CompletableFuture.supplyAsync(() -> SseStream.open(
                    reloaded.proxy("/mcp"), Map.of("accept", "text/event-stream", "mcp-session-id", mcp.sessionId(),
                            "apikey", "alice-key")));
            Thread.sleep(300);
            // admitted as alice with her old key, still looking the session up: the reload's sweep cannot see it
            AdminHttp.Response reload = new AdminHttp(reloaded).send("POST", "/config", "text/yaml",
                    keyedConfig("alice-new-key").getBytes(StandardCharsets.UTF_8));
            assertThat(reload.status()).as(reload.body()).isEqualTo(200);
            try (SseStream opened = stream.get(5, TimeUnit.SECONDS)) {
                assertThat(opened.status()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(5)).until(opened::ended);
                assertThat(opened.lines()).as("told when to reopen it").contains("retry: " + Sessions.RECONNECT_AFTER_MS);
            }
        }
    }

    @Test
    void aGetStreamWhoseSessionLookupEndsAfterTheStopBeganIsRefusedAndDoesNotHoldTheStop() throws Exception {
        try (TestGateway stopping = TestGateway.start(config())) {
            McpHttp mcp = new McpHttp(stopping.proxy("/mcp"));
            mcp.initialize("2025-06-18");
            pauseRedis(1_500);
            CompletableFuture<SseStream> stream = CompletableFuture.supplyAsync(
                    () -> SseStream.open(stopping.proxy("/mcp"), mcp.sessionId()));
            Thread.sleep(300);
            long started = System.nanoTime();

            stopping.gateway().stop(Duration.ofSeconds(20));

            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the stop's time").isLessThan(Duration.ofSeconds(8));
            try (SseStream refused = stream.get(5, TimeUnit.SECONDS)) {
                assertThat(refused.status()).isEqualTo(503);
            }
        }
    }
}
