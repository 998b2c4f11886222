package dev.toolgate.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two arguments of one tool that convert a component differently (a query parameter whose schema budget
 * leaves {@code User} a stub, a body that has room for it) keep their own definitions: the body's
 * {@code oneOf [User, Team]} is checked against the body's full {@code User}, so a Team is one branch.
 */
@Timeout(60)
class ArgumentDefinitionsIT {

    /** Fills the filter's 24 KB budget but for a few bytes: the User after it becomes a stub there. */
    static final String PAD = "p".repeat(ToolGenerator.INPUT_BUDGET - 80);

    static final String SPEC = """
            openapi: 3.1.0
            info: {title: Orders, version: "1"}
            paths:
              /orders:
                post:
                  operationId: createOrder
                  parameters:
                    - name: filter
                      in: query
                      style: deepObject
                      schema:
                        type: object
                        properties:
                          pad: {$ref: "#/components/schemas/Pad"}
                          user: {$ref: "#/components/schemas/User"}
                  requestBody:
                    required: true
                    content: {application/json: {schema: {$ref: "#/components/schemas/Order"}}}
                  responses: {"201": {description: created}}
            components:
              schemas:
                Pad: {type: object, properties: {d: {type: string, description: %s}}}
                User:
                  type: object
                  description: a person who can own an order
                  required: [login]
                  additionalProperties: false
                  properties: {login: {type: string}}
                Team:
                  type: object
                  required: [name]
                  additionalProperties: false
                  properties: {name: {type: string}}
                Order:
                  type: object
                  properties:
                    owner:
                      oneOf: [{$ref: "#/components/schemas/User"}, {$ref: "#/components/schemas/Team"}]
                    schemaName: {type: string, enum: ["#/components/schemas/Team", "#/$defs/User"]}
                    link: {type: object, const: {$ref: "#/$defs/User"}, default: {$ref: "#/$defs/User"}}
            """.formatted(PAD);

    static RestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream().json("POST /orders", 201, "{}");
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: orders
                    url: %s
                    routes:
                      - name: orders
                        paths: [/orders-mcp]
                        plugins:
                          - {name: ai-mcp-proxy, config: {mode: conversion-listener, openapi: {spec: orders.yaml}}}
                """.formatted(upstream.url()), Map.of(), false, Map.of("orders.yaml", SPEC));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
            upstream.close();
        }
    }

    @Test
    void aBodyOwnedByATeamIsAcceptedThoughTheFilterArgumentShrinksTheUserComponent() {
        McpHttp mcp = new McpHttp(gateway.proxy("/orders-mcp"));
        mcp.initialize("2025-11-25");
        JsonNode tool = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").json().at("/result/tools/0");
        assertThat(tool.at("/inputSchema/$defs").toString()).as("the filter's User is a stub").contains("not expanded here");

        JsonNode result = mcp.call("createOrder", "{\"body\":{\"owner\":{\"name\":\"night shift\"}}}");

        assertThat(result.get("isError").asBoolean()).as("%s", result).isFalse();
        assertThat(upstream.next().body()).isEqualTo("{\"owner\":{\"name\":\"night shift\"}}");
        JsonNode user = mcp.call("createOrder", "{\"query_filter\":{\"user\":{\"login\":\"ada\"}},\"body\":{\"owner\":{\"login\":\"ada\"}}}");
        assertThat(user.get("isError").asBoolean()).as("%s", user).isFalse();
        upstream.next();
    }

    @Test
    void refLookingValuesInEnumConstAndDefaultAreKeptAsWrittenWhenTheirDefinitionIsRenamed() {
        McpHttp mcp = new McpHttp(gateway.proxy("/orders-mcp"));
        mcp.initialize("2025-11-25");
        JsonNode defs = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").json()
                .at("/result/tools/0/inputSchema/$defs");
        assertThat(defs.has("User_2")).as("the body's User is renamed: %s", defs).isTrue();
        JsonNode order = defs.at("/Order/properties");

        assertThat(order.at("/schemaName/enum")).extracting(JsonNode::asText)
                .containsExactly("#/components/schemas/Team", "#/$defs/User");
        assertThat(order.at("/link/const/$ref").asText()).isEqualTo("#/$defs/User");
        assertThat(order.at("/link/default/$ref").asText()).isEqualTo("#/$defs/User");

        JsonNode result = mcp.call("createOrder", "{\"body\":{\"schemaName\":\"#/components/schemas/Team\","
                + "\"link\":{\"$ref\":\"#/$defs/User\"}}}");

        assertThat(result.get("isError").asBoolean()).as("%s", result).isFalse();
        assertThat(upstream.next().body()).isEqualTo("{\"schemaName\":\"#/components/schemas/Team\","
                + "\"link\":{\"$ref\":\"#/$defs/User\"}}");
    }
}
