package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.CapturedLog;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.ModernHttp;
import dev.toolgate.testing.OtherSessions;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A REST answer near the 16 MiB bound (parsed, checked against the output schema and written out twice) is
 * turned into its tool result off the event loop, and so is what a response-transformer does to it first: the other
 * sessions on that loop are answered meanwhile.
 */
@Timeout(60)
class LargeAnswerIT {

    /** More connections than the gateway has event loops (one per core), so that some share the call's. */
    static final int OTHER_SESSIONS = 8;

    static RestUpstream upstream;
    static TestGateway gateway;
    /** Counted down once the REST API has sent its answer (written it to the connection). */
    static volatile CountDownLatch answered;

    /** About 15 MB: 300,000 users by id, each checked against the output schema's user. */
    static String users() {
        StringBuilder out = new StringBuilder(15_500_000).append('{');
        for (int i = 0; i < 300_000; i++) {
            out.append(i == 0 ? "" : ",").append("\"u").append(i).append("\":{\"id\":\"u").append(i)
                    .append("\",\"name\":\"User number ").append(i).append("\"}");
        }
        return out.append('}').toString();
    }

    /** About 15 MB: 340,000 users as a list, beside their count. */
    static String page() {
        StringBuilder out = new StringBuilder(15_500_000).append("{\"count\":340000,\"users\":[");
        for (int i = 0; i < 340_000; i++) {
            out.append(i == 0 ? "" : ",").append("{\"id\":\"u").append(i).append("\",\"name\":\"User number ")
                    .append(i).append("\"}");
        }
        return out.append("]}").toString();
    }

    @BeforeAll
    static void start() {
        byte[] users = users().getBytes(StandardCharsets.UTF_8);
        byte[] page = page().getBytes(StandardCharsets.UTF_8);
        assertThat(users.length).isBetween(14_000_000, ToolInvoker.MAX_RESPONSE_BYTES);
        assertThat(page.length).isBetween(14_000_000, ToolInvoker.MAX_RESPONSE_BYTES);
        upstream = new RestUpstream().on("GET /users", r -> r.response().putHeader("content-type", "application/json")
                .end(io.vertx.core.buffer.Buffer.buffer(users)).onComplete(done -> answered.countDown()))
                .on("GET /page", r -> r.response().putHeader("content-type", "application/json")
                        .end(io.vertx.core.buffer.Buffer.buffer(page)).onComplete(done -> answered.countDown()));
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - name: users_by_id
                                  description: Every user, by id
                                  method: GET
                                  path: /mcp/users
                                  responses:
                                    "200":
                                      content:
                                        application/json:
                                          schema:
                                            type: object
                                            additionalProperties:
                                              type: object
                                              properties: {id: {type: string}, name: {type: string}}
                                              required: [id]
                      - name: counted
                        paths: [/counted]
                        plugins:
                          - name: response-transformer
                            config:
                              remove: {json: [users]}
                              add: {json: ["origin:gateway"]}
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - name: user_count
                                  description: How many users there are
                                  method: GET
                                  path: /counted/page
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void expectAnAnswer() {
        answered = new CountDownLatch(1);
    }

    @Test
    void otherSessionsAreAnsweredWhileALargeAnswerBecomesItsToolResult() throws Exception {
        McpHttp caller = new McpHttp(gateway.proxy("/mcp"));
        caller.initialize("2025-06-18");
        HttpClient client = HttpClient.newHttpClient();
        try {
            // completes with the answer's head, sent once the result is made
            HttpRequest request = HttpRequest.newBuilder(gateway.proxy("/mcp")).header("content-type", "application/json")
                    .header("accept", McpHttp.ACCEPT_BOTH).header("mcp-session-id", caller.sessionId())
                    .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
                            + "\"params\":{\"name\":\"users_by_id\",\"arguments\":{}}}")).build();
            CompletableFuture<HttpResponse<InputStream>> call = new CompletableFuture<>();
            assertOthersAnsweredWhileInFlight(() -> client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                    .whenComplete((done, failed) -> {
                        if (failed == null) {
                            call.complete(done);
                        } else {
                            call.completeExceptionally(failed);
                        }
                    }));
            HttpResponse<InputStream> response = call.get(30, TimeUnit.SECONDS);
            String body;
            try (InputStream in = response.body()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(body).contains("\"structuredContent\":{\"u0\":{\"id\":\"u0\"").endsWith("\"isError\":false}}");
        } finally {
            client.shutdownNow(); // closing would wait for an answer a failed assertion left unread
        }
    }

    @Test
    void otherSessionsAreAnsweredWhileATransformerStripsALargeAnswerToASmallToolResult() throws Exception {
        McpHttp caller = new McpHttp(gateway.proxy("/counted"));
        caller.initialize("2025-06-18");
        CompletableFuture<JsonNode> call = new CompletableFuture<>();
        assertOthersAnsweredWhileInFlight(() -> call.completeAsync(() -> caller.call("user_count", "{}")));
        JsonNode result = call.get(30, TimeUnit.SECONDS);
        assertThat(result.path("content").path(0).path("text").asText())
                .isEqualTo("{\"count\":340000,\"origin\":\"gateway\"}");
        assertThat(result.path("isError").asBoolean()).isFalse();
    }

    @Test
    void otherSessionsAreAnsweredWhileALargeAnswerBecomesAModernToolResult() throws Exception {
        ModernHttp modern = new ModernHttp(gateway.proxy("/mcp"));
        CompletableFuture<McpHttp.Response> call = new CompletableFuture<>();
        assertOthersAnsweredWhileInFlight(() -> CompletableFuture.runAsync(() -> call.complete(
                modern.request("tools/call", "{\"name\":\"users_by_id\",\"arguments\":{}}"))));
        McpHttp.Response response = call.get(30, TimeUnit.SECONDS);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains("\"structuredContent\":{\"u0\":{\"id\":\"u0\"")
                .contains("\"isError\":false,\"resultType\":\"complete\"");
    }

    /**
     * Once the REST API has sent its answer, the gateway holds it whole and is making it the call's result: other
     * sessions ask again and again until the call's answer comes, and each is answered again and again meanwhile;
     * no event loop is reported blocked.
     */
    private static void assertOthersAnsweredWhileInFlight(Supplier<CompletableFuture<?>> start) throws Exception {
        try (OtherSessions others = new OtherSessions(gateway.proxy("/mcp"), OTHER_SESSIONS);
             CapturedLog log = CapturedLog.everything()) {
            CompletableFuture<?> call = start.get();
            assertThat(answered.await(30, TimeUnit.SECONDS)).as("the REST API sent its answer").isTrue();
            List<Integer> times = others.answeredWhile(call);
            // those sharing the call's event loop as often as those on another (a blocked loop answers none or
            // the few it read before the answer was whole)
            OtherSessions.assertNoneHeldUp(times,
                    "answers to each other session while the large call's result was made");
            call.get(30, TimeUnit.SECONDS);
            assertThat(log.text()).as("no event loop was blocked").doesNotContain("has been blocked for");
        }
    }
}
