package dev.toolgate.mode.conversion;

import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.Sdk;
import dev.toolgate.testing.TestGateway;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Kong's conversion-listener marketplace example (users and their orders), tools named from
 * {@code annotations.title}, driven end to end by the official MCP Java SDK client.
 */
@Timeout(60)
class MarketplaceExampleIT {

    static RestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream()
                .on("GET /users", r -> r.response().putHeader("content-type", "application/json").end(
                        "u1".equals(r.getParam("id")) ? "[{\"id\":\"u1\",\"name\":\"Alice Johnson\"}]"
                                : "[{\"id\":\"u1\",\"name\":\"Alice Johnson\"},{\"id\":\"u2\",\"name\":\"Bob Smith\"}]"))
                .json("GET /u1/orders", 200, "{\"orders\":[{\"id\":\"o1\",\"item\":\"Laptop\",\"price\":999.99}]}");
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: mcp-service
                    url: %s
                    routes:
                      - name: mcp-route
                        paths:
                          - /marketplace
                plugins:
                  - name: ai-mcp-proxy
                    route: mcp-route
                    config:
                      mode: conversion-listener
                      tools:
                        - description: Get users
                          method: GET
                          path: "/marketplace/users"
                          annotations:
                            title: Get users
                          parameters:
                            - name: id
                              in: query
                              required: false
                              schema:
                                type: string
                              description: Optional user ID
                        - description: Get orders for a user
                          method: GET
                          path: "/marketplace/{userId}/orders"
                          annotations:
                            title: Get users orders
                          parameters:
                            - name: userId
                              in: path
                              required: true
                              schema:
                                type: string
                              description: User ID
                          responses:
                            "200":
                              content:
                                application/json:
                                  schema:
                                    type: object
                                    properties:
                                      orders:
                                        type: array
                                        items: {type: object}
                      server:
                        timeout: 60000
                      logging:
                        log_statistics: true
                        log_payloads: false
                      max_request_body_size: 8192
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void drain() {
        while (upstream.pending() > 0) {
            upstream.next();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void sdkListsBothToolsNamedAndTitledFromTheirAnnotations() {
        try (McpSyncClient client = Sdk.connect(gateway.proxy("/marketplace"))) {
            List<McpSchema.Tool> tools = client.listTools().tools();
            assertThat(tools).extracting(McpSchema.Tool::name).containsExactly("Get_users", "Get_users_orders");
            assertThat(tools).extracting(McpSchema.Tool::title).containsExactly("Get users", "Get users orders");
            assertThat(tools).extracting(t -> t.annotations().title()).containsExactly("Get users", "Get users orders");
            assertThat(tools).extracting(McpSchema.Tool::description).containsExactly("Get users", "Get orders for a user");
            assertThat(((Map<String, Object>) tools.get(0).inputSchema().get("properties")).keySet()).containsExactly("query_id");
            assertThat(tools.get(0).inputSchema()).doesNotContainKey("required");
            assertThat(((Map<String, Object>) tools.get(1).inputSchema().get("properties")).keySet()).containsExactly("path_userId");
            assertThat(tools.get(1).inputSchema()).containsEntry("required", List.of("path_userId"));
            assertThat(tools.get(1).outputSchema()).containsEntry("type", "object");
        }
    }

    @Test
    void kongsNameForATitledToolIsAcceptedByToolsCallWhileTheListKeepsTheValidName() {
        try (McpSyncClient client = Sdk.connect(gateway.proxy("/marketplace"))) {
            // Kong serves these tools as "Get users" and "Get users orders"; clients set up against Kong call them so
            McpSchema.CallToolResult orders = client.callTool(new McpSchema.CallToolRequest("Get users orders",
                    Map.of("path_userId", "u1")));
            assertThat(orders.isError()).isFalse();
            assertThat(orders.structuredContent()).isEqualTo(Map.of("orders",
                    List.of(Map.of("id", "o1", "item", "Laptop", "price", 999.99))));
            assertThat(upstream.next().path()).isEqualTo("/u1/orders");
            assertThat(client.callTool(new McpSchema.CallToolRequest("Get users", Map.of())).isError()).isFalse();
            assertThat(upstream.next().path()).isEqualTo("/users");

            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name)
                    .containsExactly("Get_users", "Get_users_orders");
            assertThatThrownBy(() -> client.callTool(new McpSchema.CallToolRequest("get users", Map.of())))
                    .isInstanceOf(McpError.class).hasMessageContaining("get users");
        }
    }

    @Test
    void sdkCallsGetUsersWithAndWithoutTheOptionalId() {
        try (McpSyncClient client = Sdk.connect(gateway.proxy("/marketplace"))) {
            McpSchema.CallToolResult all = client.callTool(new McpSchema.CallToolRequest("Get_users", Map.of()));
            assertThat(all.isError()).isFalse();
            assertThat(((McpSchema.TextContent) all.content().getFirst()).text()).contains("Alice Johnson", "Bob Smith");
            RestUpstream.Received first = upstream.next();
            assertThat(first.path()).isEqualTo("/users");
            assertThat(first.query()).isNull();

            McpSchema.CallToolResult one = client.callTool(new McpSchema.CallToolRequest("Get_users", Map.of("query_id", "u1")));
            assertThat(((McpSchema.TextContent) one.content().getFirst()).text()).contains("Alice Johnson").doesNotContain("Bob");
            assertThat(upstream.next().query()).isEqualTo("id=u1");
        }
    }

    @Test
    void sdkCallsGetUsersOrdersAndReceivesStructuredContent() {
        try (McpSyncClient client = Sdk.connect(gateway.proxy("/marketplace"))) {
            McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("Get_users_orders",
                    Map.of("path_userId", "u1")));
            assertThat(result.isError()).isFalse();
            assertThat(result.structuredContent()).isEqualTo(Map.of("orders",
                    List.of(Map.of("id", "o1", "item", "Laptop", "price", 999.99))));
            assertThat(upstream.next().path()).isEqualTo("/u1/orders");
        }
    }

    @Test
    void sdkSeesUnknownToolsAsProtocolErrorsAndUpstreamErrorsAsToolErrors() {
        try (McpSyncClient client = Sdk.connect(gateway.proxy("/marketplace"))) {
            assertThatThrownBy(() -> client.callTool(new McpSchema.CallToolRequest("Delete_users", Map.of())))
                    .isInstanceOf(McpError.class).hasMessageContaining("Unknown tool: Delete_users");
            McpSchema.CallToolResult missing = client.callTool(new McpSchema.CallToolRequest("Get_users_orders",
                    Map.of("path_userId", "u9")));
            assertThat(missing.isError()).isTrue();
            assertThat(((McpSchema.TextContent) missing.content().getFirst()).text()).startsWith("The API answered HTTP 404");
            assertThat(upstream.next().path()).isEqualTo("/u9/orders");
            client.ping();
        }
    }
}
