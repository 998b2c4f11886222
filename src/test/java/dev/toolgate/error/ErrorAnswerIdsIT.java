package dev.toolgate.error;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.Limits;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

import static dev.toolgate.testing.McpAssertions.assertRpcErrorStartingWith;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The id of the gateway's own JSON-RPC error answers, whatever their HTTP status: the id of the request answered,
 * exactly as sent, once the body was read and holds one request; {@code null} only where no id could be read (a
 * body that is not JSON, a batch), as JSON-RPC 2.0 §5 asks. A client matching answers to requests by id, and a
 * trace correlating by it, keep the link.
 */
@Timeout(60)
class ErrorAnswerIdsIT {

    static RestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        upstream = new RestUpstream();
        // one live session per client address: the second initialize is past the cap
        Limits onePerClient = new Limits(Limits.DEFAULT.proxy(), Limits.DEFAULT.admin(), 100_000, 1, 3_600, 256,
                5_000, false, false, List.of());
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
                                - {name: one, description: One, method: GET, path: /one}
                  - name: gone
                    url: http://127.0.0.1:%d/mcp
                    routes:
                      - {name: gone, paths: [/gone], plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener}}]}
                """.formatted(upstream.url(), closedPort()), Map.of(), false, Map.of(), onePerClient);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void anInitializePastTheClientAddressSessionCapIsAnswered503WithItsOwnId() {
        assertThat(new McpHttp(gateway.proxy("/mcp")).initialize("2025-06-18").status()).isEqualTo(200);

        McpHttp.Response refused = new McpHttp(gateway.proxy("/mcp")).post("{\"jsonrpc\":\"2.0\",\"id\":1,"
                + "\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");

        JsonNode error = assertRpcErrorStartingWith(refused, 503, -32000,
                "Service Unavailable: this client address has as many live sessions");
        assertThat(Json.text(error.get("id"))).isEqualTo("1");
    }

    @Test
    void aRequestToAPassthroughServerThatIsDownIsAnswered502WithItsIdExactlyAsSent() {
        McpHttp client = new McpHttp(gateway.proxy("/gone"));
        for (String id : new String[]{"1", "\"call-1\"", "123456789012345678901234567890"}) {
            McpHttp.Response failed = client.post("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/list\"}");

            JsonNode error = assertRpcErrorStartingWith(failed, 502, -32603, "Bad Gateway: service 'gone'");
            assertThat(Json.text(error.get("id"))).isEqualTo(id);
        }
    }

    @Test
    void aRequestInASessionMissingOrUnknownIsAnsweredWithItsOwnId() {
        McpHttp.Response missing = new McpHttp(gateway.proxy("/mcp"))
                .post("{\"jsonrpc\":\"2.0\",\"id\":\"no-session\",\"method\":\"tools/list\"}");
        McpHttp unknownSession = new McpHttp(gateway.proxy("/mcp"));
        unknownSession.sessionId("not-a-session-of-this-gateway");
        McpHttp.Response unknown = unknownSession.post("{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"tools/list\"}");

        assertThat(Json.text(assertRpcErrorStartingWith(missing, 400, -32000, "Bad Request: Mcp-Session-Id")
                .get("id"))).isEqualTo("\"no-session\"");
        assertThat(Json.text(assertRpcErrorStartingWith(unknown, 404, -32001, "Session not found").get("id")))
                .isEqualTo("42");
    }

    @Test
    void aBodyThatIsNotJsonOrIsABatchIsStillAnsweredWithIdNull() {
        McpHttp conversion = new McpHttp(gateway.proxy("/mcp"));
        McpHttp passthrough = new McpHttp(gateway.proxy("/gone"));

        assertIdNull(conversion.post("{\"jsonrpc\":\"2.0\",\"id\":1,"), 400, -32700, "Parse error");
        // a batch that cannot be read to its end is not forwarded; an object is, whatever it holds
        assertIdNull(passthrough.post("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},"), 400, -32700,
                "Parse error");
        assertIdNull(passthrough.post("{\"jsonrpc\":\"2.0\",\"id\":1,"), 502, -32603, "Bad Gateway");
        assertIdNull(passthrough.post("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]"), 502, -32603,
                "Bad Gateway");
    }

    private static void assertIdNull(McpHttp.Response response, int status, int code, String prefix) {
        JsonNode error = assertRpcErrorStartingWith(response, status, code, prefix);
        assertThat(error.has("id") && error.get("id").isNull()).as(response.toString()).isTrue();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
