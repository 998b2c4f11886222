package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static dev.toolgate.testing.McpAssertions.assertRpcError;
import static dev.toolgate.testing.McpAssertions.assertRpcErrorStartingWith;
import static dev.toolgate.testing.McpAssertions.assertStillServes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a client sees for bodies that are not JSON, JSON that is not JSON-RPC, and well-formed
 * requests the endpoint cannot answer: the status, code and message of the error catalog, the
 * request id when it could be read, and a gateway that keeps serving.
 */
@Timeout(30)
class JsonRpcEnvelopeIT {

    static RestUpstream upstream;
    static TestGateway gateway;
    McpHttp mcp;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream().json("GET /users", 200, "[]");
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: users
                    url: %s
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: list_users, description: List users, method: GET, path: /mcp/users}
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void session() {
        mcp = new McpHttp(gateway.proxy("/mcp"));
        mcp.initialize("2025-06-18");
    }

    @Test
    void truncatedJsonGets400ParseErrorWithoutIdAndTheNextRequestIsServed() {
        JsonNode body = assertRpcErrorStartingWith(mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,"), 400, -32700, "Parse error: ");
        assertThat(body.get("id").isNull()).isTrue();
        assertStillServes(mcp);
    }

    @Test
    void trailingGarbageAfterAValidMessageIsAParseError() {
        assertRpcErrorStartingWith(mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"} {}"), 400, -32700,
                "Parse error: ");
        assertStillServes(mcp);
    }

    @Test
    void emptyBodyIsAParseErrorSayingTheBodyIsEmpty() {
        assertRpcError(mcp.post(""), 400, -32700, "Parse error: the body is empty");
        assertStillServes(mcp);
    }

    static Stream<Arguments> invalidEnvelopes() {
        return Stream.of(
                Arguments.of("{\"jsonrpc\":\"1.0\",\"id\":5,\"method\":\"tools/list\"}", "5",
                        "Invalid Request: \"jsonrpc\" must be \"2.0\""),
                Arguments.of("{\"id\":\"no-version\",\"method\":\"tools/list\"}", "\"no-version\"",
                        "Invalid Request: \"jsonrpc\" must be \"2.0\""),
                Arguments.of("{\"jsonrpc\":\"2.0\",\"id\":6}", "6",
                        "Invalid Request: a message needs \"method\" (request or notification) or \"result\"/\"error\" (response)"),
                Arguments.of("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"tools/list\"}", "null",
                        "Invalid Request: \"id\" must be a string or an integer (null is not allowed)"),
                Arguments.of("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"tools/list\"}", "null",
                        "Invalid Request: \"id\" must be a string or an integer, not a number with a fraction or an exponent"),
                Arguments.of("{\"jsonrpc\":\"2.0\",\"id\":{\"n\":1},\"method\":\"tools/list\"}", "null",
                        "Invalid Request: \"id\" must be a string or an integer, not an object"),
                Arguments.of("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/list\",\"params\":\"all\"}", "8",
                        "Invalid Request: \"params\" must be an object or an array"),
                Arguments.of("{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{},\"error\":{\"code\":1,\"message\":\"x\"}}", "9",
                        "Invalid Request: a response has either \"result\" or \"error\", not both"),
                Arguments.of("{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"\"}", "10",
                        "Invalid Request: \"method\" must be a non-empty string"),
                Arguments.of("{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":42}", "11",
                        "Invalid Request: \"method\" must be a non-empty string"),
                Arguments.of("42", "null", "Invalid Request: a JSON-RPC message must be a JSON object"),
                Arguments.of("\"tools/list\"", "null", "Invalid Request: a JSON-RPC message must be a JSON object"),
                Arguments.of("null", "null", "Invalid Request: a JSON-RPC message must be a JSON object"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidEnvelopes")
    void jsonThatIsNotJsonRpcGets400InvalidRequestWithTheIdWhenReadable(String body, String id, String message) {
        JsonNode error = assertRpcError(mcp.post(body), 400, -32600, message);
        assertThat(error.get("id").toString()).isEqualTo(id);
        assertStillServes(mcp);
    }

    @Test
    void jsonrpcVersionGivenAsANumberIsNotTheString20() {
        // JSON-RPC 2.0: "jsonrpc" MUST be exactly the string "2.0"; the number 2.0 is not that string.
        JsonNode error = assertRpcError(mcp.post("{\"jsonrpc\":2.0,\"id\":12,\"method\":\"tools/list\"}"), 400, -32600,
                "Invalid Request: \"jsonrpc\" must be \"2.0\"");
        assertThat(error.get("id").asInt()).isEqualTo(12);
        assertStillServes(mcp);
    }

    @Test
    void unknownMethodGets200MethodNotFoundWithTheId() {
        JsonNode error = assertRpcError(mcp.post("{\"jsonrpc\":\"2.0\",\"id\":\"r-1\",\"method\":\"resources/list\"}"),
                200, -32601, "Method not found: resources/list");
        assertThat(error.get("id").asText()).isEqualTo("r-1");
        assertStillServes(mcp);
    }

    @Test
    void toolsCallWithoutNameGetsInvalidParams() {
        JsonNode error = assertRpcError(mcp.post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{}}"),
                200, -32602, "Invalid params: tools/call needs params.name (a string)");
        assertThat(error.get("id").asInt()).isEqualTo(3);
        assertRpcError(mcp.post("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\"}"),
                200, -32602, "Invalid params: tools/call needs params.name (a string)");
        assertRpcError(mcp.post("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":7}}"),
                200, -32602, "Invalid params: tools/call needs params.name (a string)");
        assertStillServes(mcp);
        assertThat(upstream.pending()).isZero();
    }

    @Test
    void toolsCallWithArgumentsThatAreNotAnObjectGetsInvalidParamsAndNothingIsSent() throws InterruptedException {
        for (String arguments : new String[] {"[]", "\"x\"", "3"}) {
            assertRpcError(mcp.post("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\",\"params\":{\"name\":\"list_users\","
                    + "\"arguments\":" + arguments + "}}"), 200, -32602, "Invalid params: arguments must be an object");
        }
        assertThat(upstream.quiet(java.time.Duration.ofMillis(200))).isTrue();
        assertStillServes(mcp);
    }

    @Test
    void unknownToolGetsInvalidParamsNamingTheTool() {
        JsonNode error = assertRpcError(mcp.post("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"x\","
                + "\"arguments\":{}}}"), 200, -32602, "Unknown tool: x");
        assertThat(error.get("id").asInt()).isEqualTo(7);
        assertStillServes(mcp);
        assertThat(mcp.call("list_users", "{}").path("isError").asBoolean()).isFalse();
        assertThat(upstream.next().path()).isEqualTo("/users");
    }

    @Test
    void idsOfEveryAllowedShapeComeBackUnchanged() {
        assertThat(mcp.post("{\"jsonrpc\":\"2.0\",\"id\":\"a-string\",\"method\":\"ping\"}").json().get("id").asText())
                .isEqualTo("a-string");
        assertThat(mcp.post("{\"jsonrpc\":\"2.0\",\"id\":9007199254740993,\"method\":\"ping\"}").body())
                .contains("\"id\":9007199254740993");
        assertThat(mcp.post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"ping\"}").body())
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":{}}");
    }
}
