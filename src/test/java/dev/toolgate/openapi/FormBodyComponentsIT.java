package dev.toolgate.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Map;

import static dev.toolgate.testing.McpAssertions.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A generated tool's form body whose schema is a component ({@code $ref}) or extends one
 * ({@code allOf}): the fields declared there count as the tool's, so an exploded object cannot set them.
 */
@Timeout(30)
class FormBodyComponentsIT {

    static final String SPEC = """
            openapi: 3.0.3
            info: {title: Billing, version: "1"}
            paths:
              /refunds:
                post:
                  operationId: createRefund
                  requestBody:
                    content:
                      application/x-www-form-urlencoded:
                        schema: {$ref: "#/components/schemas/Refund"}
                        encoding: {metadata: {style: form, explode: true}}
                  responses: {"200": {description: ok}}
              /disputes:
                post:
                  operationId: createDispute
                  requestBody:
                    content:
                      application/x-www-form-urlencoded:
                        schema:
                          allOf:
                            - {$ref: "#/components/schemas/Owned"}
                            - {type: object, properties: {metadata: {type: object}}}
                        encoding: {metadata: {style: form, explode: true}}
                  responses: {"200": {description: ok}}
            components:
              schemas:
                Refund:
                  type: object
                  properties: {amount: {type: integer}, account: {type: string}, metadata: {type: object}}
                Owned:
                  type: object
                  properties: {account: {type: string}}
            """;

    static RestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream().json("POST /api/refunds", 200, "{}").json("POST /api/disputes", 200, "{}");
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: billing
                    url: %s/api
                    routes:
                      - name: billing-mcp
                        paths: [/billing-mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              openapi: {spec: billing.yaml}
                """.formatted(upstream.url()), Map.of(), false, Map.of("billing.yaml", SPEC));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void forgetEarlierRequests() {
        upstream.clear();
    }

    @ParameterizedTest
    @ValueSource(strings = {"createRefund", "createDispute"})
    void anExplodedKeyNamingAFieldOfTheReferencedSchemaIsRefusedAndNothingIsSent(String tool)
            throws InterruptedException {
        McpHttp mcp = new McpHttp(gateway.proxy("/billing-mcp"));
        mcp.initialize("2025-11-25");
        // account is not passed: before, only the fields passed beside metadata were checked
        JsonNode result = mcp.call(tool, "{\"body\":{\"metadata\":{\"account\":\"acct_other\",\"note\":\"n\"}}}");
        assertThat(result.get("isError").asBoolean()).as(text(result)).isTrue();
        assertThat(text(result)).isEqualTo("Invalid arguments for tool " + tool + ": body.metadata: the key 'account' "
                + "would be sent as the form field account, which the tool sets otherwise");
        assertThat(upstream.quiet(Duration.ofMillis(300))).as("no upstream call").isTrue();
    }
}
