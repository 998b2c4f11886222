package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static dev.toolgate.testing.McpAssertions.assertStillServes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stopping calls in flight: {@code notifications/cancelled} from the same session, or the client
 * going away, resets the upstream exchange; nobody else's cancellation can touch a call.
 */
@Timeout(60)
class CancellationIT {

    /** Per call tag: completes when the upstream sees that call's connection close. */
    static final Map<String, CompletableFuture<Void>> upstreamClosed = new ConcurrentHashMap<>();

    static RestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream().on("GET /work", r -> {
            String tag = r.getParam("tag");
            long delay = Long.parseLong(r.getParam("delay"));
            r.connection().closeHandler(v -> closed(tag).complete(null));
            Vertx.currentContext().owner().setTimer(Math.max(1, delay), t -> {
                if (!r.response().closed()) {
                    r.response().putHeader("content-type", "application/json").end("{\"done\":\"" + tag + "\"}");
                }
            });
        });
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
                                - name: work
                                  description: Slow work
                                  method: GET
                                  path: /mcp/work
                                  parameters:
                                    - {name: tag, in: query, required: true, schema: {type: string}}
                                    - {name: delay, in: query, required: true, schema: {type: integer}}
                      - name: stateless
                        paths: [/stateless]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server:
                                session: {managed: false}
                              tools:
                                - name: work
                                  description: Slow work
                                  method: GET
                                  path: /stateless/work
                                  parameters:
                                    - {name: tag, in: query, required: true, schema: {type: string}}
                                    - {name: delay, in: query, required: true, schema: {type: integer}}
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void drain() {
        while (upstream.pending() > 0) {
            upstream.next();
        }
    }

    static CompletableFuture<Void> closed(String tag) {
        return upstreamClosed.computeIfAbsent(tag, t -> new CompletableFuture<>());
    }

    private static McpHttp session() {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        mcp.initialize("2025-06-18");
        return mcp;
    }

    private static CompletableFuture<McpHttp.Response> startCall(McpHttp mcp, String id, String tag, long delayMs) {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"work\","
                + "\"arguments\":{\"query_tag\":\"" + tag + "\",\"query_delay\":" + delayMs + "}}}";
        return CompletableFuture.supplyAsync(() -> mcp.post(body));
    }

