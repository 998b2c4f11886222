package dev.toolgate.hardening;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.Map;

import static dev.toolgate.testing.McpAssertions.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upstream that closes idle keep-alive connections sooner than the gateway forgets them, and a
 * request that reuses one as it closes ({@link IdleClosingUpstream} makes that race happen on every
 * such reuse): an idempotent request is sent once more on a new connection, for a converted tool call
 * and through passthrough; a POST, which the server may have read, is never sent twice and fails; and
 * a service with {@code retries: 0} sends nothing twice.
 */
@Timeout(60)
class StaleUpstreamConnectionIT {

    /** The upstreams close connections idle this long... */
    static final long UPSTREAM_IDLE_MS = 300;
    /** ...and the calls come this far apart, well within the gateway's own idle bound (4 s by default). */
    static final long PAUSE_MS = 700;

    // one upstream per pair of tests that would otherwise meet each other's pooled connections (a
    // converted call and passthrough use pools of their own): a POST test's first call must start fresh
    static IdleClosingUpstream upstream;
    static IdleClosingUpstream writes;
    static IdleClosingUpstream noRetries;
    static TestGateway gateway;
    static McpHttp mcp;

    @BeforeAll
    static void start() throws IOException {
        upstream = new IdleClosingUpstream(UPSTREAM_IDLE_MS);
        writes = new IdleClosingUpstream(UPSTREAM_IDLE_MS);
        noRetries = new IdleClosingUpstream(UPSTREAM_IDLE_MS);
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: http://127.0.0.1:%d
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server: {session: {managed: false}}
                              tools:
                                - {name: items, description: Lists items, method: GET, path: /items}
                      - name: pt
                        paths: [/pt]
                        strip_path: false
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                  - name: writes
                    url: http://127.0.0.1:%d
                    routes:
                      - name: mcp-writes
                        paths: [/writes]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server: {session: {managed: false}}
                              tools:
                                - {name: create, description: Creates an item, method: POST, path: /create}
                      - name: pt-writes
                        paths: [/ptw]
                        strip_path: false
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                  - name: once
                    url: http://127.0.0.1:%d
                    retries: 0
                    routes:
                      - name: mcp-once
                        paths: [/once]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server: {session: {managed: false}}
                              tools:
                                - {name: look, description: Looks, method: GET, path: /look}
                """.formatted(upstream.port(), writes.port(), noRetries.port()));
        mcp = new McpHttp(gateway.proxy("/mcp"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
        writes.close();
        noRetries.close();
    }

    @Test
    void aConvertedGetOnAConnectionTheUpstreamClosedWhenIdleIsSentAgainOnANewOne() throws InterruptedException {
        int dropped = upstream.dropped();
        for (int call = 0; call < 4; call++) {
            if (call > 0) {
                Thread.sleep(PAUSE_MS);
            }
            JsonNode result = mcp.call("items", "{}");
            assertThat(result.path("isError").asBoolean()).as("call %d: %s", call, result).isFalse();
            assertThat(text(result)).contains("\"ok\":true");
        }
        assertThat(upstream.dropped() - dropped).as("calls that met a connection closing under them").isGreaterThan(0);
        assertThat(upstream.served("GET /items")).isEqualTo(4);
    }

    @Test
    void aPassthroughGetOnAConnectionTheUpstreamClosedWhenIdleIsSentAgainOnANewOne() throws InterruptedException {
        McpHttp pt = new McpHttp(gateway.proxy("/pt/stream"));
        int dropped = upstream.dropped();
        for (int call = 0; call < 4; call++) {
            if (call > 0) {
                Thread.sleep(PAUSE_MS);
            }
            McpHttp.Response response = pt.send("GET", null, Map.of("accept", "application/json, text/event-stream"));
            assertThat(response.status()).as("call %d: %s", call, response).isEqualTo(200);
        }
        assertThat(upstream.dropped() - dropped).as("calls that met a connection closing under them").isGreaterThan(0);
        assertThat(upstream.served("GET /pt/stream")).isEqualTo(4);
    }

    @Test
    void aConvertedPostOnAConnectionTheUpstreamClosedWhenIdleFailsAndIsNeverSentTwice() throws InterruptedException {
        McpHttp creating = new McpHttp(gateway.proxy("/writes"));
        assertThat(creating.call("create", "{}").path("isError").asBoolean()).isFalse();
        Thread.sleep(PAUSE_MS);
        JsonNode result = creating.call("create", "{}");
        assertThat(result.path("isError").asBoolean()).as(result.toString()).isTrue();
        assertThat(text(result)).contains("service 'writes'").doesNotContain("127.0.0.1");
        assertThat(writes.served("POST /create")).isEqualTo(1);
    }

    @Test
    void aPassthroughPostOnAConnectionTheUpstreamClosedWhenIdleAnswers502AndIsNeverSentTwice()
            throws InterruptedException {
        McpHttp pt = new McpHttp(gateway.proxy("/ptw/post"));
        assertThat(pt.post(BadInputGateway.LIST).status()).isEqualTo(200);
        Thread.sleep(PAUSE_MS);
        McpHttp.Response response = pt.post(BadInputGateway.LIST);
        assertThat(response.status()).as(response.toString()).isEqualTo(502);
        assertThat(response.body()).contains("service 'writes'").doesNotContain("127.0.0.1");
        assertThat(writes.served("POST /ptw/post")).isEqualTo(1);
    }

    @Test
    void aPassthroughGetCarryingAMessageOnAConnectionTheUpstreamClosedWhenIdleIsNeverSentTwice()
            throws InterruptedException {
        // a server may read a GET's body (a tools/call in it) as it reads a POST's: whether it did is unknown
        McpHttp pt = new McpHttp(gateway.proxy("/ptw/get"));
        Map<String, String> headers = Map.of("accept", "application/json, text/event-stream",
                "content-type", "application/json");
        assertThat(pt.send("GET", BadInputGateway.LIST, headers).status()).isEqualTo(200);
        Thread.sleep(PAUSE_MS);
        McpHttp.Response response = pt.send("GET", BadInputGateway.LIST, headers);
        assertThat(response.status()).as(response.toString()).isEqualTo(502);
        assertThat(writes.served("GET /ptw/get")).isEqualTo(1);
    }

    @Test
    void aServiceWithRetriesZeroSendsNoRequestTwice() throws InterruptedException {
        McpHttp once = new McpHttp(gateway.proxy("/once"));
        assertThat(once.call("look", "{}").path("isError").asBoolean()).isFalse();
        Thread.sleep(PAUSE_MS);
        JsonNode result = once.call("look", "{}");
        assertThat(result.path("isError").asBoolean()).as(result.toString()).isTrue();
        assertThat(text(result)).contains("service 'once'");
        assertThat(noRetries.served("GET /look")).isEqualTo(1);
        assertThat(noRetries.dropped()).isEqualTo(1);
    }
}
