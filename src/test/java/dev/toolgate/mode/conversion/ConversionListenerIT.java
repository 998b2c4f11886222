package dev.toolgate.mode.conversion;

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

/** Kong's conversion-listener example, served by the real gateway, used by the official Java SDK client. */
@Timeout(30)
class ConversionListenerIT {

    static RestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream()
                .json("GET /users", 200, "[{\"id\":\"u1\",\"name\":\"Alice Johnson\"}]")
                .json("GET /orders", 200, "{\"orders\":[{\"id\":\"o1\",\"item\":\"lamp\"}]}");
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: mcp-service
                    url: %s
                    routes:
                      - name: mcp-route
                        paths: [/marketplace]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - description: Get users
                                  method: GET
                                  path: /marketplace/users
                                  annotations: {title: Get users}
                                  parameters:
                                    - {name: id, in: query, required: false, schema: {type: string}, description: Optional user ID}
                                - description: Get orders for a user
                                  method: GET
                                  path: /marketplace/orders
                                  parameters:
                                    - {name: userid, in: query, required: true, schema: {type: string}, description: User ID}
                                  responses:
                                    "200":
                                      content:
                                        application/json:
                                          schema:
                                            type: object
                                            properties:
                                              orders: {type: array, items: {type: object}}
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void sdkClientListsToolsWithKongNamesAndArguments() {
        try (McpSyncClient client = Sdk.connect(gateway.proxy("/marketplace"))) {
            var tools = client.listTools().tools();
            assertThat(tools).extracting(McpSchema.Tool::name).containsExactly("Get_users", "mcp-route-2");
            assertThat(tools.getFirst().title()).isEqualTo("Get users");
            assertThat(tools.get(1).inputSchema()).containsEntry("required", java.util.List.of("query_userid"));
            assertThat(tools.get(1).outputSchema()).containsKey("properties");
        }
    }

    @Test
    void sdkClientCallReachesTheUpstreamWithStrippedPathAndQuery() {
        try (McpSyncClient client = Sdk.connect(gateway.proxy("/marketplace"))) {
            McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("mcp-route-2",
                    Map.of("query_userid", "u 1&x=y")));
            assertThat(result.isError()).isFalse();
            assertThat(result.structuredContent()).isEqualTo(Map.of("orders", java.util.List.of(Map.of("id", "o1", "item", "lamp"))));
            RestUpstream.Received received = upstream.next();
            assertThat(received.method()).isEqualTo("GET");
            assertThat(received.path()).isEqualTo("/orders");
            assertThat(received.query()).isEqualTo("userid=u%201%26x%3Dy");
        }
    }
}