    private static McpHttp.Response cancel(McpHttp mcp, String requestId) {
        return mcp.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":" + requestId
                + ",\"reason\":\"user pressed stop\"}}");
    }

    private static boolean successful(McpHttp.Response response) {
        JsonNode json = response.body().isEmpty() ? null : response.json();
        return json != null && json.has("result") && !json.at("/result/isError").asBoolean(false);
    }

    @Test
    void cancelledCallStopsTheUpstreamExchangeAndGetsNoSuccessfulResult() throws Exception {
        McpHttp mcp = session();
        CompletableFuture<McpHttp.Response> call = startCall(mcp, "41", "numeric-id", 10_000);
        assertThat(upstream.next().query()).startsWith("tag=numeric-id");

        McpHttp.Response notification = cancel(mcp, "41");
        assertThat(notification.status()).isEqualTo(202);

        closed("numeric-id").get(5, TimeUnit.SECONDS);
        McpHttp.Response answer = call.get(5, TimeUnit.SECONDS);
        assertThat(successful(answer)).as("answer to the cancelled call: %s", answer).isFalse();
        assertStillServes(mcp);
    }

    @Test
    void aCancelledCallGetsNoAnswerAtAllAndItsRequestEndsAsAnEmptyEventStream() throws Exception {
        McpHttp mcp = session();
        CompletableFuture<McpHttp.Response> call = startCall(mcp, "42", "unanswered", 10_000);
        upstream.next();
        assertThat(cancel(mcp, "42").status()).isEqualTo(202);

        McpHttp.Response answer = call.get(5, TimeUnit.SECONDS);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("content-type")).isEqualTo("text/event-stream");
        assertThat(answer.body()).as("MCP: the receiver of a cancellation does not respond").isEmpty();
    }

    @Test
    void aCancelledCallOfABatchIsLeftOutOfTheBatchsAnswer() throws Exception {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        mcp.initialize("2025-03-26");
        CompletableFuture<McpHttp.Response> batch = CompletableFuture.supplyAsync(() -> mcp.post("[{\"jsonrpc\":\"2.0\","
                + "\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"work\",\"arguments\":{\"query_tag\":"
                + "\"batched\",\"query_delay\":10000}}},{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"ping\"}]"));
        assertThat(upstream.next().query()).startsWith("tag=batched");
        assertThat(cancel(mcp, "7").status()).isEqualTo(202);

        McpHttp.Response answer = batch.get(5, TimeUnit.SECONDS);
        assertThat(answer.json()).as("%s", answer).isEqualTo(Json.parse("[{\"jsonrpc\":\"2.0\",\"id\":8,\"result\":{}}]"));
    }

    @Test
    void stringRequestIdsCanBeCancelledToo() throws Exception {
        McpHttp mcp = session();
        CompletableFuture<McpHttp.Response> call = startCall(mcp, "\"call-7\"", "string-id", 10_000);
        upstream.next();
        assertThat(cancel(mcp, "\"call-7\"").status()).isEqualTo(202);
        closed("string-id").get(5, TimeUnit.SECONDS);
        assertThat(successful(call.get(5, TimeUnit.SECONDS))).isFalse();
    }

    @Test
    void anotherSessionCannotCancelMyCall() throws Exception {
        McpHttp mine = session();
        McpHttp other = session();
        CompletableFuture<McpHttp.Response> call = startCall(mine, "5", "not-yours", 3_000);
        upstream.next();
        assertThat(cancel(other, "5").status()).isEqualTo(202);
        McpHttp.Response answer = call.get(10, TimeUnit.SECONDS);
        assertThat(successful(answer)).as("%s", answer).isTrue();
        assertThat(answer.json().at("/result/content/0/text").asText()).isEqualTo("{\"done\":\"not-yours\"}");
    }

    @Test
    void onAStatelessEndpointOneClientCannotCancelAnotherClientsCall() throws Exception {
        // Without sessions nothing ties a cancellation to the client that made the call; ids such as 1
        // are what every client uses, so a stranger's notifications/cancelled must not stop my call.
        McpHttp mine = new McpHttp(gateway.proxy("/stateless"));
        McpHttp stranger = new McpHttp(gateway.proxy("/stateless"));
        CompletableFuture<McpHttp.Response> call = startCall(mine, "1", "stateless-mine", 3_000);
        assertThat(upstream.next().query()).startsWith("tag=stateless-mine");
        assertThat(cancel(stranger, "1").status()).isEqualTo(202);
        McpHttp.Response answer = call.get(10, TimeUnit.SECONDS);
        assertThat(successful(answer)).as("my call after a stranger cancelled id 1: %s", answer).isTrue();
    }

    @Test
    void aCallWhoseIdIsReusedWhileItRunsStillCancelsTheLaterCallOnceTheFirstHasAnswered() throws Exception {
        McpHttp mcp = session();
        CompletableFuture<McpHttp.Response> first = startCall(mcp, "\"again\"", "reused-first", 300);
        assertThat(upstream.next().query()).startsWith("tag=reused-first");
        CompletableFuture<McpHttp.Response> second = startCall(mcp, "\"again\"", "reused-second", 10_000);
        assertThat(upstream.next().query()).startsWith("tag=reused-second");
        assertThat(successful(first.get(5, TimeUnit.SECONDS))).isTrue();

        assertThat(cancel(mcp, "\"again\"").status()).isEqualTo(202);

        closed("reused-second").get(5, TimeUnit.SECONDS);
        assertThat(successful(second.get(5, TimeUnit.SECONDS))).isFalse();
    }

    @Test
    void cancellingAnIdThatIsNotInFlightChangesNothing() throws Exception {
        McpHttp mcp = session();
        CompletableFuture<McpHttp.Response> call = startCall(mcp, "8", "other-id", 1_000);
        upstream.next();
        assertThat(cancel(mcp, "9").status()).isEqualTo(202);
        assertThat(cancel(mcp, "\"8\"").status()).as("the string \"8\" is not the number 8").isEqualTo(202);
        assertThat(successful(call.get(10, TimeUnit.SECONDS))).isTrue();
    }

    @Test
    void clientThatGoesAwayStopsItsUpstreamExchange() throws Exception {
        McpHttp mcp = session();
        URI endpoint = gateway.proxy("/mcp");
        byte[] body = ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"work\","
                + "\"arguments\":{\"query_tag\":\"gone\",\"query_delay\":10000}}}").getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /mcp HTTP/1.1\r\nHost: " + endpoint.getAuthority() + "\r\nContent-Type: application/json\r\n"
                    + "Accept: application/json, text/event-stream\r\nMcp-Session-Id: " + mcp.sessionId() + "\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            assertThat(upstream.next().query()).startsWith("tag=gone");
        }
        closed("gone").get(5, TimeUnit.SECONDS);
        assertStillServes(mcp);
        assertThat(Json.text(mcp.call("work", "{\"query_tag\":\"after\",\"query_delay\":0}").get("content")))
                .contains("after");
    }
}
