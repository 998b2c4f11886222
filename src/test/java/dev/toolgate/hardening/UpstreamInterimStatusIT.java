package dev.toolgate.hardening;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static dev.toolgate.testing.McpAssertions.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upstream that sends an interim answer ({@code 102 Processing}) before its final one, on a kept-alive
 * connection: the interim status is never taken as the answer, and the final answer that follows never
 * reaches the next request sent on that connection, whoever sent it.
 */
@Timeout(60)
class UpstreamInterimStatusIT {

    static KeepAliveUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        upstream = new KeepAliveUpstream()
                .on("processing", out -> {
                    out.write("HTTP/1.1 102 Processing\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    Thread.sleep(700);
                    out.write(KeepAliveUpstream.ok("{\"owner\":\"alice\"}"));
                })
                .on("hints", out -> {
                    out.write("HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.write(KeepAliveUpstream.ok("{\"hinted\":true}"));
                })
                .on("other", out -> out.write(KeepAliveUpstream.ok("{\"owner\":\"bob\"}")))
                .on("pt-processing", out -> {
                    out.write("HTTP/1.1 102 Processing\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    Thread.sleep(700);
                    out.write(KeepAliveUpstream.ok("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"owner\":\"alice\"}}"));
                })
                .on("pt-other", out -> out.write(KeepAliveUpstream.ok(
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"owner\":\"bob\"}}")));
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: interim
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
                                - name: fetch
                                  description: Fetches what the upstream answers for a name
                                  method: GET
                                  path: /r/{name}
                                  parameters:
                                    - {name: name, in: path, required: true, schema: {type: string}}
                      - name: pt
                        paths: [/pt]
                        strip_path: false
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                """.formatted(upstream.port()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void anInterimStatusIsAToolErrorAndItsLateAnswerNeverReachesTheNextCall() throws InterruptedException {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        JsonNode first = mcp.call("fetch", "{\"path_name\":\"processing\"}");
        JsonNode next = mcp.call("fetch", "{\"path_name\":\"other\"}");
        assertThat(text(next)).as("the next call on the connection").isEqualTo("{\"owner\":\"bob\"}");
        assertThat(first.path("isError").asBoolean()).as("%s", first).isTrue();
        assertThat(text(first)).contains("service 'interim'").contains("102").doesNotContain("127.0.0.1");
        Thread.sleep(1_000);
        assertThat(text(mcp.call("fetch", "{\"path_name\":\"other\"}"))).isEqualTo("{\"owner\":\"bob\"}");
    }

    @Test
    void earlyHintsBeforeTheAnswerAreSkipped() {
        JsonNode result = new McpHttp(gateway.proxy("/mcp")).call("fetch", "{\"path_name\":\"hints\"}");
        assertThat(result.path("isError").asBoolean()).as("%s", result).isFalse();
        assertThat(text(result)).isEqualTo("{\"hinted\":true}");
    }

    @Test
    void aPassthroughInterimStatusIs502AndItsLateAnswerNeverReachesTheNextRequest() throws InterruptedException {
        McpHttp.Response first = new McpHttp(gateway.proxy("/pt/pt-processing")).post(BadInputGateway.LIST);
        assertThat(first.status()).as("%s", first).isEqualTo(502);
        assertThat(first.body()).contains("service 'interim'").doesNotContain("alice").doesNotContain("127.0.0.1");
        McpHttp.Response next = new McpHttp(gateway.proxy("/pt/pt-other")).post(BadInputGateway.LIST);
        assertThat(next.body()).as("the next request on the connection").contains("bob").doesNotContain("alice");
        Thread.sleep(1_000);
        assertThat(new McpHttp(gateway.proxy("/pt/pt-other")).post(BadInputGateway.LIST).body()).contains("bob");
    }
}
