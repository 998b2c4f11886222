package dev.toolgate.mode.conversion;

import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RawHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.toolgate.testing.McpAssertions.assertRpcError;
import static dev.toolgate.testing.McpAssertions.assertStillServes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The streamable-HTTP rules checked before a message is read: protocol version header, Accept,
 * Content-Type, Origin, HTTP method; and the empty 202 for notifications and responses.
 */
@Timeout(30)
class TransportHeadersIT {

    static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";

    static RestUpstream upstream;
    static TestGateway gateway;
    McpHttp mcp;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream();
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
                              server:
                                allowed_origins: [https://app.example.com, "http://tools.example.com:8080"]
                              tools:
                                - {name: one, description: One, method: GET, path: /mcp/one}
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

    private Map<String, String> headers(String... extra) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("accept", McpHttp.ACCEPT_BOTH);
        headers.put("mcp-session-id", mcp.sessionId());
        for (int i = 0; i < extra.length; i += 2) {
            if (extra[i + 1] == null) {
                headers.remove(extra[i]);
            } else {
                headers.put(extra[i], extra[i + 1]);
            }
        }
        return headers;
    }

    @Test
    void unsupportedProtocolVersionHeaderGets400ListingTheSupportedOnes() {
        assertRpcError(mcp.send("POST", LIST, headers("mcp-protocol-version", "2024-11-05")), 400, -32000,
                "Bad Request: unsupported MCP-Protocol-Version '2024-11-05' (supported: 2025-03-26, 2025-06-18, 2025-11-25)");
        assertStillServes(mcp);
    }

    /** Not a revision of either era: the legacy answer, not the 2026 one telling the client to switch eras. */
    @ParameterizedTest
    @ValueSource(strings = {"garbage", "v999", "2026-7-28"})
    void aHeaderThatNamesNoRevisionGetsTheLegacyRefusalNotTheModernOne(String header) {
        assertRpcError(mcp.send("POST", LIST, headers("mcp-protocol-version", header)), 400, -32000,
                "Bad Request: unsupported MCP-Protocol-Version '" + header
                        + "' (supported: 2025-03-26, 2025-06-18, 2025-11-25)");
        assertStillServes(mcp);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-11-05", "2026-07-28", "2099-01-01"})
    void anInitializeIsNegotiatedFromItsBodyWhateverVersionItsHeaderNames(String header) {
        String initialize = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{"
                + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
        McpHttp.Response response = mcp.send("POST", initialize,
                headers("mcp-session-id", null, "mcp-protocol-version", header));
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        assertThat(response.json().at("/result/protocolVersion").asText()).isEqualTo("2025-06-18");

        McpHttp opened = new McpHttp(gateway.proxy("/mcp"));
        opened.sessionId(response.header("mcp-session-id"));
        assertStillServes(opened);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-03-26", "2025-06-18", "2025-11-25"})
    void supportedProtocolVersionHeadersPass(String version) {
        McpHttp.Response response = mcp.send("POST", LIST, headers("mcp-protocol-version", version));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().at("/result/tools/0/name").asText()).isEqualTo("one");
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "text/event-stream", "text/html", "application/json, text/event-stream;q=0"})
    void acceptWithoutBothJsonAndEventStreamGets406(String accept) {
        assertRpcError(mcp.send("POST", LIST, headers("accept", accept)), 406, -32000,
                "Not Acceptable: the Accept header must allow both application/json and text/event-stream");
        assertStillServes(mcp);
    }

    @Test
    void missingAcceptGets406() {
        assertRpcError(mcp.send("POST", LIST, headers("accept", null)), 406, -32000,
                "Not Acceptable: the Accept header must allow both application/json and text/event-stream");
        assertStillServes(mcp);
    }

    @ParameterizedTest
    @ValueSource(strings = {"*/*", "application/*, text/*", "text/event-stream, application/json;q=0.5"})
    void wildcardAndWeightedAcceptPass(String accept) {
        assertThat(mcp.send("POST", LIST, headers("accept", accept)).status()).isEqualTo(200);
    }

    @Test
    void acceptSplitOverTwoHeaderLinesIsOneListAndPasses() {
        URI target = gateway.proxy("/mcp");
        byte[] body = LIST.getBytes(StandardCharsets.UTF_8);
        RawHttp.Response response = RawHttp.exchange(target, RawHttp.start("POST", target)
                + "Content-Type: application/json\r\nAccept: application/json\r\nAccept: text/event-stream\r\n"
                + "Mcp-Session-Id: " + mcp.sessionId() + "\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n", body);
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        assertThat(response.body()).contains("\"name\":\"one\"");
    }

    @Test
    void aStreamGetReadsEveryAcceptLine() {
        URI target = gateway.proxy("/mcp");
        RawHttp.Response response = RawHttp.exchange(target, RawHttp.start("GET", target)
                + "Accept: application/json\r\nAccept: text/event-stream\r\nConnection: close\r\n", null);
        // past the Accept check to the session check: without a session id the GET is a 400, not a 406
        assertThat(response.status()).as("%s", response).isEqualTo(400);
        assertThat(response.body()).contains("Mcp-Session-Id header is required");
    }

    @Test
    void textPlainBodyGets415() {
        assertRpcError(mcp.send("POST", LIST, headers("content-type", "text/plain")), 415, -32000,
                "Unsupported Media Type: Content-Type must be application/json, got 'text/plain'");
        assertStillServes(mcp);
    }

    @Test
    void missingContentTypeGets415() {
        assertRpcError(mcp.send("POST", LIST, headers("content-type", null)), 415, -32000,
                "Unsupported Media Type: Content-Type must be application/json, got ''");
        assertStillServes(mcp);
    }

    @Test
    void jsonWithCharsetParameterIsJson() {
        assertThat(mcp.send("POST", LIST, headers("content-type", "Application/JSON; charset=utf-8")).status())
                .isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://evil.example", "http://app.example.com", "https://app.example.com.evil.example",
            "null", "http://localhost.evil.example"})
    void foreignOriginGets403(String origin) {
        assertRpcError(mcp.send("POST", LIST, headers("origin", origin)), 403, -32000,
                "Forbidden: Origin '" + origin + "' is not allowed to call this endpoint");
        assertStillServes(mcp);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost:3000", "http://127.0.0.1:5173", "http://[::1]:8080"})
    void unlistedLoopbackOriginGets403WhenAnAllowListIsConfigured(String origin) {
        assertRpcError(mcp.send("POST", LIST, headers("origin", origin)), 403, -32000,
                "Forbidden: Origin '" + origin + "' is not allowed to call this endpoint");
        assertStillServes(mcp);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://app.example.com", "HTTPS://APP.EXAMPLE.COM", "https://app.example.com:443",
            "http://tools.example.com:8080"})
    void configuredOriginsPass(String origin) {
        McpHttp.Response response = mcp.send("POST", LIST, headers("origin", origin));
        assertThat(response.status()).as("%s", response).isEqualTo(200);
    }

