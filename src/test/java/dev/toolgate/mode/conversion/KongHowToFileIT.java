package dev.toolgate.mode.conversion;

import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.Sdk;
import dev.toolgate.testing.TestGateway;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Kong declarative file written as Kong's MCP how-tos write them (the Okta and the ACL
 * aggregation how-tos): a decK template for the API key, tools named by their titles ("Realtime
 * API"), relative paths written {@code ./current.json}, Swagger 2.0 parameter fields beside
 * {@code in}, a required parameter with a default. It runs unchanged, and a client that calls the
 * tools by Kong's names gets what Kong would send upstream.
 */
@Timeout(60)
class KongHowToFileIT {

    static final String API_KEY = "wk-5a6b7c8d9e";

    static RestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream()
                .json("GET /v1/current.json", 200, "{\"location\":{\"name\":\"London\"},\"current\":{\"temp_c\":15.3}}")
                .json("GET /v1/forecast.json", 200, "{\"forecast\":{\"forecastday\":[]}}")
                .json("GET /cards/new/draw/", 200, "{\"success\":true,\"cards\":[]}");
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: weather-api-service
                    url: %1$s/v1
                    routes:
                      - name: weather-api-route
                        paths: [/api/weather]
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [weather-tools]
                            config:
                              mode: conversion-only
                              tools:
                                - annotations:
                                    title: Realtime API
                                  description: Current weather for a location
                                  method: GET
                                  path: "./current.json"
                                  query:
                                    key:
                                      - ${{ env "DECK_WEATHERAPI_KEY" }}
                                  parameters:
                                    - name: q
                                      in: query
                                      description: City name, postcode or IP address
                                      required: true
                                      type: string
                                    - in: query
                                      name: lang
                                      type: string
                                      required: false
                                - annotations:
                                    title: Forecast API
                                  description: Forecast for up to 3 days
                                  method: GET
                                  path: "forecast.json"
                                  query:
                                    key:
                                      - ${{ env "DECK_WEATHERAPI_KEY" }}
                                  parameters:
                                    - in: query
                                      name: q
                                      schema:
                                        type: string
                                      required: true
                                    - in: query
                                      name: days
                                      schema:
                                        type: integer
                                        default: 3
                                      enum: [1, 2, 3]
                                      required: true
                                    - in: query
                                      name: dt
                                      schema:
                                        type: string
                                      format: date
                                      required: false
                  - name: cards-api-service
                    url: %1$s/cards
                    routes:
                      - name: cards-api-route
                        paths: [/cards-api]
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [weather-tools]
                            config:
                              mode: conversion-only
                              tools:
                                - name: shuffle-and-draw
                                  description: Shuffle a new deck and draw cards
                                  method: GET
                                  path: "./new/draw/"
                                  parameters:
                                    - name: count
                                      in: query
                                      type: integer
                                      default: 1
                                      required: true
                routes:
                  - name: weather-mcp
                    paths: [/weather/mcp]
                    plugins:
                      - name: ai-mcp-proxy
                        config:
                          mode: listener
                          server:
                            tag: weather-tools
                """.formatted(upstream.url()), Map.of("DECK_WEATHERAPI_KEY", API_KEY), false);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void forget() {
        upstream.clear();
    }

    @Test
    @SuppressWarnings("unchecked")
    void toolsAreListedUnderValidNamesWithSwaggerStyleParametersAsSchemas() {
        try (McpSyncClient client = Sdk.connect(gateway.proxy("/weather/mcp"))) {
            List<McpSchema.Tool> tools = client.listTools().tools();
            assertThat(tools).extracting(McpSchema.Tool::name)
                    .containsExactly("Realtime_API", "Forecast_API", "shuffle-and-draw");
            Map<String, Object> realtime = (Map<String, Object>) tools.get(0).inputSchema().get("properties");
            assertThat(realtime).containsEntry("query_q", Map.of("type", "string",
                    "description", "City name, postcode or IP address"));
            assertThat(tools.get(0).inputSchema()).containsEntry("required", List.of("query_q"));
            Map<String, Object> forecast = (Map<String, Object>) tools.get(1).inputSchema().get("properties");
            assertThat(forecast).containsEntry("query_days", Map.of("type", "integer", "default", 3, "enum", List.of(1, 2, 3)))
                    .containsEntry("query_dt", Map.of("type", "string", "format", "date"));
            // the default is sent when the argument is absent, so a client need not supply it
            assertThat(tools.get(1).inputSchema()).containsEntry("required", List.of("query_q"));
        }
    }

    @Test
    void callsByKongsNamesReachTheApiWithTheTemplatedKeyTheDotFreePathAndTheDefaults() {
        try (McpSyncClient client = Sdk.connect(gateway.proxy("/weather/mcp"))) {
            McpSchema.CallToolResult realtime = client.callTool(new McpSchema.CallToolRequest("Realtime API",
                    Map.of("query_q", "London")));
            assertThat(realtime.isError()).as("%s", realtime).isFalse();
            RestUpstream.Received current = upstream.next();
            assertThat(current.path()).isEqualTo("/v1/current.json");
            assertThat(current.query()).isEqualTo("q=London&key=" + API_KEY);

            McpSchema.CallToolResult forecast = client.callTool(new McpSchema.CallToolRequest("Forecast API",
                    Map.of("query_q", "London")));
            assertThat(forecast.isError()).as("%s", forecast).isFalse();
            assertThat(upstream.next().query()).isEqualTo("q=London&days=3&key=" + API_KEY);

            McpSchema.CallToolResult draw = client.callTool(new McpSchema.CallToolRequest("shuffle-and-draw", Map.of()));
            assertThat(draw.isError()).as("%s", draw).isFalse();
            RestUpstream.Received cards = upstream.next();
            assertThat(cards.path()).isEqualTo("/cards/new/draw/");
            assertThat(cards.query()).isEqualTo("count=1");
        }
    }

    @Test
    void anArgumentOutsideTheSwaggerStyleEnumIsRefusedBeforeAnyCall() throws InterruptedException {
        try (McpSyncClient client = Sdk.connect(gateway.proxy("/weather/mcp"))) {
            McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("Forecast_API",
                    Map.of("query_q", "London", "query_days", 9)));
            assertThat(result.isError()).isTrue();
            assertThat(((McpSchema.TextContent) result.content().getFirst()).text()).contains("query_days");
            assertThat(upstream.quiet(java.time.Duration.ofMillis(200))).isTrue();
        }
    }
}
