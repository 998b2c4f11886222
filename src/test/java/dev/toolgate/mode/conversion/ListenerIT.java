package dev.toolgate.mode.conversion;

import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.Sdk;
import dev.toolgate.testing.TestGateway;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One listener endpoint serving the tools of three conversion-only plugins on three services (Kong's
 * aggregation): a real client sees them all, and each call reaches its own upstream.
 */
@Timeout(30)
class ListenerIT {

    static RestUpstream users;
    static RestUpstream weather;
    static RestUpstream currency;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        users = new RestUpstream().json("GET /marketplace/users", 200, "[{\"id\":\"u1\"}]");
        weather = new RestUpstream().json("GET /v1/current.json", 200, "{\"temp_c\":11}");
        currency = new RestUpstream().json("GET /v1/latest", 200, "{\"EUR\":0.92}");
        gateway = TestGateway.start(config(users, weather, currency, ""), Map.of("WEATHER_KEY", "k-123"), true);
    }

    static String config(RestUpstream users, RestUpstream weather, RestUpstream currency, String extraTool) {
        return """
                _format_version: "3.0"
                services:
                  - name: marketplace
                    url: %s
                    routes:
                      - name: mcp-route
                        paths: [/marketplace]
                        strip_path: false
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [mcp-tools]
                            config:
                              mode: conversion-only
                              tools:
                                - {description: List users, method: GET, path: /marketplace/users}
                  - name: weather-service
                    url: %s/v1
                    routes:
                      - name: weather-route
                        paths: [/weather]
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [mcp-tools, other]
                            config:
                              mode: conversion-only
                              tools:
                                - description: Current weather
                                  method: GET
                                  path: current.json
                                  query: {key: ["{vault://env/WEATHER_KEY}"]}
                                  parameters: [{name: q, in: query, required: true}]
                                # more weather tools
                  - name: currency-service
                    url: %s/v1
                    routes:
                      - name: currency-route
                        paths: [/currency]
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [mcp-tools]
                            config:
                              mode: conversion-only
                              server: {timeout: 2000}
                              tools:
                                - {description: Latest rates, method: GET, path: /currency/latest}
                routes:
                  - name: listener-route
                    paths: [/mcp-listener]
                    plugins:
                      - name: ai-mcp-proxy
                        config:
                          mode: listener
                          server: {tag: mcp-tools}
                """.formatted(users.url(), weather.url(), currency.url())
                .replace("# more weather tools", extraTool);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        users.close();
        weather.close();
        currency.close();
    }

    @Test
    void listenerServesTheToolsOfEveryTaggedPluginAndEachCallReachesItsOwnUpstream() {
        try (McpSyncClient client = Sdk.connect(gateway.proxy("/mcp-listener"))) {
            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name)
                    .containsExactly("mcp-route-1", "weather-route-1", "currency-route-1");

            assertThat(client.callTool(new McpSchema.CallToolRequest("mcp-route-1", Map.of())).isError()).isFalse();
            assertThat(users.next().path()).isEqualTo("/marketplace/users");

            var weatherResult = client.callTool(new McpSchema.CallToolRequest("weather-route-1", Map.of("query_q", "London")));
            assertThat(((McpSchema.TextContent) weatherResult.content().getFirst()).text()).isEqualTo("{\"temp_c\":11}");
            RestUpstream.Received call = weather.next();
            assertThat(call.path()).isEqualTo("/v1/current.json");
            assertThat(call.query()).isEqualTo("q=London&key=k-123");

            client.callTool(new McpSchema.CallToolRequest("currency-route-1", Map.of()));
            assertThat(currency.next().path()).isEqualTo("/v1/latest");
        }
        assertThat(users.pending() + weather.pending() + currency.pending()).isZero();
    }

    @Test
    void aReloadThatAddsATaggedToolNotifiesOpenStreamsAndTheNextListShowsIt() throws Exception {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp-listener"));
        mcp.initialize("2025-06-18");
        var events = new java.util.concurrent.LinkedBlockingQueue<String>();
        var request = java.net.http.HttpRequest.newBuilder(gateway.proxy("/mcp-listener"))
                .header("accept", "text/event-stream").header("mcp-session-id", mcp.sessionId()).GET().build();
        var stream = java.net.http.HttpClient.newHttpClient().sendAsync(request,
                java.net.http.HttpResponse.BodyHandlers.ofLines());
        stream.thenAccept(r -> r.body().forEach(events::add));
        org.awaitility.Awaitility.await().until(() -> events.contains(": stream open"));

        gateway.rewrite(config(users, weather, currency,
                "- {description: Forecast, name: forecast, method: GET, path: forecast.json}"));

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                events.stream().anyMatch(e -> e.contains("notifications/tools/list_changed")));
        assertThat(mcp.post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}").body())
                .contains("\"forecast\"");
    }

    @Test
    void conversionOnlyRoutesServeNoMcpThemselves() {
        McpHttp.Response response = new McpHttp(gateway.proxy("/weather")).initialize("2025-06-18");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.body()).contains("has no MCP listener");
    }
}