    @Test
    void foreignOriginCannotInitializeEither() {
        McpHttp.Response response = new McpHttp(gateway.proxy("/mcp")).send("POST", """
                {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},
                 "clientInfo":{"name":"t","version":"1"}}}""", Map.of("content-type", "application/json",
                "accept", McpHttp.ACCEPT_BOTH, "origin", "https://evil.example"));
        assertThat(response.status()).isEqualTo(403);
        assertThat(response.header("mcp-session-id")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"PUT", "PATCH"})
    void otherMethodsGet405WithAllowHeader(String method) {
        McpHttp.Response response = mcp.send(method, LIST, headers());
        assertRpcError(response, 405, -32000, "Method Not Allowed: " + method + " (allowed: GET, POST, DELETE)");
        assertThat(response.header("allow")).isEqualTo("GET, POST, DELETE");
        assertStillServes(mcp);
    }

    @Test
    void notificationsGet202WithAnEmptyBody() {
        McpHttp.Response response = mcp.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        assertThat(response.status()).isEqualTo(202);
        assertThat(response.body()).isEmpty();
        McpHttp.Response cancel = mcp.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                + "\"params\":{\"requestId\":99,\"reason\":\"nothing in flight\"}}");
        assertThat(cancel.status()).isEqualTo(202);
        assertThat(cancel.body()).isEmpty();
        assertStillServes(mcp);
    }

    @Test
    void responsesFromTheClientGet202WithAnEmptyBody() {
        McpHttp.Response result = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":\"s-1\",\"result\":{}}");
        assertThat(result.status()).isEqualTo(202);
        assertThat(result.body()).isEmpty();
        McpHttp.Response error = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":\"s-2\",\"error\":{\"code\":-1,\"message\":\"no\"}}");
        assertThat(error.status()).isEqualTo(202);
        assertThat(error.body()).isEmpty();
        assertStillServes(mcp);
    }
}
