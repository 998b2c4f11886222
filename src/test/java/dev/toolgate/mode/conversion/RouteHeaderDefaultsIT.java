package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;

import static dev.toolgate.testing.McpAssertions.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kong's default for {@code tools[].headers}, "extracted from Route": a tool that sets no headers sends its
 * route's {@code headers} match values upstream (Kong replays the call through its router, so they go along),
 * here through a listener, whose callers never sent them.
 */
@Timeout(30)
class RouteHeaderDefaultsIT {

    static RestUpstream upstream;
    static TestGateway gateway;
    McpHttp mcp;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream().json("GET /tickets", 200, "[]").json("GET /audit", 200, "[]");
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: tickets
                    url: %s
                    routes:
                      - name: tenant-route
                        paths: [/tenant]
                        headers:
                          x-tenant: [acme]
                          x-zone: [north, south]
                          x-region: ['~*^eu-']
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [tenant-tools]
                            config:
                              mode: conversion-only
                              tools:
                                - {name: tickets, description: Tickets, method: GET, path: /tickets}
                                - name: tickets_of
                                  description: Tickets of a tenant the caller names
                                  method: GET
                                  path: /tickets
                                  parameters: [{name: X_Tenant, in: header, schema: {type: string}}]
                                - name: audit
                                  description: Audit log
                                  method: GET
                                  path: /audit
                                  headers: {X-Api-Version: ["2"]}
                routes:
                  - name: listener-route
                    paths: [/mcp]
                    plugins:
                      - name: ai-mcp-proxy
                        config:
                          mode: listener
                          server: {tag: tenant-tools}
                """.formatted(upstream.url()), Map.of(), false);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void session() {
        upstream.clear();
        mcp = new McpHttp(gateway.proxy("/mcp"));
        mcp.initialize("2025-06-18");
    }

    @Test
    void aToolWithoutHeadersSendsItsRoutesSingleHeaderMatchValuesUpstream() {
        JsonNode result = mcp.call("tickets", "{}");

        assertThat(result.get("isError").asBoolean()).as(text(result)).isFalse();
        RestUpstream.Received received = upstream.next();
        assertThat(received.headers().getAll("x-tenant")).containsExactly("acme");
        assertThat(received.header("x-region")).as("a regex match has no value to send").isNull();
        assertThat(received.header("x-zone")).as("of several values none is chosen for the caller").isNull();
    }

    @Test
    void aHeaderArgumentSpelledWithUnderscoresIsNotSentBesideTheRoutesHeaderMatchValue() {
        // a CGI/WSGI upstream reads X_Tenant as X-Tenant: beside the route's acme it would see the caller's tenant
        JsonNode result = mcp.call("tickets_of", "{\"header_X_Tenant\":\"other\"}");

        assertThat(result.get("isError").asBoolean()).as(text(result)).isFalse();
        RestUpstream.Received received = upstream.next();
        assertThat(received.headers().getAll("x-tenant")).containsExactly("acme");
        assertThat(received.headers().contains("x_tenant")).as("the caller's twin").isFalse();
    }

    @Test
    void aToolWithHeadersOfItsOwnSendsOnlyThose() {
        JsonNode result = mcp.call("audit", "{}");

        assertThat(result.get("isError").asBoolean()).as(text(result)).isFalse();
        RestUpstream.Received received = upstream.next();
        assertThat(received.header("X-Api-Version")).isEqualTo("2");
        assertThat(received.header("x-tenant")).isNull();
    }
}
