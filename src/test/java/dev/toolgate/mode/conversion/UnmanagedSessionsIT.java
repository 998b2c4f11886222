package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;

import static dev.toolgate.testing.McpAssertions.assertRpcError;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code server.session.managed: false}: no sessions are issued or required, and there is no GET stream. */
@Timeout(30)
class UnmanagedSessionsIT {

    static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";

    static RestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream().json("GET /one", 200, "{\"ok\":true}");
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: stateless
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server:
                                session: {managed: false}
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
    void initializeIssuesNoSessionAndDoesNotPromiseListChangedNotifications() {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        McpHttp.Response init = mcp.initialize("2025-06-18");
        assertThat(init.status()).isEqualTo(200);
        assertThat(init.header("mcp-session-id")).isNull();
        assertThat(init.json().at("/result/protocolVersion").asText()).isEqualTo("2025-06-18");
        assertThat(init.json().at("/result/capabilities/tools/listChanged").asBoolean(true)).isFalse();
    }

    @Test
    void requestsWithoutSessionAreServed() {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        McpHttp.Response list = mcp.post(LIST);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().at("/result/tools/0/name").asText()).isEqualTo("one");
        JsonNode result = mcp.call("one", "{}");
        assertThat(result.get("isError").asBoolean()).isFalse();
        assertThat(result.at("/content/0/text").asText()).isEqualTo("{\"ok\":true}");
        assertThat(upstream.next().path()).isEqualTo("/one");
        McpHttp.Response notification = mcp.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        assertThat(notification.status()).isEqualTo(202);
    }

    @Test
    void anySessionHeaderIsIgnored() {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        mcp.sessionId("made-up-session-id");
        assertThat(mcp.post(LIST).status()).isEqualTo(200);
    }

    @Test
    void getStreamIsNotOfferedSo405AllowsOnlyPost() {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        McpHttp.Response get = mcp.send("GET", null, Map.of("accept", "text/event-stream"));
        assertRpcError(get, 405, -32000, "Method Not Allowed: GET (allowed: POST)");
        assertThat(get.header("allow")).isEqualTo("POST");
        assertThat(mcp.post(LIST).status()).isEqualTo(200);
    }

    @Test
    void deleteAndPutGet405AllowingOnlyPost() {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        McpHttp.Response delete = mcp.send("DELETE", null, Map.of("mcp-session-id", "x"));
        assertRpcError(delete, 405, -32000, "Method Not Allowed: DELETE (allowed: POST)");
        assertThat(delete.header("allow")).isEqualTo("POST");
        McpHttp.Response put = mcp.send("PUT", LIST, Map.of("content-type", "application/json"));
        assertRpcError(put, 405, -32000, "Method Not Allowed: PUT (allowed: POST)");
        assertThat(put.header("allow")).isEqualTo("POST");
        assertThat(mcp.post(LIST).status()).isEqualTo(200);
    }

    @Test
    void batchesFollowTheProtocolVersionHeader() {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        McpHttp.Response assumed = mcp.post("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]");
        assertThat(assumed.status()).as("no header: 2025-03-26 is assumed, which allows batches").isEqualTo(200);
        assertThat(assumed.json().isArray()).isTrue();

        McpHttp.Response newer = mcp.send("POST", "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]", Map.of(
                "content-type", "application/json", "accept", McpHttp.ACCEPT_BOTH, "mcp-protocol-version", "2025-06-18"));
        assertRpcError(newer, 400, -32600,
                "Invalid Request: JSON-RPC batches are only allowed with protocol version 2025-03-26, not 2025-06-18");
        assertThat(mcp.post(LIST).status()).isEqualTo(200);
    }
}
