package dev.toolgate.interop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.NodeClients;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** An upstream failure is a tool error ({@code isError: true}), which the Inspector CLI reports with exit code 5. */
@Timeout(120)
class InspectorToolErrorIT {

    static NodeClients node;
    static RestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        node = NodeClients.require();
        upstream = new RestUpstream()
                .json("GET /reports", 500, "{\"message\":\"database unavailable\"}");
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: reports-service
                    url: %s
                    routes:
                      - name: reports
                        paths: [/reports-mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - name: daily_report
                                  description: Today's report
                                  method: GET
                                  path: /reports-mcp/reports
                                  parameters:
                                    - {name: day, in: query, required: true, schema: {type: string}}
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void upstream500IsAToolErrorWithExitCode5() {
        NodeClients.Run run = node.inspector(gateway.proxy("/reports-mcp"), "--method", "tools/call",
                "--tool-name", "daily_report", "--tool-arg", "query_day=2026-11-24");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(NodeClients.INSPECTOR_TOOL_ERROR);
        assertThat(run.errorEnvelope().path("error").path("code").asText()).as(run.toString()).isEqualTo("tool_is_error");
        JsonNode result = run.json().path("result");
        assertThat(result.path("isError").asBoolean()).isTrue();
        assertThat(result.path("content").get(0).path("text").asText())
                .isEqualTo("The API answered HTTP 500 Internal Server Error: {\"message\":\"database unavailable\"}");
        assertThat(result.has("structuredContent")).isFalse();

        RestUpstream.Received received = upstream.next();
        assertThat(received.method()).isEqualTo("GET");
        assertThat(received.uri()).isEqualTo("/reports?day=2026-11-24");
    }
}
