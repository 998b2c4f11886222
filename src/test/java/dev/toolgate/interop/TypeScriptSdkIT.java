package dev.toolgate.interop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.LiveFeed;
import dev.toolgate.testing.NodeClients;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official TypeScript SDK client (v1, from npm) against a conversion-listener route: it lists the
 * tools, calls them (its own checks of structuredContent against outputSchema included) and ends the
 * session; the recording upstream shows what each call turned into.
 */
@Timeout(120)
class TypeScriptSdkIT {

    static NodeClients node;
    static RestUpstream upstream;
    static TestGateway gateway;
    static URI endpoint;
    /** Completes when the upstream sees the slow report's connection close. */
    static final CompletableFuture<Void> slowReportStopped = new CompletableFuture<>();

    @BeforeAll
    static void start() {
        node = NodeClients.require();
        upstream = new RestUpstream()
                .json("GET /products", 200, "[{\"sku\":\"L-1\",\"name\":\"Desk lamp\"},{\"sku\":\"L-2\",\"name\":\"Floor lamp\"}]")
                .json("GET /orders/o-42", 200, "{\"id\":\"o-42\",\"status\":\"shipped\",\"total\":19.5}")
                .json("POST /orders", 201, "{\"id\":\"o-43\",\"status\":\"new\"}")
                .on("DELETE /orders/o-42", r -> r.response().setStatusCode(204).end())
                .json("DELETE /orders/o-43", 200, "{\"id\":\"o-43\",\"status\":\"new\"}")
                .on("GET /slow", r -> {
                    r.connection().closeHandler(v -> slowReportStopped.complete(null));
                    upstream.vertx().setTimer(10_000, t -> {
                        if (!r.response().closed()) {
                            r.response().putHeader("content-type", "application/json").end("{\"rows\":[]}");
                        }
                    });
                });
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: shop-service
                    url: %s
                    routes:
                      - name: shop
                        paths: [/shop]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - name: search_products
                                  description: Search the catalogue
                                  method: GET
                                  path: /shop/products
                                  parameters:
                                    - {name: q, in: query, required: true, schema: {type: string}, description: Search text}
                                    - {name: limit, in: query, schema: {type: integer, minimum: 1}}
                                    - {name: X-Tenant, in: header, required: true, schema: {type: string}}
                                  responses:
                                    "200":
                                      content:
                                        application/json:
                                          schema:
                                            type: array
                                            items:
                                              type: object
                                              properties: {sku: {type: string}, name: {type: string}}
                                - name: get_order
                                  description: Get one order
                                  method: GET
                                  path: orders/{orderId}
                                  parameters:
                                    - {name: orderId, in: path, required: true, schema: {type: string}}
                                  responses:
                                    "200":
                                      content:
                                        application/json:
                                          schema:
                                            type: object
                                            required: [id, status]
                                            properties:
                                              id: {type: string}
                                              status: {type: string, enum: [new, shipped]}
                                              total: {type: number}
                                - description: Place an order
                                  method: POST
                                  path: /shop/orders
                                  annotations: {title: Create order}
                                  request_body:
                                    required: true
                                    description: The order
                                    content:
                                      application/json:
                                        schema:
                                          type: object
                                          required: [item]
                                          properties:
                                            item: {type: string}
                                            quantity: {type: integer}
                                - name: cancel_order
                                  description: Cancel an order (answers the order as it was, or nothing)
                                  method: DELETE
                                  path: orders/{orderId}
                                  parameters:
                                    - {name: orderId, in: path, required: true, schema: {type: string}}
                                  responses:
                                    "200":
                                      content:
                                        application/json:
                                          schema:
                                            type: object
                                            required: [id, status]
                                            properties: {id: {type: string}, status: {type: string}}
                                    "204": {description: cancelled}
                      - name: reports
                        paths: [/reports]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - name: slow_report
                                  description: A report that takes ten seconds to make
                                  method: GET
                                  path: /reports/slow
                """.formatted(upstream.url()));
        endpoint = gateway.proxy("/shop");
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

    @BeforeEach
    void forgetEarlierRequests() throws InterruptedException {
        while (upstream.pending() > 0) {
            upstream.quiet(Duration.ZERO);
        }
    }

    @Test
    void listsToolsWithNamesAndSchemas() throws IOException {
        NodeClients.Run run = node.typescriptSdk(endpoint, "list");
        JsonNode out = run.ok();
        assertThat(out.path("protocolVersion").asText()).as(run.toString()).isEqualTo("2025-11-25");
        assertThat(out.path("serverInfo").path("name").asText()).isEqualTo("toolgate");
        assertThat(out.path("sessionId").asText()).isNotBlank();
        assertThat(out.path("capabilities").has("tools")).isTrue();

        JsonNode tools = out.get("tools");
        assertThat(tools.valueStream().map(t -> t.path("name").asText())).as(run.toString())
                .containsExactly("search_products", "get_order", "Create_order", "cancel_order");
        assertThat(tools.get(0).get("inputSchema")).isEqualTo(json("""
                {"type":"object","properties":{
                   "query_q":{"type":"string","description":"Search text"},
                   "query_limit":{"type":"integer","minimum":1},
                   "header_X-Tenant":{"type":"string"}},
                 "required":["query_q","header_X-Tenant"]}"""));
        assertThat(tools.get(0).get("outputSchema")).isEqualTo(json("""
                {"type":"object","properties":{"result":{"type":"array","items":{"type":"object",
                   "properties":{"sku":{"type":"string"},"name":{"type":"string"}}}}},
                 "required":["result"]}"""));
        assertThat(tools.get(1).get("inputSchema")).isEqualTo(json("""
                {"type":"object","properties":{"path_orderId":{"type":"string"}},"required":["path_orderId"]}"""));
        assertThat(tools.get(2).path("title").asText()).isEqualTo("Create order");
        assertThat(tools.get(2).get("inputSchema")).isEqualTo(json("""
                {"type":"object","properties":{"body":{"type":"object","required":["item"],
                   "properties":{"item":{"type":"string"},"quantity":{"type":"integer"}},"description":"The order"}},
                 "required":["body"]}"""));
        assertThat(tools.get(2).has("outputSchema")).isFalse();
        assertThat(upstream.pending()).as("listing tools calls no API").isZero();
    }

    @Test
    void callWithPathArgumentReturnsContentAndStructuredContent() throws IOException {
        NodeClients.Run run = node.typescriptSdk(endpoint, "call", "get_order", "{\"path_orderId\":\"o-42\"}");
        JsonNode result = run.ok().get("result");
        assertThat(result.path("isError").asBoolean()).as(run.toString()).isFalse();
        assertThat(result.get("content")).isEqualTo(json("""
                [{"type":"text","text":"{\\"id\\":\\"o-42\\",\\"status\\":\\"shipped\\",\\"total\\":19.5}"}]"""));
        assertThat(result.get("structuredContent")).isEqualTo(json("{\"id\":\"o-42\",\"status\":\"shipped\",\"total\":19.5}"));

        RestUpstream.Received received = upstream.next();
        assertThat(received.method()).isEqualTo("GET");
        assertThat(received.uri()).isEqualTo("/orders/o-42");
        assertThat(received.body()).isEmpty();
    }

    @Test
    void anOperationThatMayAnswerNothingValidatesInTheSdkBothWhenItAnswersAnObjectAndWhenItAnswersNothing()
            throws IOException {
        NodeClients.Run nothing = node.typescriptSdk(endpoint, "call", "cancel_order", "{\"path_orderId\":\"o-42\"}");
        JsonNode empty = nothing.ok().get("result");
        assertThat(empty.path("isError").asBoolean()).as(nothing.toString()).isFalse();
        assertThat(empty.get("structuredContent")).isEqualTo(json("{}"));

        NodeClients.Run order = node.typescriptSdk(endpoint, "call", "cancel_order", "{\"path_orderId\":\"o-43\"}");
        JsonNode object = order.ok().get("result");
        assertThat(object.path("isError").asBoolean()).as(order.toString()).isFalse();
        assertThat(object.get("structuredContent")).as("the object itself, not wrapped")
                .isEqualTo(json("{\"id\":\"o-43\",\"status\":\"new\"}"));
    }

    @Test
    void callWithQueryAndHeaderArgumentsWrapsAnArrayAnswer() throws IOException {
        NodeClients.Run run = node.typescriptSdk(endpoint, "call", "search_products",
                "{\"query_q\":\"desk lamp\",\"query_limit\":2,\"header_X-Tenant\":\"acme\"}");
        JsonNode result = run.ok().get("result");
        assertThat(result.path("isError").asBoolean()).as(run.toString()).isFalse();
        assertThat(result.get("structuredContent")).isEqualTo(json("""
                {"result":[{"sku":"L-1","name":"Desk lamp"},{"sku":"L-2","name":"Floor lamp"}]}"""));
        assertThat(json(result.get("content").get(0).get("text").asText()))
                .isEqualTo(json("[{\"sku\":\"L-1\",\"name\":\"Desk lamp\"},{\"sku\":\"L-2\",\"name\":\"Floor lamp\"}]"));

        RestUpstream.Received received = upstream.next();
        assertThat(received.method()).isEqualTo("GET");
        assertThat(received.path()).isEqualTo("/products");
        assertThat(received.query()).isEqualTo("q=desk%20lamp&limit=2");
        assertThat(received.header("X-Tenant")).isEqualTo("acme");
    }

    @Test
    void callWithBodySendsJsonToTheApi() throws IOException {
        NodeClients.Run run = node.typescriptSdk(endpoint, "call", "Create_order",
                "{\"body\":{\"item\":\"lamp\",\"quantity\":2}}");
        JsonNode result = run.ok().get("result");
        assertThat(result.path("isError").asBoolean()).as(run.toString()).isFalse();
        assertThat(result.has("structuredContent")).isFalse();
        assertThat(result.get("content")).hasSize(1);
        assertThat(json(result.get("content").get(0).get("text").asText()))
                .isEqualTo(json("{\"id\":\"o-43\",\"status\":\"new\"}"));

        RestUpstream.Received received = upstream.next();
        assertThat(received.method()).isEqualTo("POST");
        assertThat(received.path()).isEqualTo("/orders");
        assertThat(received.header("content-type")).startsWith("application/json");
        assertThat(json(received.body())).isEqualTo(json("{\"item\":\"lamp\",\"quantity\":2}"));
    }

    @Test
    void aCallTheClientCancelsIsLeftUnansweredSoTheSdkReportsNoStrayResponseAndTheApiCallStops() throws Exception {
        NodeClients.Run run = node.typescriptSdk(gateway.proxy("/reports"), "cancel", "slow_report", "{}", "300");
        JsonNode out = run.ok();
        assertThat(out.path("aborted").asText()).as(run.toString()).contains("the user pressed stop");
        assertThat(out.get("errors")).as("what the client reported after the cancellation: %s", run).isEmpty();
        assertThat(out.get("after").isObject()).as("the session still serves: %s", run).isTrue();

        slowReportStopped.get(5, TimeUnit.SECONDS);
        JsonNode event = LiveFeed.event(gateway, e -> "slow_report".equals(e.path("tool").asText()));
        assertThat(event.path("error_type").asText()).as(event.toString()).isEqualTo("unanswered");
        assertThat(event.path("error").asText()).as("no upstream failure: %s", event)
                .isEqualTo("unanswered: the client cancelled it");
    }

    private static JsonNode json(String text) throws IOException {
        return Json.MAPPER.readTree(text);
    }
}
