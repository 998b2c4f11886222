package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.LiveFeed;
import dev.toolgate.testing.ModernHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.Map;

import static dev.toolgate.testing.McpAssertions.assertRpcError;
import static dev.toolgate.testing.McpAssertions.assertStillServes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A conversion-listener's 2026-07-28 requests over raw HTTP: what a modern request gets (discover,
 * lists with caching hints, calls with resultType, no session), and every rule of the transport the
 * gateway enforces, each answered with its code and HTTP status, the next request served.
 */
@Timeout(30)
class ModernRequestsIT {

    static RestUpstream upstream;
    static TestGateway gateway;
    static ModernHttp modern;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream()
                .json("GET /weather", 200, "{\"city\":\"Paris\",\"temp\":21}")
                .on("GET /slow", r -> { })
                .json("GET /broken", 500, "{\"error\":\"down\"}");
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
                                cache_hints: {ttl_ms: 30000}
                              tools:
                                - name: weather
                                  description: The weather in a city
                                  method: GET
                                  path: /weather
                                  parameters:
                                    - name: city
                                      in: query
                                      required: true
                                      schema: {type: string, x-mcp-header: City}
                                - {name: slow, description: Never answers, method: GET, path: /slow}
                                - {name: broken, description: Always fails, method: GET, path: /broken}
                      - name: limited
                        paths: [/limited]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tool_limits: {minute: 1}
                              tools:
                                - name: weather
                                  description: The weather in a city
                                  method: GET
                                  path: /weather
                                  parameters:
                                    - name: city
                                      in: query
                                      required: true
                                      schema: {type: string, x-mcp-header: City}
                """.formatted(upstream.url()));
        modern = new ModernHttp(gateway.proxy("/mcp"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void discoverListsTheModernRevisionTheToolsCapabilityAndTheGatewayInResultMeta() {
        McpHttp.Response response = modern.request("server/discover", "{}");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("mcp-session-id")).isNull();
        JsonNode result = response.json().get("result");
        assertThat(result.path("resultType").asText()).isEqualTo("complete");
        assertThat(result.path("supportedVersions").toString()).isEqualTo("[\"2026-07-28\"]");
        assertThat(result.path("capabilities").has("tools")).isTrue();
        assertThat(result.at("/_meta/io.modelcontextprotocol~1serverInfo/name").asText()).isEqualTo("toolgate");
        // DiscoverResult extends CacheableResult in the published 2026-07-28 schema
        assertThat(result.path("ttlMs").asLong(-1)).as(result.toString()).isEqualTo(30_000);
        assertThat(result.path("cacheScope").asText()).isEqualTo("public");
    }

    @Test
    void aToolListCarriesResultTypeAndTheConfiguredCachingHints() {
        JsonNode result = modern.request("tools/list", "{}").json().get("result");

        assertThat(result.path("resultType").asText()).isEqualTo("complete");
        assertThat(result.path("ttlMs").asLong()).isEqualTo(30_000);
        assertThat(result.path("cacheScope").asText()).isEqualTo("public");
        assertThat(result.path("tools").findValuesAsText("name")).containsExactly("weather", "slow", "broken");
        assertThat(result.at("/_meta/io.modelcontextprotocol~1serverInfo/version").isTextual()).isTrue();
    }

    @Test
    void aToolCallAnswersACompleteResultWithItsMirroredParameterChecked() {
        McpHttp.Response response = modern.request("tools/call", "{\"name\":\"weather\",\"arguments\":{\"query_city\":\"Paris\"}}",
                "{}", Map.of("mcp-param-city", "Paris"));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JsonNode result = response.json().get("result");
        assertThat(result.path("resultType").asText()).isEqualTo("complete");
        assertThat(result.path("isError").asBoolean()).isFalse();
        assertThat(result.at("/content/0/text").asText()).contains("\"temp\":21");
        assertThat(upstream.next().query()).isEqualTo("city=Paris");
    }

    @Test
    void aFailingToolIsAToolErrorOnTheLiveTrafficFeedAsInTheLegacyEra() {
        McpHttp.Response response = modern.request("tools/call", "{\"name\":\"broken\",\"arguments\":{}}");
        upstream.clear();
        assertThat(response.json().at("/result/isError").asBoolean()).as(response.toString()).isTrue();

        JsonNode seen = LiveFeed.event(gateway, e -> "broken".equals(e.path("tool").asText()));
        assertThat(seen.path("status").asText()).isEqualTo("error");
        assertThat(seen.path("error_type").asText()).isEqualTo("tool_error");
    }

    @Test
    void aBase64EncodedParameterHeaderIsDecodedBeforeTheComparison() {
        McpHttp.Response response = modern.request("tools/call", "{\"name\":\"weather\",\"arguments\":{\"query_city\":\"Zürich\"}}",
                "{}", Map.of("mcp-param-city", "=?base64?WsO8cmljaA==?="));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        upstream.next();
    }

    @Test
    void aMissingOrDifferentParameterHeaderIsAHeaderMismatch() {
        String call = "{\"name\":\"weather\",\"arguments\":{\"query_city\":\"Paris\"}}";
        assertRpcError(modern.request("tools/call", call), 400, -32020,
                "Header mismatch: the Mcp-Param-City header is required: the tool mirrors argument 'query_city' into it");
        assertRpcError(modern.request("tools/call", call, "{}", Map.of("mcp-param-city", "Rome")), 400, -32020,
                "Header mismatch: Mcp-Param-City header value 'Rome' does not match body value \"Paris\"");
        assertThat(upstream.pending()).isZero();
    }

    @Test
    void aCallRefusedForItsParameterHeaderSpendsNothingOfTheToolsLimit() {
        ModernHttp limited = new ModernHttp(gateway.proxy("/limited"));
        String call = "{\"name\":\"weather\",\"arguments\":{\"query_city\":\"Paris\"}}";
        for (int i = 0; i < 2; i++) {
            assertRpcError(limited.request("tools/call", call, "{}", Map.of("mcp-param-city", "Rome")), 400, -32020,
                    "Header mismatch: Mcp-Param-City header value 'Rome' does not match body value \"Paris\"");
        }

        McpHttp.Response made = limited.request("tools/call", call, "{}", Map.of("mcp-param-city", "Paris"));

        assertThat(made.status()).as(made.toString()).isEqualTo(200);
        assertThat(made.json().at("/result/isError").asBoolean()).as("the limit's one call is left: " + made).isFalse();
        assertThat(upstream.next().query()).isEqualTo("city=Paris");
    }

    @Test
    void aRequestWithoutMetaIsInvalidParamsWithHttp400AndItsId() {
        Map<String, String> headers = modern.headers("tools/list", null);
        McpHttp.Response response = modern.send("{\"jsonrpc\":\"2.0\",\"id\":\"no-meta\",\"method\":\"tools/list\"}", headers);

        JsonNode body = assertRpcError(response, 400, -32602, "Invalid params: params._meta is required (with "
                + "io.modelcontextprotocol/protocolVersion and io.modelcontextprotocol/clientCapabilities)");
        assertThat(body.path("id").asText()).isEqualTo("no-meta");
    }

    @Test
    void aRequestWithoutClientCapabilitiesIsInvalidParams() {
        var body = modern.body("tools/list", "{}", ModernHttp.VERSION, "{}");
        ((com.fasterxml.jackson.databind.node.ObjectNode) body.at("/params/_meta")).remove("io.modelcontextprotocol/clientCapabilities");

        assertRpcError(modern.send(Json.text(body), modern.headers("tools/list", null)), 400, -32602,
                "Invalid params: params._meta[\"io.modelcontextprotocol/clientCapabilities\"] is required (an object)");
    }

    @Test
    void aVersionHeaderThatDiffersFromMetaIsAHeaderMismatch() {
        var body = modern.body("server/discover", "{}", "v999.0.0", "{}");

        assertRpcError(modern.send(Json.text(body), modern.headers("server/discover", null)), 400, -32020,
                "Header mismatch: MCP-Protocol-Version header value '2026-07-28' does not match body value 'v999.0.0'");
    }

    @Test
    void anUnsupportedRevisionListsTheSupportedOnesInItsData() {
        var body = modern.body("server/discover", "{}", "v999.0.0", "{}");
        Map<String, String> headers = new HashMap<>(modern.headers("server/discover", null));
        headers.put("mcp-protocol-version", "v999.0.0");

        JsonNode error = assertRpcError(modern.send(Json.text(body), headers), 400, -32022,
                "Unsupported protocol version 'v999.0.0' (supported: 2026-07-28)");
        assertThat(error.at("/error/data").toString()).isEqualTo("{\"supported\":[\"2026-07-28\"],\"requested\":\"v999.0.0\"}");
    }

    @Test
    void aMissingOrDifferentMethodOrNameHeaderIsAHeaderMismatch() {
        assertRpcError(modern.request("tools/list", "{}", "{}", Map.of("mcp-method", "tools/call")), 400, -32020,
                "Header mismatch: Mcp-Method header value 'tools/call' does not match body value 'tools/list'");
        assertRpcError(modern.request("tools/list", "{}", "{}", mapOfNull("mcp-method")), 400, -32020,
                "Header mismatch: the Mcp-Method header is required (the request's method, tools/list)");
        assertRpcError(modern.request("tools/call", "{\"name\":\"slow\"}", "{}", Map.of("mcp-name", "weather")), 400,
                -32020, "Header mismatch: Mcp-Name header value 'weather' does not match body value 'slow'");
        assertThat(upstream.pending()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"initialize", "ping", "logging/setLevel", "resources/subscribe", "subscriptions/listen", "x/y"})
    void aMethodTheEndpointDoesNotServeIs404WithMethodNotFound(String method) {
        JsonNode body = assertRpcError(modern.request(method, "{}"), 404, -32601, "Method not found: " + method);
        assertThat(body.path("id").isInt()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "DELETE"})
    void getAndDeleteWithAModernVersionAre405(String method) {
        McpHttp.Response response = modern.bodiless(method, Map.of("accept", "text/event-stream",
                "mcp-protocol-version", ModernHttp.VERSION));

        assertThat(response.status()).isEqualTo(405);
        assertThat(response.header("allow")).isEqualTo("POST");
    }

    @Test
    void aBatchAndAResponseAreRefusedAndANotificationIsAccepted() {
        Map<String, String> headers = modern.headers("tools/list", null);
        String request = Json.text(modern.body("tools/list", "{}", ModernHttp.VERSION, "{}"));
        assertThat(modern.send("[" + request + "]", headers).status()).isEqualTo(400);
        assertThat(modern.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}", headers).status()).isEqualTo(400);
        assertThat(modern.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":1}}",
                headers).status()).isEqualTo(202);
    }

    @Test
    void anUnknownToolIsInvalidParamsWithTheRequestId() {
        McpHttp.Response response = modern.request("tools/call", "{\"name\":\"nope\",\"arguments\":{}}");

        assertRpcError(response, 200, -32602, "Unknown tool: nope");
    }

    @Test
    void aLegacyClientIsServedAsBeforeOnTheSameEndpoint() {
        McpHttp legacy = new McpHttp(gateway.proxy("/mcp"));
        McpHttp.Response initialized = legacy.initialize("2025-11-25");

        assertThat(initialized.json().at("/result/protocolVersion").asText()).isEqualTo("2025-11-25");
        assertThat(legacy.sessionId()).isNotNull();
        JsonNode list = legacy.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").json().get("result");
        assertThat(list.has("resultType")).isFalse();
        assertThat(list.has("ttlMs")).isFalse();
        assertStillServes(legacy);
    }

    private static Map<String, String> mapOfNull(String name) {
        Map<String, String> map = new HashMap<>();
        map.put(name, null);
        return map;
    }
}
