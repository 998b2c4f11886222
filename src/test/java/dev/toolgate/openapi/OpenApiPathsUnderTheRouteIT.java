package dev.toolgate.openapi;

import dev.toolgate.testing.CommandOutput;
import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An OpenAPI document's paths are relative to its server (the service URL), not to the gateway's route:
 * a route named after the API's first path segment ({@code /pet}) must not strip it from the calls.
 */
@Timeout(30)
class OpenApiPathsUnderTheRouteIT {

    private static final Path PETSTORE = Path.of("examples", "specs", "petstore.yaml").toAbsolutePath();

    private final RestUpstream upstream = new RestUpstream()
            .json("GET /api/v3/pet/7", 200, "{\"id\":7,\"name\":\"rex\"}")
            .json("GET /api/orders/3", 200, "{}");
    private TestGateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
    }

    @Test
    void configOpenapiOnARouteNamedLikeTheApisPathsCallsTheOperationsPathBelowTheServiceUrl() throws Exception {
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: petstore
                    url: %s/api/v3
                    routes:
                      - name: pet
                        paths: [/pet]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              openapi: {spec: petstore.yaml}
                """.formatted(upstream.url()), Map.of(), false, Map.of("petstore.yaml", Files.readString(PETSTORE)));

        JsonNode result = session("/pet").call("getPetById", "{\"path_petId\":7}");

        assertThat(upstream.next().path()).isEqualTo("/api/v3/pet/7");
        assertThat(result.at("/structuredContent/name").asText()).as(result.toString()).isEqualTo("rex");
    }

    @Test
    void configOpenapiOnARouteThatIsThePrefixOfEveryPathKeepsThePrefix() {
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: %s
                    routes:
                      - name: shop
                        paths: [/api]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              openapi: {spec: shop.yaml}
                """.formatted(upstream.url()), Map.of(), false, Map.of("shop.yaml", """
                openapi: 3.0.3
                info: {title: Shop, version: "1"}
                paths:
                  /api/orders/{id}:
                    get:
                      operationId: getOrder
                      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
                      responses: {"200": {description: the order}}
                """));

        session("/api").call("getOrder", "{\"path_id\":3}");

        assertThat(upstream.next().path()).isEqualTo("/api/orders/3");
    }

    @Test
    void openapi2mcpOutputWithTheRouteNamedLikeTheApisPathsCallsWhatConfigOpenapiCalls() {
        String printed = CommandOutput.of("openapi2mcp", PETSTORE.toString(), "--service", "petstore", "--route", "pet")
                .replace("url: https://petstore3.swagger.io/api/v3", "url: " + upstream.url() + "/api/v3");
        gateway = TestGateway.start(printed);

        JsonNode result = session("/pet").call("getPetById", "{\"path_petId\":7}");

        assertThat(upstream.next().path()).isEqualTo("/api/v3/pet/7");
        assertThat(result.at("/structuredContent/name").asText()).as(result.toString()).isEqualTo("rex");
    }

    private McpHttp session(String path) {
        McpHttp mcp = new McpHttp(gateway.proxy(path));
        mcp.initialize("2025-11-25");
        return mcp;
    }

}
