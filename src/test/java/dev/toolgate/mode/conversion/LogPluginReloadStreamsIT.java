package dev.toolgate.mode.conversion;

import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.SseStream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Log and metrics plugins judge no caller: a reload that changes only them (a global http-log's timeout, a
 * file-log added) leaves the GET streams of every endpoint open, while one that changes how callers are
 * admitted (key-auth's settings) still ends them.
 */
@Timeout(60)
class LogPluginReloadStreamsIT {

    RestUpstream upstream;
    TestGateway gateway;
    Path logs;

    @BeforeEach
    void start() throws Exception {
        upstream = new RestUpstream().on("POST /logs", r -> r.response().end());
        logs = Files.createTempDirectory("toolgate-file-log");
        gateway = TestGateway.start(config(10_000, "", "[apikey]"));
    }

    @AfterEach
    void stop() {
        gateway.close();
        upstream.close();
    }

    /** alpha behind key-auth ({@code keyNames}), a global http-log with {@code timeout}, and {@code extra} plugins. */
    String config(int timeout, String extra, String keyNames) {
        return """
                _format_version: "3.0"
                plugins:
                  - name: http-log
                    config: {http_endpoint: %s/logs, timeout: %d}
                  - name: prometheus
                %s
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: alpha
                        paths: [/alpha]
                        plugins:
                          - name: key-auth
                            config: {key_names: %s}
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: a1, description: Tool a1, method: GET, path: /alpha/a1}
                consumers:
                  - {username: bob, keyauth_credentials: [{key: bob-key}]}
                """.formatted(upstream.url(), timeout, extra, upstream.url(), keyNames);
    }

    private void post(String yaml) {
        AdminHttp.Response reloaded = new AdminHttp(gateway).postConfig(yaml);
        assertThat(reloaded.status()).as(reloaded.toString()).isEqualTo(200);
    }

    private SseStream bobsStream() {
        McpHttp bob = new McpHttp(gateway.proxy("/alpha"), Map.of("apikey", "bob-key"));
        bob.initialize("2025-06-18");
        SseStream stream = SseStream.open(gateway.proxy("/alpha"), Map.of("accept", "text/event-stream",
                "mcp-session-id", bob.sessionId(), "apikey", "bob-key"));
        assertThat(stream.status()).isEqualTo(200);
        return stream;
    }

    @Test
    void aStreamSurvivesAReloadThatChangesOnlyAGlobalLogPluginAndEndsWhenKeyAuthChanges() throws Exception {
        try (SseStream stream = bobsStream()) {
            String fileLog = "  - name: file-log\n    config: {path: " + logs.resolve("a.log") + "}";
            post(config(10_001, "", "[apikey]"));
            post(config(10_001, fileLog, "[apikey]"));
            Thread.sleep(1_000);
            assertThat(stream.ended()).as("a log setting changed: the stream goes on").isFalse();
            assertThat(stream.lines()).noneMatch(line -> line.startsWith("retry:"));

            post(config(10_001, fileLog, "[apikey, x-key]"));
            await().atMost(Duration.ofSeconds(10)).until(stream::ended);
            assertThat(stream.lines()).as("told when to reopen it").contains("retry: " + Sessions.RECONNECT_AFTER_MS);
        }
    }
}
