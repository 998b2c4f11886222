package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static dev.toolgate.testing.McpAssertions.assertRpcError;
import static dev.toolgate.testing.McpAssertions.assertStillServes;
import static org.assertj.core.api.Assertions.assertThat;

/** JSON-RPC batches: answered in request order under 2025-03-26, refused under later revisions. */
@Timeout(30)
class BatchIT {

    static RestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream()
                .json("GET /fast", 200, "{\"speed\":\"fast\"}")
                .on("GET /slow", r -> Vertx.currentContext().owner().setTimer(400, t ->
                        r.response().putHeader("content-type", "application/json").end("{\"speed\":\"slow\"}")));
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
                              tools:
                                - {name: fast, description: Fast, method: GET, path: /mcp/fast}
                                - {name: slow, description: Slow, method: GET, path: /mcp/slow}
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static McpHttp session(String version) {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        mcp.initialize(version);
        return mcp;
    }

    @Test
    void batchUnder20250326IsAnsweredWithAnArrayOfTheRequestsResponsesInOrder() {
        McpHttp mcp = session("2025-03-26");
        McpHttp.Response response = mcp.post("""
                [{"jsonrpc":"2.0","id":1,"method":"tools/list"},
                 {"jsonrpc":"2.0","id":"two","method":"ping"},
                 {"jsonrpc":"2.0","method":"notifications/initialized"}]""");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("content-type")).startsWith("application/json");
        JsonNode answers = response.json();
        assertThat(answers.isArray()).isTrue();
        assertThat(answers).hasSize(2);
        assertThat(answers.get(0).get("id").asInt()).isEqualTo(1);
        assertThat(answers.get(0).at("/result/tools").size()).isEqualTo(2);
        assertThat(answers.get(1).get("id").asText()).isEqualTo("two");
        assertThat(answers.get(1).get("result").isEmpty()).isTrue();
    }

    @Test
    void slowFirstCallStillComesFirstInTheAnswer() {
        McpHttp mcp = session("2025-03-26");
        JsonNode answers = mcp.post("""
                [{"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"slow","arguments":{}}},
                 {"jsonrpc":"2.0","id":"b","method":"tools/call","params":{"name":"fast","arguments":{}}},
                 {"jsonrpc":"2.0","id":"c","method":"ping"}]""").json();
        assertThat(answers).hasSize(3);
        assertThat(answers.get(0).get("id").asText()).isEqualTo("a");
        assertThat(answers.get(0).at("/result/content/0/text").asText()).isEqualTo("{\"speed\":\"slow\"}");
        assertThat(answers.get(1).get("id").asText()).isEqualTo("b");
        assertThat(answers.get(1).at("/result/content/0/text").asText()).isEqualTo("{\"speed\":\"fast\"}");
        assertThat(answers.get(2).get("id").asText()).isEqualTo("c");
    }

    @Test
    void batchUnder20250618Gets400() {
        McpHttp mcp = session("2025-06-18");
        assertRpcError(mcp.post("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]"), 400, -32600,
                "Invalid Request: JSON-RPC batches are only allowed with protocol version 2025-03-26, not 2025-06-18");
        assertStillServes(mcp);
    }

    @Test
    void batchUnder20251125Gets400() {
        McpHttp mcp = session("2025-11-25");
        assertRpcError(mcp.post("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]"), 400, -32600,
                "Invalid Request: JSON-RPC batches are only allowed with protocol version 2025-03-26, not 2025-11-25");
        assertStillServes(mcp);
    }

    @Test
    void emptyBatchGets400() {
        McpHttp mcp = session("2025-03-26");
        assertRpcError(mcp.post("[]"), 400, -32600, "Invalid Request: an empty batch");
        assertStillServes(mcp);
    }

    @Test
    void initializeInsideABatchIsAnErrorElementAndTheRestIsAnswered() {
        McpHttp mcp = session("2025-03-26");
        JsonNode answers = mcp.post("""
                [{"jsonrpc":"2.0","id":5,"method":"initialize","params":{"protocolVersion":"2025-03-26"}},
                 {"jsonrpc":"2.0","id":6,"method":"ping"}]""").json();
        assertThat(answers).hasSize(2);
        assertThat(answers.get(0).get("id").asInt()).isEqualTo(5);
        assertThat(answers.get(0).at("/error/code").asInt()).isEqualTo(-32600);
        assertThat(answers.get(0).at("/error/message").asText())
                .isEqualTo("Invalid Request: initialize cannot be part of a batch");
        assertThat(answers.get(1).get("id").asInt()).isEqualTo(6);
        assertThat(answers.get(1).has("result")).isTrue();
        assertStillServes(mcp);
    }

    @Test
    void invalidAndUnknownElementsGetTheirOwnErrorsInPlace() {
        McpHttp mcp = session("2025-03-26");
        JsonNode answers = mcp.post("""
                [42,
                 {"jsonrpc":"1.0","id":2,"method":"ping"},
                 {"jsonrpc":"2.0","id":3,"method":"prompts/list"},
                 {"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"nope"}},
                 {"jsonrpc":"2.0","id":5,"method":"ping"}]""").json();
        assertThat(answers).hasSize(5);
        assertThat(answers.get(0).get("id").isNull()).isTrue();
        assertThat(answers.get(0).at("/error/code").asInt()).isEqualTo(-32600);
        assertThat(answers.get(1).get("id").asInt()).isEqualTo(2);
        assertThat(answers.get(1).at("/error/code").asInt()).isEqualTo(-32600);
        assertThat(answers.get(2).at("/error/code").asInt()).isEqualTo(-32601);
        assertThat(answers.get(2).at("/error/message").asText()).isEqualTo("Method not found: prompts/list");
        assertThat(answers.get(3).at("/error/message").asText()).isEqualTo("Unknown tool: nope");
        assertThat(answers.get(4).has("result")).isTrue();
    }

    @Test
    void batchOfOnlyNotificationsAndResponsesGets202WithAnEmptyBody() {
        McpHttp mcp = session("2025-03-26");
        McpHttp.Response response = mcp.post("""
                [{"jsonrpc":"2.0","method":"notifications/initialized"},
                 {"jsonrpc":"2.0","id":"srv-1","result":{}}]""");
        assertThat(response.status()).isEqualTo(202);
        assertThat(response.body()).isEmpty();
        assertStillServes(mcp);
    }

    @Test
    void batchWithoutSessionGets400MissingSession() {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        assertRpcError(mcp.post("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]"), 400, -32000,
                "Bad Request: Mcp-Session-Id header is required (send initialize first to get one)");
    }
}
