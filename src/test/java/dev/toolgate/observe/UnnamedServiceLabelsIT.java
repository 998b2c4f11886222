package dev.toolgate.observe;

import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Kong's exporter labels the metrics of a service without a {@code name} (an {@code id} alone) by its host. */
@Timeout(60)
class UnnamedServiceLabelsIT {

    @Test
    void aServiceWithoutANameIsLabelledByItsHostInKongsAndTheMcpMetrics() throws Exception {
        try (RestUpstream api = new RestUpstream().json("GET /one", 200, "{\"one\":1}");
             TestGateway gateway = TestGateway.start("""
                     _format_version: "3.0"
                     plugins:
                       - name: prometheus
                         config: {status_code_metrics: true, ai_metrics: true}
                     services:
                       - id: 5f0e1d2c-3b4a-4c5d-8e6f-7a8b9c0d1e2f
                         url: %s
                         routes:
                           - name: mcp
                             paths: [/mcp]
                             plugins:
                               - name: ai-mcp-proxy
                                 config:
                                   mode: conversion-listener
                                   logging: {log_statistics: true}
                                   tools:
                                     - {name: one, description: One, method: GET, path: /mcp/one}
                     """.formatted(api.url()))) {
            McpHttp client = new McpHttp(gateway.proxy("/mcp"));
            assertThat(client.initialize("2025-06-18").status()).isEqualTo(200);
            assertThat(client.call("one", "{}").path("isError").asBoolean()).isFalse();

            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(gateway.admin("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            String host = URI.create(api.url()).getHost();
            assertThat(metrics).doesNotContain("5f0e1d2c-3b4a-4c5d-8e6f-7a8b9c0d1e2f");
            assertThat(metrics.lines().filter(l -> l.startsWith("kong_http_requests_total{")))
                    .isNotEmpty().allMatch(l -> l.contains("service=\"" + host + "\""));
            assertThat(metrics.lines().filter(l -> l.startsWith("kong_ai_mcp_latency_ms_count{")))
                    .isNotEmpty().allMatch(l -> l.contains("service=\"" + host + "\""));
        }
    }
}
