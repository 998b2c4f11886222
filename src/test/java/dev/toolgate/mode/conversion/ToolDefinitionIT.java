package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What tools/list shows for Kong tool definitions: names, titles, hints, descriptions and schemas. */
@Timeout(30)
class ToolDefinitionIT {

    static RestUpstream upstream;
    static TestGateway gateway;
    static JsonNode tools;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream();
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: shop
                        paths: [/shop]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - name: list_items
                                  description: List items
                                  method: GET
                                  path: /shop/items
                                  annotations: {title: Item list, read_only_hint: true, destructive_hint: false,
                                                idempotent_hint: true, open_world_hint: false}
                                  parameters:
                                    - {name: q, in: query, description: Text to search for, schema: {type: string}}
                                    - {name: page, in: query, schema: {type: integer, description: Page number from 1}}
                                - description: Orders of a user
                                  method: GET
                                  path: /shop/users/{userId}/orders
                                  annotations: {title: "Get user's orders!"}
                                - description: Untitled
                                  method: DELETE
                                  path: /shop/items/{id}
                                - name: list users
                                  description: Invalid characters in the name
                                  method: GET
                                  path: /shop/users
                                - description: A very long title
                                  method: GET
                                  path: /shop/long
                                  annotations: {title: "%s"}
                                - name: create_item
                                  description: Create an item
                                  method: POST
                                  path: /shop/items
                                  request_body:
                                    description: The item to create
                                    required: true
                                    content:
                                      application/json:
                                        schema: {type: object, properties: {name: {type: string}}}
                """.formatted(upstream.url(), "T".repeat(80)));
        McpHttp mcp = new McpHttp(gateway.proxy("/shop"));
        mcp.initialize("2025-06-18");
        tools = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").json().at("/result/tools");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void namesComeFromNameThenTitleThenRouteAndPositionInDefinitionOrder() {
        List<String> names = new ArrayList<>();
        tools.forEach(t -> names.add(t.get("name").asText()));
        assertThat(names).containsExactly("list_items", "Get_user_s_orders_", "shop-3", "list_users", "T".repeat(64),
                "create_item");
        names.forEach(n -> assertThat(n).matches("[A-Za-z0-9_.-]{1,64}"));
    }

    @Test
    void titleAndHintsAreShownAsMcpAnnotations() {
        JsonNode list = tools.get(0);
        assertThat(list.get("title").asText()).isEqualTo("Item list");
        assertThat(list.get("description").asText()).isEqualTo("List items");
        assertThat(Json.text(list.get("annotations"))).isEqualTo(
                "{\"title\":\"Item list\",\"readOnlyHint\":true,\"destructiveHint\":false,\"idempotentHint\":true,\"openWorldHint\":false}");
        assertThat(tools.get(1).get("title").asText()).isEqualTo("Get user's orders!");
        assertThat(tools.get(2).has("title")).isFalse();
        assertThat(tools.get(2).has("annotations")).isFalse();
    }

    @Test
    void parametersBecomeArgumentsWithTheirDescriptions() {
        JsonNode schema = tools.get(0).get("inputSchema");
        assertThat(schema.get("type").asText()).isEqualTo("object");
        assertThat(schema.at("/properties/query_q/description").asText()).isEqualTo("Text to search for");
        assertThat(schema.at("/properties/query_page/description").asText()).isEqualTo("Page number from 1");
        assertThat(schema.has("required")).isFalse();
        assertThat(tools.get(0).has("outputSchema")).isFalse();
    }

    @Test
    void undeclaredPathPlaceholdersBecomeRequiredStringArguments() {
        JsonNode schema = tools.get(1).get("inputSchema");
        assertThat(schema.at("/properties/path_userId/type").asText()).isEqualTo("string");
        assertThat(Json.text(schema.get("required"))).isEqualTo("[\"path_userId\"]");
    }

    @Test
    void requestBodyBecomesTheBodyArgument() {
        JsonNode schema = tools.get(5).get("inputSchema");
        assertThat(schema.at("/properties/body/description").asText()).isEqualTo("The item to create");
        assertThat(schema.at("/properties/body/properties/name/type").asText()).isEqualTo("string");
        assertThat(Json.text(schema.get("required"))).isEqualTo("[\"body\"]");
    }

    @Test
    void renamedToolsAndPlaceholdersAreReportedAsWarnings() {
        List<String> warnings = new ArrayList<>();
        new AdminHttp(gateway).get("/status").json().get("warnings").forEach(w -> warnings.add(w.asText()));
        assertThat(warnings).anyMatch(w -> w.contains("'list users' is not a valid MCP tool name; serving it as 'list_users'"));
        assertThat(warnings).anyMatch(w -> w.contains("{userId} has no parameters entry"));
    }

    @Test
    void twoToolsWithTheSameNameAreAConfigProblem() {
        AdminHttp.Response response = new AdminHttp(gateway).postConfig("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: shop
                        paths: [/shop]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: same, description: A, method: GET, path: /shop/a}
                                - {description: B, method: GET, path: /shop/b, annotations: {title: same}}
                """.formatted(upstream.url()));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("problems").get(0).asText()).isEqualTo(
                "services[0].routes[0].plugins[0].config.tools[1]: tool name 'same' is already used by "
                        + "services[0].routes[0].plugins[0].config.tools[0]");
    }
}
