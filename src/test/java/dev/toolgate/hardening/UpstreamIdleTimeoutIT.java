package dev.toolgate.hardening;

import dev.toolgate.gateway.Limits;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pooled upstream connection idle longer than {@code --upstream-keepalive-idle-timeout} is closed
 * rather than used: a POST, which is never sent twice, does not meet a connection the upstream
 * closes as it arrives ({@link IdleClosingUpstream}), in conversion or passthrough.
 */
@Timeout(60)
class UpstreamIdleTimeoutIT {

    static IdleClosingUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        upstream = new IdleClosingUpstream(300);
        Limits limits = Limits.DEFAULT;
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
                                - {name: create, description: Creates an item, method: POST, path: /create}
                      - name: pt
                        paths: [/pt]
                        strip_path: false
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                """.formatted(upstream.port()), Map.of(), false, Map.of(),
                new Limits(limits.proxy(), limits.admin(), limits.maxSessionsPerEndpoint(), limits.maxSessionsPerClient(),
                        limits.sessionIdleSeconds(), limits.upstreamPoolSize(), limits.upstreamPoolWaitMs(), 1_000,
                        false, false, limits.adminHostNames()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void aConvertedPostAfterAPauseLongerThanTheIdleTimeoutGoesOnANewConnection() throws InterruptedException {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        for (int call = 0; call < 2; call++) {
            if (call > 0) {
                Thread.sleep(1_500);
            }
            var result = mcp.call("create", "{}");
            assertThat(result.path("isError").asBoolean()).as("call %d: %s", call, result).isFalse();
        }
        assertThat(upstream.served("POST /create")).isEqualTo(2);
    }

    @Test
    void aPassthroughPostAfterAPauseLongerThanTheIdleTimeoutGoesOnANewConnection() throws InterruptedException {
        McpHttp pt = new McpHttp(gateway.proxy("/pt/post"));
        for (int call = 0; call < 2; call++) {
            if (call > 0) {
                Thread.sleep(1_500);
            }
            McpHttp.Response response = pt.post(BadInputGateway.LIST);
            assertThat(response.status()).as("call %d: %s", call, response).isEqualTo(200);
        }
        assertThat(upstream.served("POST /pt/post")).isEqualTo(2);
    }
}
