package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kong's how-tos set {@code logging} on {@code conversion-only} tool sets; the listener serving their tools
 * logs the calls, and does so as the tool set asks too, though it sets no logging of its own.
 */
@Timeout(60)
class ToolSetLoggingIT {

    /** A conversion-only tool set with {@code logging}, served by a listener that sets none, and {@code extra}. */
    private static String config(RestUpstream rest, String logging, String extra) {
        return """
                _format_version: "3.0"
                %sservices:
                  - name: shop
                    url: %s
                    routes:
                      - name: tools
                        paths: [/api]
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [shop-tools]
                            config:
                              mode: conversion-only
                              tools: [{name: list_orders, description: Orders, method: GET, path: /api/orders}]
                              logging: %s
                              max_request_body_size: 16384
                routes:
                  - name: mcp
                    paths: [/mcp]
                    plugins:
                      - {name: ai-mcp-proxy, config: {mode: listener, server: {tag: shop-tools}}}
                """.formatted(extra, rest.url(), logging);
    }

    @Test
    void aListenerLogsTheCallsOfAToolSetThatAsksForStatisticsThoughItAsksForNone() throws IOException {
        try (RestUpstream rest = new RestUpstream().json("GET /api/orders", 200, "[]");
             RestUpstream logs = new RestUpstream().on("POST /logs", r -> r.response().setStatusCode(200).end());
             TestGateway gateway = TestGateway.start(config(rest, "{log_statistics: true}",
                     "plugins:\n  - {name: http-log, config: {http_endpoint: '" + logs.url() + "/logs'}}\n"))) {
            McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
            mcp.initialize("2025-11-25");
            mcp.call("list_orders", "{}");

            JsonNode call = null;
            while (call == null) {
                await().atMost(Duration.ofSeconds(20)).until(() -> logs.pending() >= 1);
                for (JsonNode rpc : Json.parse(logs.next().body()).path("ai").path("mcp").path("rpc")) {
                    if ("tools/call".equals(rpc.path("method").asText())) {
                        call = rpc;
                    }
                }
            }
            assertThat(call.path("tool_name").asText()).as("%s", call).isEqualTo("list_orders");
        }
    }

    @Test
    void theDashboardShowsAListenerLoggingPayloadsWhenItsToolSetAsksForThem() throws Exception {
        try (RestUpstream rest = new RestUpstream().json("GET /api/orders", 200, "[]");
             TestGateway gateway = TestGateway.start(config(rest, "{log_payloads: true}", ""))) {
            HttpResponse<String> overview = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(gateway.admin("/dashboard/overview")).build(),
                    HttpResponse.BodyHandlers.ofString());

            JsonNode listener = null;
            for (JsonNode route : Json.parse(overview.body()).path("routes")) {
                if ("mcp".equals(route.path("route").asText())) {
                    listener = route;
                }
            }
            assertThat(listener).as(overview.body()).isNotNull();
            assertThat(listener.path("log_payloads").asBoolean()).as("%s", listener).isTrue();
        }
    }
}
