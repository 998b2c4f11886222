package dev.toolgate.mode.conversion;

import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static dev.toolgate.testing.McpAssertions.assertRpcError;
import static dev.toolgate.testing.McpAssertions.assertStillServes;
import static org.assertj.core.api.Assertions.assertThat;

/** Mcp-Session-Id: issued by initialize, required afterwards, bound to one endpoint, ended by DELETE. */
@Timeout(30)
class SessionLifecycleIT {

    static final String MISSING = "Bad Request: Mcp-Session-Id header is required (send initialize first to get one)";
    static final String UNKNOWN = "Session not found: it expired or was terminated; send initialize to start a new one";
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
                      - name: first
                        paths: [/first]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: one, description: One, method: GET, path: /first/one}
                      - name: second
                        paths: [/second]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: two, description: Two, method: GET, path: /second/two}
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void sessionIdsAre22UrlSafeCharactersAndDifferPerInitialize() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            McpHttp mcp = new McpHttp(gateway.proxy("/first"));
            McpHttp.Response init = mcp.initialize("2025-06-18");
            assertThat(init.status()).isEqualTo(200);
            assertThat(mcp.sessionId()).matches("[A-Za-z0-9_-]{22}");
            ids.add(mcp.sessionId());
        }
        assertThat(ids).hasSize(5);
    }

    @Test
    void requestWithoutSessionGets400AndTheNextGoodRequestIsServed() {
        McpHttp mcp = new McpHttp(gateway.proxy("/first"));
        assertRpcError(mcp.post(LIST), 400, -32000, MISSING);
        assertRpcError(mcp.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"), 400, -32000, MISSING);
        mcp.initialize("2025-06-18");
        assertStillServes(mcp);
    }

    @Test
    void emptySessionHeaderCountsAsMissing() {
        McpHttp mcp = new McpHttp(gateway.proxy("/first"));
        McpHttp.Response response = mcp.send("POST", LIST, Map.of("content-type", "application/json",
                "accept", McpHttp.ACCEPT_BOTH, "mcp-session-id", ""));
        assertRpcError(response, 400, -32000, MISSING);
    }

    @Test
    void unknownSessionGets404AndTheNextGoodRequestIsServed() {
        McpHttp mcp = new McpHttp(gateway.proxy("/first"));
        mcp.sessionId("AAAAAAAAAAAAAAAAAAAAAA");
        assertRpcError(mcp.post(LIST), 404, -32001, UNKNOWN);
        assertRpcError(mcp.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"), 404, -32001, UNKNOWN);
        mcp.sessionId(null);
        mcp.initialize("2025-06-18");
        assertStillServes(mcp);
    }

    @Test
    void deletedSessionGets404OnReuseAndANewInitializeWorks() {
        McpHttp mcp = new McpHttp(gateway.proxy("/first"));
        mcp.initialize("2025-06-18");
        assertStillServes(mcp);
        McpHttp.Response deleted = mcp.send("DELETE", null, Map.of("mcp-session-id", mcp.sessionId()));
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.body()).isEmpty();

        assertRpcError(mcp.post(LIST), 404, -32001, UNKNOWN);
        assertRpcError(mcp.send("DELETE", null, Map.of("mcp-session-id", mcp.sessionId())), 404, -32001, UNKNOWN);

        mcp.sessionId(null);
        mcp.initialize("2025-06-18");
        assertStillServes(mcp);
    }

    @Test
    void deleteWithoutSessionGets400() {
        McpHttp mcp = new McpHttp(gateway.proxy("/first"));
        assertRpcError(mcp.send("DELETE", null, Map.of()), 400, -32000, MISSING);
        mcp.initialize("2025-06-18");
        assertStillServes(mcp);
    }

    @Test
    void sessionOfAnotherRoutesEndpointIsUnknownHere() {
        McpHttp first = new McpHttp(gateway.proxy("/first"));
        first.initialize("2025-06-18");
        McpHttp second = new McpHttp(gateway.proxy("/second"));
        second.sessionId(first.sessionId());

        assertRpcError(second.post(LIST), 404, -32001, UNKNOWN);
        assertRpcError(second.send("DELETE", null, Map.of("mcp-session-id", first.sessionId())), 404, -32001, UNKNOWN);

        assertStillServes(first);
        assertThat(first.post(LIST).json().at("/result/tools/0/name").asText()).isEqualTo("one");
        second.sessionId(null);
        second.initialize("2025-06-18");
        assertThat(second.post(LIST).json().at("/result/tools/0/name").asText()).isEqualTo("two");
    }

    @Test
    void initializeNeedsNoSessionAndIgnoresAStaleOne() {
        McpHttp mcp = new McpHttp(gateway.proxy("/first"));
        mcp.sessionId("stale-session-id-000000");
        McpHttp.Response init = mcp.post("""
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},
                 "clientInfo":{"name":"t","version":"1"}}}""");
        assertThat(init.status()).isEqualTo(200);
        assertThat(init.header("mcp-session-id")).isNotEqualTo("stale-session-id-000000").matches("[A-Za-z0-9_-]{22}");
    }
}
