package dev.toolgate.hardening;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.NodeClients;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Node.js HTTP server that closes idle keep-alive connections after {@code keepAliveTimeout}
 * (300 ms here, 5 s by default), 50 ms of latency away ({@link DelayedLink}): a call that reuses the
 * pooled connection 250 ms after the last answer goes out before the server's close reaches the gateway
 * and arrives after the server closed, every time. A GET is sent again on a new connection, for a
 * converted tool call and through passthrough, and the server acts on each call once.
 */
@Timeout(60)
class NodeKeepAliveIT {

    static final long KEEP_ALIVE_TIMEOUT_MS = 300;
    static final long LATENCY_MS = 50;
    /** Inside (timeout - 2 x latency, timeout): sent before the close arrives, arriving after it was made. */
    static final long PAUSE_MS = 250;

    static Process node;
    static int nodePort;
    static DelayedLink link;
    static TestGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        NodeClients clients = NodeClients.require();
        node = new ProcessBuilder(clients.node().toString(),
                clients.root().resolve("src/test/node/idle-closing-server.mjs").toString(),
                Long.toString(KEEP_ALIVE_TIMEOUT_MS)).directory(clients.root().toFile()).redirectErrorStream(true)
                .start();
        String line = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(line).startsWith("listening on port ");
        nodePort = Integer.parseInt(line.substring("listening on port ".length()).trim());
        link = new DelayedLink(nodePort, LATENCY_MS);
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: node
                    url: http://127.0.0.1:%d
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server: {session: {managed: false}}
                              tools:
                                - {name: items, description: Lists items, method: GET, path: /items}
                      - name: pt
                        paths: [/pt]
                        strip_path: false
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                """.formatted(link.port()));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (link != null) {
            link.close();
        }
        if (node != null) {
            node.destroy();
        }
    }

    @Test
    void aConvertedGetThatMeetsTheServersIdleCloseIsSentAgainOnANewConnection() throws Exception {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        for (int call = 0; call < 4; call++) {
            if (call > 0) {
                Thread.sleep(PAUSE_MS);
            }
            JsonNode result = mcp.call("items", "{}");
            assertThat(result.path("isError").asBoolean()).as("call %d: %s", call, result).isFalse();
        }
        assertThat(served("GET /items")).isEqualTo(4);
    }

    @Test
    void aPassthroughGetThatMeetsTheServersIdleCloseIsSentAgainOnANewConnection() throws Exception {
        McpHttp pt = new McpHttp(gateway.proxy("/pt/stream"));
        for (int call = 0; call < 4; call++) {
            if (call > 0) {
                Thread.sleep(PAUSE_MS);
            }
            McpHttp.Response response = pt.send("GET", null, Map.of("accept", "application/json, text/event-stream"));
            assertThat(response.status()).as("call %d: %s", call, response).isEqualTo(200);
        }
        assertThat(served("GET /pt/stream")).isEqualTo(4);
    }

    /** How many {@code METHOD path} requests the Node server answered, asked directly. */
    static int served(String methodAndPath) throws Exception {
        try (HttpClient direct = HttpClient.newHttpClient()) {
            String body = direct.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nodePort + "/__served"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).path(methodAndPath).asInt();
        }
    }
}
