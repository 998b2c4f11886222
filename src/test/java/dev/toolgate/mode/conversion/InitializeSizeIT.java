package dev.toolgate.mode.conversion;

import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a session keeps of a large {@code initialize}: the client's name, version and capabilities come
 * from the client, as long as a body may be, and a session lives for hours.
 */
@Timeout(120)
class InitializeSizeIT {

    static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";

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
                      - name: memory
                        paths: [/memory]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: one, description: One, method: GET, path: /memory/one}
                      - name: sealed
                        paths: [/sealed]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server: {session: {strategy: client, client: {secrets: [a-secret-of-32-characters-long!!]}}}
                              tools:
                                - {name: one, description: One, method: GET, path: /sealed/one}
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static String initialize(String clientName, String capabilities) {
        return """
                {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18",
                 "capabilities":%s,"clientInfo":{"name":"%s","version":"1"}}}""".formatted(capabilities, clientName);
    }

    @Test
    void sessionsOpenedWithAMegabyteOfCapabilitiesEachDoNotKeepThatMegabyte() throws Exception {
        String capabilities = "{\"experimental\":{\"padding\":\"" + "x".repeat(1_000_000) + "\"}}";
        long before = heapAfterGc();
        for (int i = 0; i < 64; i++) {
            McpHttp mcp = new McpHttp(gateway.proxy("/memory"));
            McpHttp.Response init = mcp.post(initialize("big-" + i, capabilities));
            assertThat(init.status()).isEqualTo(200);
            mcp.sessionId(init.header("mcp-session-id"));
            assertThat(mcp.post(LIST).status()).isEqualTo(200);
        }
        long grown = heapAfterGc() - before;
        assertThat(grown).as("heap kept by 64 live sessions, in bytes").isLessThan(16L << 20);
    }

    @Test
    void aClientWithAVeryLongNameGetsASealedSessionItCanUse() {
        McpHttp mcp = new McpHttp(gateway.proxy("/sealed"));
        McpHttp.Response init = mcp.post(initialize("n".repeat(20_000), "{}"));
        assertThat(init.status()).isEqualTo(200);
        mcp.sessionId(init.header("mcp-session-id"));
        assertThat(mcp.sessionId().length()).as("the session id's length").isLessThan(2_000);
        assertThat(mcp.post(LIST).status()).isEqualTo(200);
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
