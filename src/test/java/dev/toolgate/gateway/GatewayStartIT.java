package dev.toolgate.gateway;

import dev.toolgate.config.ConfigProblem;
import dev.toolgate.config.InvalidConfigException;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Starting: an invalid document starts nothing and says everything wrong with it; a valid one serves. */
@Timeout(30)
class GatewayStartIT {

    @Test
    void invalidDocumentFailsTheStartWithEveryProblem() {
        InvalidConfigException failure = catchThrowableOfType(InvalidConfigException.class, () -> TestGateway.start("""
                _format_version: "2.1"
                services:
                  - name: api
                    url: http://127.0.0.1:1
                    connect_timeout: -5
                    routes:
                      - name: mcp
                        paths: [mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: t, method: GET, path: /mcp/t}
                """));
        assertThat(failure).isNotNull();
        assertThat(failure.problems()).extracting(ConfigProblem::toString).contains(
                "_format_version: must be \"3.0\" (Kong 3.x declarative format), got \"2.1\"",
                "services[0].routes[0].paths[0]: must start with / (a prefix) or ~ (a regex)");
        assertThat(failure.problems()).extracting(ConfigProblem::path).contains("services[0].connect_timeout",
                "services[0].routes[0].plugins[0].config.tools[0].description");
    }

    @Test
    void documentWithoutListenerPluginsStartsAndAnswersNoRouteEverywhere() {
        try (TestGateway gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: http://127.0.0.1:1
                    routes:
                      - name: plain
                        paths: [/plain]
                """)) {
            McpHttp.Response unknown = new McpHttp(gateway.proxy("/elsewhere")).post("{}");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.json().get("message").asText()).isEqualTo("no Route matched with those values");
            McpHttp.Response plain = new McpHttp(gateway.proxy("/plain")).post("{}");
            assertThat(plain.status()).isEqualTo(404);
            assertThat(plain.json().get("message").asText())
                    .isEqualTo("route 'plain' has no MCP listener (no ai-mcp-proxy plugin in a listening mode applies to it)");
            assertThat(new AdminHttp(gateway).get("/status").json().at("/counts/tools").asInt()).isZero();
        }
    }

    @Test
    void serviceGivenAsHostWithoutPortStarts() {
        // Kong's default port is 80 for http; the same document through POST /config fails the same way.
        try (TestGateway gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: by-host
                    host: 127.0.0.1
                    routes:
                      - name: by-host
                        paths: [/by-host]
                """)) {
            assertThat(new AdminHttp(gateway).get("/services/by-host").json().get("port").asInt()).isEqualTo(80);
        }
    }
}
