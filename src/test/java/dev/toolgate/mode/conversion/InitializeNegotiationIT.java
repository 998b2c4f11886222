package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.toolgate.testing.McpAssertions.assertRpcError;
import static dev.toolgate.testing.McpAssertions.assertStillServes;
import static org.assertj.core.api.Assertions.assertThat;

/** initialize: version negotiation, the advertised capabilities and server info, and bad params. */
@Timeout(30)
class InitializeNegotiationIT {

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
                      - name: catalog
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: one, description: One, method: GET, path: /mcp/one}
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @ParameterizedTest(name = "client {0} gets {1}")
    @CsvSource({"2025-03-26, 2025-03-26", "2025-06-18, 2025-06-18", "2025-11-25, 2025-11-25",
            "2099-01-01, 2025-11-25", "2024-11-05, 2025-11-25", "not-a-date, 2025-11-25"})
    void serverAnswersWithTheClientsVersionWhenItSpeaksItElseItsLatest(String requested, String negotiated) {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        McpHttp.Response init = mcp.initialize(requested);
        assertThat(init.status()).isEqualTo(200);
        assertThat(init.header("content-type")).startsWith("application/json");
        assertThat(init.json().at("/result/protocolVersion").asText()).isEqualTo(negotiated);
        assertThat(mcp.sessionId()).isNotNull();
        assertStillServes(mcp);
    }

    @Test
    void capabilitiesAdvertiseToolsWithListChangedAndServerInfoNamesTheRoute() {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        JsonNode result = mcp.initialize("2025-06-18").json().get("result");
        assertThat(result.at("/capabilities/tools/listChanged").asBoolean()).isTrue();
        assertThat(result.path("capabilities").fieldNames()).toIterable().containsExactly("tools");
        assertThat(result.at("/serverInfo/name").asText()).isEqualTo("toolgate");
        assertThat(result.at("/serverInfo/title").asText()).isEqualTo("Toolgate: catalog");
        assertThat(result.at("/serverInfo/version").asText()).isNotBlank();
        assertThat(mcp.post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\"}}")
                .json().get("id").asInt()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"protocolVersion\":20250618}", "{\"protocolVersion\":null}",
            "{\"capabilities\":{},\"clientInfo\":{\"name\":\"x\",\"version\":\"1\"}}"})
    void initializeWithoutAStringProtocolVersionGetsInvalidParamsAndNoSession(String params) {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        McpHttp.Response response = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":\"init\",\"method\":\"initialize\",\"params\":" + params + "}");
        JsonNode error = assertRpcError(response, 200, -32602, "Invalid params: initialize needs params.protocolVersion");
        assertThat(error.get("id").asText()).isEqualTo("init");
        assertThat(response.header("mcp-session-id")).isNull();

        mcp.initialize("2025-06-18");
        assertStillServes(mcp);
    }

    @Test
    void initializeWithoutParamsGetsInvalidParams() {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        assertRpcError(mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\"}"), 200, -32602,
                "Invalid params: initialize needs params.protocolVersion");
        mcp.initialize("2025-06-18");
        assertStillServes(mcp);
    }

    @Test
    void eachInitializeStartsAnIndependentSession() {
        McpHttp a = new McpHttp(gateway.proxy("/mcp"));
        McpHttp b = new McpHttp(gateway.proxy("/mcp"));
        a.initialize("2025-03-26");
        b.initialize("2025-11-25");
        assertThat(a.sessionId()).isNotEqualTo(b.sessionId());
        a.send("DELETE", null, java.util.Map.of("mcp-session-id", a.sessionId()));
        assertStillServes(b);
    }
}
