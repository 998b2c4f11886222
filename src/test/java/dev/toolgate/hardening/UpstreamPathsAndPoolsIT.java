package dev.toolgate.hardening;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.Limits;
import dev.toolgate.http.ListenerLimits;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RawConnection;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What reaches an upstream, and when the client hears back: a backslash in a passthrough path goes
 * encoded, the head of a server's GET stream is relayed before its first event, and a call that waits
 * for a busy pool says so instead of blaming the connect timeout.
 */
@Timeout(60)
class UpstreamPathsAndPoolsIT {

    static RestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream()
                .on("GET /slow", request -> upstream.vertx().setTimer(2_000, id -> request.response()
                        .putHeader("content-type", "application/json").end("{\"slow\":true}")))
                .on("GET /pt/stream", request -> {
                    request.response().setChunked(true).putHeader("content-type", "text/event-stream");
                    request.response().writeHead();
                    upstream.vertx().setTimer(3_000, id -> request.response().end("data: {}\n\n"));
                });
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
                              server: {session: {managed: false}}
                              tools:
                                - {name: slow, description: Slow, method: GET, path: /slow}
                      - name: pt
                        paths: [/pt]
                        strip_path: false
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                """.formatted(upstream.url()), Map.of(), false, Map.of(),
                new Limits(ListenerLimits.DEFAULT, ListenerLimits.DEFAULT, 100, 100, 3_600, 1, 500, false, false, List.of()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void aBackslashInAPassthroughPathReachesTheUpstreamEncoded() {
        upstream.clear();
        // (a backslash around a dot segment, /pt\..\admin, is refused: servers that take it for a slash resolve it)
        RawConnection.exchange(gateway.gateway().proxyPort(), "POST", "/pt\\x\\admin?q=a\\b", List.of("Host: 127.0.0.1",
                "Content-Type: application/json", "Content-Length: 2"), "{}".getBytes());
        RestUpstream.Received received = upstream.next();
        while (!received.method().equals("POST")) {
            received = upstream.next();
        }
        assertThat(received.uri()).isEqualTo("/pt%5Cx%5Cadmin?q=a%5Cb");
    }

    @Test
    void theHeadOfAGetStreamIsRelayedBeforeItsFirstEvent() {
        try (RawConnection http = RawConnection.connect(gateway.gateway().proxyPort(), 0)) {
            long started = System.nanoTime();
            http.send("GET", "/pt/stream", List.of("Host: 127.0.0.1", "Accept: text/event-stream"), null);
            RawConnection.Head head = http.head();
            long headMs = (System.nanoTime() - started) / 1_000_000;
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-type")).startsWith("text/event-stream");
            assertThat(headMs).as("the head arrived before the upstream's first event, 3 s later").isLessThan(2_000);
        }
    }

    @Test
    void aCallWaitingForABusyPoolSaysSoAfterThePoolWaitTimeout() {
        // one batch: both calls on one event loop, whose pool holds a single connection to the upstream
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        McpHttp.Response response = mcp.post("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":"
                + "\"slow\",\"arguments\":{}}},{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
                + "\"slow\",\"arguments\":{}}}]");
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JsonNode answers = response.json();
        String texts = answers.toString();
        assertThat(texts).contains("{\\\"slow\\\":true}");
        assertThat(texts).contains("service 'api' had no free connection within 500 ms: all 1 pooled connections were busy "
                + "(--upstream-pool-wait-timeout)").doesNotContain("connect_timeout");
    }
}
