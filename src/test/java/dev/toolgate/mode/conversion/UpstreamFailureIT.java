package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static dev.toolgate.testing.McpAssertions.assertStillServes;
import static dev.toolgate.testing.McpAssertions.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upstream that is down, slow, silent or rude gives a tool error that says which, within the
 * configured time, and the gateway keeps serving meanwhile and afterwards.
 */
@Timeout(60)
class UpstreamFailureIT {

    static RestUpstream upstream;
    static TestGateway gateway;
    static int closedPort;
    static ServerSocket full;
    static final List<Socket> backlog = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        upstream = new RestUpstream()
                .json("GET /fast", 200, "{\"fast\":true}")
                .on("GET /slow", r -> Vertx.currentContext().owner().setTimer(5_000, t -> {
                    if (!r.response().closed()) {
                        r.response().putHeader("content-type", "application/json").end("{\"slow\":true}");
                    }
                }))
                .on("GET /hangup", r -> r.connection().close());
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        full = fullListener();
        String host = "http://127.0.0.1:";
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: %1$s%2$d
                    routes:
                      - name: quick
                        paths: [/quick]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server: {timeout: 300}
                              tools:
                                - {name: slow, description: Slow, method: GET, path: /quick/slow}
                                - {name: fast, description: Fast, method: GET, path: /quick/fast}
                                - {name: hangup, description: Hangs up, method: GET, path: /quick/hangup}
                      - name: lenient
                        paths: [/lenient]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: slow, description: Slow, method: GET, path: /lenient/slow}
                  - name: silent
                    url: %1$s%2$d
                    read_timeout: 200
                    routes:
                      - name: patient
                        paths: [/patient]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: slow, description: Slow, method: GET, path: /patient/slow}
                  - name: down
                    url: %1$s%3$d
                    routes:
                      - name: down
                        paths: [/down]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: anything, description: Anything, method: GET, path: /down/x}
                  - name: unreachable
                    url: %1$s%4$d
                    connect_timeout: 300
                    routes:
                      - name: unreachable
                        paths: [/unreachable]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: anything, description: Anything, method: GET, path: /unreachable/x}
                """.formatted(host, upstream.port(), closedPort, full.getLocalPort()));
    }

    /** A listener that never accepts, with its accept queue filled, so new connections hang in SYN_SENT. */
    private static ServerSocket fullListener() throws IOException {
        ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        for (int i = 0; i < 8; i++) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 200);
                backlog.add(socket);
            } catch (IOException e) {
                socket.close();
                break;
            }
        }
        return server;
    }

    @AfterAll
    static void stop() throws IOException {
        gateway.close();
        upstream.close();
        for (Socket socket : backlog) {
            socket.close();
        }
        full.close();
    }

    @BeforeEach
    void drain() {
        while (upstream.pending() > 0) {
            upstream.next();
        }
    }

    private static McpHttp session(String route) {
        McpHttp mcp = new McpHttp(gateway.proxy(route));
        mcp.initialize("2025-06-18");
        return mcp;
    }

    @Test
    void upstreamOnAClosedPortIsAToolErrorSayingItCouldNotBeReached() {
        McpHttp mcp = session("/down");
        JsonNode result = mcp.call("anything", "{}");
        assertThat(result.get("isError").asBoolean()).isTrue();
        assertThat(text(result)).startsWith("The API could not be reached: service 'down' unreachable: could not connect (error id ")
                .doesNotContain("127.0.0.1").doesNotContain(Integer.toString(closedPort));
        assertStillServes(mcp);
    }

    @Test
    void slowUpstreamBeyondServerTimeoutIsAToolErrorWithinTheBoundAndTheNextCallIsServed() {
        McpHttp mcp = session("/quick");
        long started = System.nanoTime();
        JsonNode result = mcp.call("slow", "{}");
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(result.get("isError").asBoolean()).isTrue();
        assertThat(text(result)).isEqualTo("The API did not answer in time: service 'api' gave no complete answer within 300 ms");
        assertThat(tookMs).as("answered after the 300 ms timeout, well before the upstream's 5 s").isBetween(250L, 4_000L);
        assertThat(mcp.call("fast", "{}").get("isError").asBoolean()).isFalse();
        assertStillServes(mcp);
    }

    @Test
    void aSlowCallDoesNotHoldUpOtherCalls() {
        McpHttp mcp = session("/lenient");
        McpHttp quick = session("/quick");
        CompletableFuture<JsonNode> slow = CompletableFuture.supplyAsync(() -> mcp.call("slow", "{}"));
        assertThat(upstream.next().path()).isEqualTo("/slow");
        long started = System.nanoTime();
        assertThat(quick.call("fast", "{}").get("isError").asBoolean()).isFalse();
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(3_500L);
        JsonNode slowResult = slow.join();
        assertThat(slowResult.get("isError").asBoolean()).isFalse();
        assertThat(slowResult.at("/content/0/text").asText()).isEqualTo("{\"slow\":true}");
    }

    @Test
    void serviceReadTimeoutEndsASilentExchange() {
        McpHttp mcp = session("/patient");
        long started = System.nanoTime();
        JsonNode result = mcp.call("slow", "{}");
        assertThat(result.get("isError").asBoolean()).isTrue();
        assertThat(text(result)).isEqualTo("The API did not answer in time: service 'silent' sent nothing for 200 ms (read_timeout)");
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(4_000L);
        assertStillServes(mcp);
    }

    @Test
    void serviceConnectTimeoutEndsAConnectionAttemptThatHangs() {
        McpHttp mcp = session("/unreachable");
        long started = System.nanoTime();
        JsonNode result = mcp.call("anything", "{}");
        assertThat(result.get("isError").asBoolean()).isTrue();
        assertThat(text(result)).isEqualTo("The API did not answer in time: service 'unreachable' accepted no connection "
                + "within 300 ms (connect_timeout)");
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(4_000L);
        assertStillServes(mcp);
    }

    @Test
    void upstreamThatHangsUpIsAToolErrorSayingTheCallFailed() {
        McpHttp mcp = session("/quick");
        JsonNode result = mcp.call("hangup", "{}");
        assertThat(result.get("isError").asBoolean()).isTrue();
        assertThat(text(result)).isEqualTo("The call to the API failed: service 'api' closed the connection before answering");
        assertThat(mcp.call("fast", "{}").get("isError").asBoolean()).isFalse();
    }
}
