package dev.toolgate.mode.conversion;

import dev.toolgate.mcp.Json;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RawHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static dev.toolgate.testing.McpAssertions.assertRpcError;
import static dev.toolgate.testing.McpAssertions.assertStillServes;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code max_request_body_size}: larger bodies get 413 whether their length is declared or chunked. */
@Timeout(30)
class RequestBodyLimitIT {

    static final int LIMIT = 256;
    static final String TOO_LARGE = "Payload Too Large: the request body exceeds 256 bytes (config.max_request_body_size)";

    static RestUpstream upstream;
    static TestGateway gateway;
    McpHttp mcp;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream();
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
                              max_request_body_size: %d
                              tools:
                                - {name: one, description: One, method: GET, path: /mcp/one}
                """.formatted(upstream.url(), LIMIT));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void session() {
        mcp = new McpHttp(gateway.proxy("/mcp"));
        mcp.initialize("2025-06-18");
    }

    /** A tools/list request padded with spaces to exactly {@code size} bytes. */
    static String listOfSize(int size) {
        String message = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";
        return message + " ".repeat(size - message.length());
    }

    @Test
    void bodyAtTheLimitIsServed() {
        McpHttp.Response response = mcp.post(listOfSize(LIMIT));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().at("/result/tools/0/name").asText()).isEqualTo("one");
    }

    @Test
    void bodyOverTheLimitWithContentLengthGets413AndTheNextRequestIsServed() {
        assertRpcError(mcp.post(listOfSize(LIMIT + 1)), 413, -32000, TOO_LARGE);
        assertStillServes(mcp);
    }

    @Test
    void declaredLengthOverTheLimitIsRefusedBeforeTheBodyIsReadAndTheConnectionIsClosed() {
        URI endpoint = gateway.proxy("/mcp");
        String body = listOfSize(2000);
        RawHttp.Response response = RawHttp.exchange(endpoint, RawHttp.start("POST", endpoint)
                + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
                + "Mcp-Session-Id: " + mcp.sessionId() + "\r\nContent-Length: " + body.length() + "\r\n",
                body.getBytes(StandardCharsets.UTF_8));
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.header("connection")).isEqualToIgnoringCase("close");
        assertThat(readTree(response.body()).at("/error/message").asText()).isEqualTo(TOO_LARGE);
        assertStillServes(mcp);
    }

    @Test
    void aClientThatSendsAllOfALargeBodyBeforeReadingStillGetsIts413() {
        // the gateway reads none of it: closing at once would answer the bytes still coming with a TCP reset,
        // which loses the 413 for a client that reads only once it has sent all (curl, Node's fetch)
        URI endpoint = gateway.proxy("/mcp");
        byte[] body = listOfSize(32 * 1024 * 1024).getBytes(StandardCharsets.UTF_8);
        for (String framing : new String[] {"Content-Length: " + body.length, "Transfer-Encoding: chunked"}) {
            byte[] sent = framing.startsWith("Content") ? body : RawHttp.chunked(new String(body, StandardCharsets.UTF_8), 65536);
            RawHttp.Response response = RawHttp.exchangeWhole(endpoint, RawHttp.start("POST", endpoint)
                    + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
                    + "Mcp-Session-Id: " + mcp.sessionId() + "\r\n" + framing + "\r\n", sent);
            assertThat(response.status()).as(framing).isEqualTo(413);
            assertThat(response.header("connection")).as(framing).isEqualToIgnoringCase("close");
            assertThat(readTree(response.body()).at("/error/message").asText()).isEqualTo(TOO_LARGE);
        }
        assertStillServes(mcp);
    }

    @Test
    void anAnswerGivenBeforeABodyThatArrivedWithItsHeadClosesTheConnectionAtOnce() throws Exception {
        // answered in the same read as the head (no route: 404), before the body was asked for (Expect): the
        // guard lingers for the body, which is already there; the connection must not stay open (it would hold
        // a --max-connections slot for good)
        URI endpoint = gateway.proxy("/nope");
        try (java.net.Socket socket = new java.net.Socket(endpoint.getHost(), endpoint.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write((RawHttp.start("POST", endpoint)
                    + "Content-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}")
                    .getBytes(StandardCharsets.UTF_8));
            RawHttp.Response response = RawHttp.read(socket.getInputStream());
            long answered = System.nanoTime();

            assertThat(response.status()).isEqualTo(404);
            assertThat(response.header("connection")).isEqualToIgnoringCase("close");
            assertThat(socket.getInputStream().read()).as("the connection is closed").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - answered)).isLessThan(Duration.ofSeconds(3));
        }
        assertStillServes(mcp);
    }

    @Test
    void chunkedBodyOverTheLimitGets413AndTheNextRequestIsServed() {
        URI endpoint = gateway.proxy("/mcp");
        RawHttp.Response response = RawHttp.exchange(endpoint, RawHttp.start("POST", endpoint)
                + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
                + "Mcp-Session-Id: " + mcp.sessionId() + "\r\nTransfer-Encoding: chunked\r\n",
                RawHttp.chunked(listOfSize(LIMIT * 3), 100));
        assertThat(response.status()).isEqualTo(413);
        assertThat(readTree(response.body()).at("/error/code").asInt()).isEqualTo(-32000);
        assertThat(readTree(response.body()).at("/error/message").asText()).isEqualTo(TOO_LARGE);
        assertStillServes(mcp);
    }

    @Test
    void chunkedBodyFromTheJdkClientWithoutLengthGets413() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        byte[] body = listOfSize(LIMIT * 2).getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(gateway.proxy("/mcp")).timeout(Duration.ofSeconds(20))
                .header("content-type", "application/json").header("accept", McpHttp.ACCEPT_BOTH)
                .header("mcp-session-id", mcp.sessionId())
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(readTree(response.body()).at("/error/message").asText()).isEqualTo(TOO_LARGE);
        assertStillServes(mcp);
    }

    @Test
    void chunkedBodyUnderTheLimitIsServed() {
        URI endpoint = gateway.proxy("/mcp");
        RawHttp.Response response = RawHttp.exchange(endpoint, RawHttp.start("POST", endpoint)
                + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
                + "Mcp-Session-Id: " + mcp.sessionId() + "\r\nTransfer-Encoding: chunked\r\n",
                RawHttp.chunked(listOfSize(LIMIT), 10));
        assertThat(response.status()).isEqualTo(200);
        assertThat(readTree(response.body()).at("/result/tools/0/name").asText()).isEqualTo("one");
    }

    private static byte[] gzip(String text) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream zip = new java.util.zip.GZIPOutputStream(out)) {
            zip.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private RawHttp.Response postGzip(byte[] body) {
        URI endpoint = gateway.proxy("/mcp");
        return RawHttp.exchange(endpoint, RawHttp.start("POST", endpoint)
                + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
                + "Content-Encoding: gzip\r\nMcp-Session-Id: " + mcp.sessionId() + "\r\nContent-Length: " + body.length + "\r\n",
                body);
    }

    @Test
    void gzipBodyUnderTheLimitIsServed() throws Exception {
        RawHttp.Response response = postGzip(gzip(listOfSize(200)));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(readTree(response.body()).at("/result/tools/0/name").asText()).isEqualTo("one");
    }

    @Test
    void gzipBodyThatInflatesBeyondTheLimitGets413() throws Exception {
        byte[] compressed = gzip(listOfSize(100_000));
        assertThat(compressed.length).isLessThan(LIMIT);
        RawHttp.Response response = postGzip(compressed);
        assertThat(response.status()).as(response.body()).isEqualTo(413);
        assertStillServes(mcp);
    }

    @Test
    void initializeIsLimitedToo() {
        String padded = """
                {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},
                 "clientInfo":{"name":"%s","version":"1"}}}""".formatted("x".repeat(300));
        McpHttp fresh = new McpHttp(gateway.proxy("/mcp"));
        McpHttp.Response response = fresh.post(padded);
        assertRpcError(response, 413, -32000, TOO_LARGE);
        assertThat(response.header("mcp-session-id")).isNull();
    }

    private static com.fasterxml.jackson.databind.JsonNode readTree(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }
}
