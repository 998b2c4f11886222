package dev.toolgate.hardening;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RawConnection;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static dev.toolgate.testing.McpAssertions.assertStillServes;
import static dev.toolgate.testing.McpAssertions.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upstream that answers wrongly, for a converted tool call and through passthrough: each fault is a
 * tool error (or a 502/504) that names the service and never its address or an exception's text, and
 * the next call is served.
 */
@Timeout(90)
class UpstreamFaultBadInputIT {

    static FaultyUpstream upstream;
    static TestGateway gateway;
    static McpHttp mcp;

    /**
     * @param fault       the fault's name
     * @param toolError   a fragment of the tool error of a converted call
     * @param proxyStatus the status passthrough answers
     */
    record Case(String fault, String toolError, int proxyStatus) {
        @Override
        public String toString() {
            return fault;
        }
    }

    @BeforeAll
    static void start() throws IOException {
        byte[] bomb = gzipZeros(256);
        upstream = new FaultyUpstream();
        // this upstream answers one request per connection, and says so
        String ok = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
        upstream.bytes("ok", ok)
                .bytes("status-9999", "HTTP/1.1 9999 Weird\r\nContent-Length: 0\r\n\r\n")
                .bytes("status-99", "HTTP/1.1 99 Low\r\nContent-Length: 0\r\n\r\n")
                .bytes("status-600", "HTTP/1.1 600 High\r\nContent-Length: 0\r\n\r\n")
                .bytes("status-text", "HTTP/1.1 abc OK\r\nContent-Length: 0\r\n\r\n")
                .bytes("not-http", "hello, this is not HTTP\r\n\r\n")
                .bytes("empty", "")
                .bytes("version-2", "HTTP/2.0 200 OK\r\nContent-Length: 2\r\n\r\n{}")
                .bytes("short-body", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\"")
                .bytes("bad-chunk", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
                .bytes("negative-length", "HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n{}")
                .bytes("huge-header", "HTTP/1.1 200 OK\r\nX-Big: " + "h".repeat(20_000) + "\r\nContent-Length: 2\r\n\r\n{}")
                .bytes("header-without-colon", "HTTP/1.1 200 OK\r\nBroken header\r\nContent-Length: 2\r\n\r\n{}")
                .bytes("both-lengths", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
                // codings the gateway never asks for: their bytes are not the answer's text
                .bytes("brotli", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: br\r\n"
                        + "Connection: close\r\nContent-Length: 4\r\n\r\n\u00ff\u00fe\u0001\u0002")
                .bytes("stacked-codings", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                        + "Content-Encoding: gzip, gzip\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}")
                // two lines are one list (RFC 9110 §5.3): identity then gzip is gzip, not the plain text of the first
                .bytes("codings-on-two-lines", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                        + "Content-Encoding: identity\r\nContent-Encoding: gzip\r\nConnection: close\r\n"
                        + "Content-Length: 2\r\n\r\n{}")
                // bytes that are not UTF-8 (a lone 0xFF, Latin-1's e-acute) in answers that are text: never guessed at
                .bytes("not-utf8-json", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                        + "Content-Length: 9\r\n\r\n{\"a\":\"\u00ff\"}")
                .bytes("not-utf8-text", "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
                        + "Connection: close\r\nContent-Length: 4\r\n\r\ncaf\u00e9")
                .on("silent", out -> Thread.sleep(5_000))
                // a head whose length is shorter than the gateway's error body, then nothing: a stale length cuts it
                .bytes("head-then-close", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 20\r\n"
                        + "Set-Cookie: upstream=1\r\nX-Upstream: yes\r\n\r\n")
                .on("head-then-silence", out -> {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 20\r\n"
                            + "Set-Cookie: upstream=1\r\nX-Upstream: yes\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    Thread.sleep(5_000);
                })
                .on("too-large", out -> {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\nContent-Length: "
                            + (20 << 20) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    byte[] mebibyte = new byte[1 << 20];
                    for (int i = 0; i < 20; i++) {
                        out.write(mebibyte);
                    }
                })
                .on("gzip-bomb", out -> {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nConnection: close\r\n"
                            + "Content-Length: " + bomb.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(bomb);
                })
                .on("trickle", out -> {
                    out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.ISO_8859_1));
                    for (int i = 0; i < 100; i++) {
                        out.write(' ');
                        out.flush();
                        Thread.sleep(100);
                    }
                });
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: flaky
                    url: http://127.0.0.1:%d
                    read_timeout: 1000
                    connect_timeout: 1000
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server: {timeout: 3000}
                              tools:
                                - name: fault
                                  description: Asks the upstream for a fault
                                  method: GET
                                  path: /f/{name}
                                  parameters:
                                    - {name: name, in: path, required: true, schema: {type: string}}
                      - name: pt
                        paths: [/pt]
                        strip_path: false
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                """.formatted(upstream.port()), Map.of(), false, Map.of(), BadInputGateway.LIMITS);
        mcp = new McpHttp(gateway.proxy("/mcp"));
        mcp.initialize("2025-06-18");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    static byte[] gzipZeros(int mebibytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < mebibytes; i++) {
                zip.write(zeros);
            }
        }
        return out.toByteArray();
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        String invalid = "answered with an invalid status code";
        String broke = "broke off the exchange (error id ";
        cases.add(new Case("status-9999", invalid + " (9999)", 502));
        cases.add(new Case("status-99", invalid + " (99)", 502));
        cases.add(new Case("status-600", invalid + " (600)", 502));
        cases.add(new Case("status-text", broke, 502));
        cases.add(new Case("not-http", broke, 502));
        cases.add(new Case("empty", "closed the connection before answering", 502));
        cases.add(new Case("version-2", broke, 502));
        cases.add(new Case("short-body", "service 'flaky'", 200));
        cases.add(new Case("bad-chunk", broke, 502));
        cases.add(new Case("negative-length", broke, 502));
        cases.add(new Case("huge-header", broke, 502));
        cases.add(new Case("both-lengths", broke, 502));
        cases.add(new Case("brotli", "in a content coding the gateway did not ask for", 200));
        cases.add(new Case("stacked-codings", "in a content coding the gateway did not ask for", 200));
        cases.add(new Case("codings-on-two-lines", "in a content coding the gateway did not ask for", 200));
        cases.add(new Case("not-utf8-json", "sent an answer that is not valid UTF-8", 200));
        cases.add(new Case("not-utf8-text", "sent an answer that is not valid UTF-8", 200));
        cases.add(new Case("silent", "sent nothing for 1000 ms (read_timeout)", 504));
        cases.add(new Case("too-large", "answered more than 16777216 bytes", 200));
        cases.add(new Case("gzip-bomb", "answered more than 16777216 bytes", 200));
        cases.add(new Case("trickle", "gave no complete answer within 3000 ms", 200));
        return cases;
    }

    @ParameterizedTest(name = "converted call: {0}")
    @MethodSource("cases")
    void aConvertedCallGetsAToolErrorNamingTheServiceNotItsAddress(Case c) {
        JsonNode result = mcp.call("fault", "{\"path_name\":\"" + c.fault() + "\"}");
        assertThat(result.path("isError").asBoolean()).as("%s: %s", c.fault(), result).isTrue();
        assertThat(text(result)).contains(c.toolError()).contains("service 'flaky'")
                .doesNotContain("127.0.0.1").doesNotContain(Integer.toString(upstream.port())).doesNotContain("Exception")
                .doesNotContain("io.netty").doesNotContain("io.vertx");
        assertThat(mcp.call("fault", "{\"path_name\":\"ok\"}").path("isError").asBoolean()).isFalse();
        assertStillServes(mcp);
    }

    @ParameterizedTest(name = "passthrough: {0}")
    @MethodSource("cases")
    void passthroughAnswers502Or504NamingTheServiceNotItsAddress(Case c) {
        McpHttp.Response response;
        try {
            response = new McpHttp(gateway.proxy("/pt/" + c.fault())).post(BadInputGateway.LIST);
        } catch (java.io.UncheckedIOException e) {
            // the head was relayed, then the body broke: the client sees a cut body, never a complete-looking one
            assertThat(c.proxyStatus()).as("%s was relayed, then cut: %s", c.fault(), e.getMessage()).isEqualTo(200);
            response = null;
        }
        if (response == null) {
            assertThat(new McpHttp(gateway.proxy("/pt/ok")).post(BadInputGateway.LIST).status()).isEqualTo(200);
            return;
        }
        if (c.proxyStatus() == 200) {
            // a body relayed as it streams: the client gets what arrived (or a cut connection), never a wrong status
            assertThat(response.status()).as("%s: %s", c.fault(), response).isIn(200, 502, 504);
        } else {
            assertThat(response.status()).as("%s: %s", c.fault(), response).isEqualTo(c.proxyStatus());
            assertThat(response.body()).contains("service 'flaky'").doesNotContain("127.0.0.1")
                    .doesNotContain(Integer.toString(upstream.port())).doesNotContain("Exception");
        }
        assertThat(new McpHttp(gateway.proxy("/pt/ok")).post(BadInputGateway.LIST).status()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"head-then-close, 502", "head-then-silence, 504"})
    void anErrorAfterTheUpstreamsHeadCarriesOnlyItsOwnHeadersAndTheConnectionServesTheNextRequest(String fault, int status) {
        try (RawConnection http = RawConnection.connect(gateway.gateway().proxyPort(), 0)) {
            RawConnection.Response error = post(http, "/pt/" + fault).readAll();

            assertThat(error.status()).as("%s", error).isEqualTo(status);
            // read as long as its Content-Length says: the whole error, not the upstream's 20 bytes of it
            assertThat(error.text()).as("%s", error).contains("service 'flaky'").endsWith("}");
            assertThat(error.header("set-cookie")).isNull();
            assertThat(error.header("x-upstream")).isNull();
            // keep-alive: the next answer on the connection starts where this one ended
            assertThat(post(http.nextResponse(), "/pt/ok").readAll().status()).isEqualTo(200);
        }
    }

    private static RawConnection post(RawConnection http, String target) {
        byte[] body = BadInputGateway.LIST.getBytes(StandardCharsets.UTF_8);
        return http.send("POST", target, List.of("Host: 127.0.0.1", "Content-Type: application/json",
                "Accept: " + McpHttp.ACCEPT_BOTH, "MCP-Protocol-Version: 2025-06-18", "Content-Length: " + body.length), body);
    }
}
