package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static dev.toolgate.testing.McpAssertions.assertRpcError;
import static dev.toolgate.testing.McpAssertions.assertStillServes;
import static org.assertj.core.api.Assertions.assertThat;

/** tools/list pages of 500 with an opaque cursor bound to the list it came from. */
@Timeout(60)
class ToolListPaginationIT {

    /**
     * HTTP/1.1 for the gzip cases: by default the JDK client upgrades a POST to h2c (an upgrade RFC 9113
     * §3.1 deprecates), and once in CI it lost its place in the frames of a 500-tool answer after the
     * 101; negotiating gzip is what these cases are about. h2c by prior knowledge: Http2ConnectionsIT.
     */
    static final HttpClient HTTP_1_1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final String BAD_CURSOR = "Invalid params: cursor is not valid (the tool list may have changed); list again without a cursor";

    static RestUpstream upstream;
    static TestGateway gateway;

    static String config(int tools) {
        StringBuilder yaml = new StringBuilder("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: big
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                """.formatted(upstream.url()));
        for (int i = 1; i <= tools; i++) {
            yaml.append("                    - {name: tool_%04d, description: Tool number %d, method: GET, path: /mcp/t/%d}\n"
                    .formatted(i, i, i));
        }
        return yaml.toString();
    }

    @BeforeAll
    static void start() {
        upstream = new RestUpstream().json("GET /t/600", 200, "{\"last\":true}");
        gateway = TestGateway.start(config(600));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static McpHttp session() {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        mcp.initialize("2025-06-18");
        return mcp;
    }

    private static JsonNode list(McpHttp mcp, String cursorJson) {
        String params = cursorJson == null ? "" : ",\"params\":{\"cursor\":" + cursorJson + "}";
        McpHttp.Response response = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"" + params + "}");
        assertThat(response.status()).isEqualTo(200);
        return response.json();
    }

    private static List<String> names(JsonNode listResponse) {
        List<String> names = new ArrayList<>();
        listResponse.at("/result/tools").forEach(t -> names.add(t.get("name").asText()));
        return names;
    }

    @Test
    void firstPageHas500ToolsAndACursorThatLeadsToTheRest() {
        McpHttp mcp = session();
        JsonNode first = list(mcp, null);
        assertThat(names(first)).hasSize(500).startsWith("tool_0001").endsWith("tool_0500");
        String cursor = first.at("/result/nextCursor").asText();
        assertThat(cursor).isNotEmpty();

        JsonNode second = list(mcp, "\"" + cursor + "\"");
        assertThat(names(second)).hasSize(100).startsWith("tool_0501").endsWith("tool_0600");
        assertThat(second.at("/result").has("nextCursor")).isFalse();

        assertThat(mcp.call("tool_0600", "{}").at("/content/0/text").asText()).isEqualTo("{\"last\":true}");
        assertThat(upstream.next().path()).isEqualTo("/t/600");
    }

    @Test
    void nullCursorMeansTheFirstPage() {
        assertThat(names(list(session(), "null"))).hasSize(500).startsWith("tool_0001");
    }

    @Test
    void garbageCursorGetsInvalidParamsAndTheNextRequestIsServed() {
        McpHttp mcp = session();
        for (String cursor : new String[] {"\"!!not-base64!!\"", "\"\"", "\"" + b64("no-colon") + "\"",
                "\"" + b64("abc:-500") + "\"", "\"" + b64("abc:99999999999") + "\""}) {
            assertRpcError(mcp.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{\"cursor\":" + cursor + "}}"),
                    200, -32602, BAD_CURSOR);
        }
        assertStillServes(mcp);
    }

    @Test
    void cursorThatIsNotAStringGetsInvalidParams() {
        McpHttp mcp = session();
        assertRpcError(mcp.post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\",\"params\":{\"cursor\":500}}"),
                200, -32602, "Invalid params: cursor must be a string");
        assertStillServes(mcp);
    }

    @Test
    void forgedCursorsForAnotherOffsetOrPastTheEndAreRejected() {
        McpHttp mcp = session();
        String cursor = list(mcp, null).at("/result/nextCursor").asText();
        String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        String fingerprint = plain.substring(0, plain.lastIndexOf(':'));
        assertThat(plain).isEqualTo(fingerprint + ":500");
        for (String forged : new String[] {fingerprint + ":100", fingerprint + ":1000", "0000000000000000:500"}) {
            assertRpcError(mcp.post("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\",\"params\":{\"cursor\":\""
                    + b64(forged) + "\"}}"), 200, -32602, BAD_CURSOR);
        }
        assertThat(names(list(mcp, "\"" + b64(fingerprint + ":0") + "\""))).hasSize(500);
    }

    @Test
    void cursorFromBeforeAReloadThatChangedTheToolsIsRejectedAndExactly500ToolsHaveNoNextCursor() throws Exception {
        McpHttp mcp = session();
        String cursor = list(mcp, null).at("/result/nextCursor").asText();
        try {
            HttpResponse<String> posted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(gateway.admin("/config"))
                    .POST(HttpRequest.BodyPublishers.ofString(config(500))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);

            assertRpcError(mcp.post("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\",\"params\":{\"cursor\":\""
                    + cursor + "\"}}"), 200, -32602, BAD_CURSOR);
            JsonNode all = list(mcp, null);
            assertThat(names(all)).hasSize(500);
            assertThat(all.at("/result").has("nextCursor")).isFalse();
        } finally {
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gateway.admin("/config").toString()))
                    .POST(HttpRequest.BodyPublishers.ofString(config(600))).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void aClientThatAcceptsGzipGetsEveryPageCompressedWithTheSameContentAndItsOwnId() throws Exception {
        McpHttp mcp = session();
        JsonNode plainFirst = list(mcp, null);
        String cursor = plainFirst.at("/result/nextCursor").asText();
        // the pages are compressed in the background after a load; until then they go out plain
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> "gzip".equals(gzipList(mcp, "\"abc\"", null).headers().firstValue("content-encoding").orElse(null)));

        HttpResponse<byte[]> first = gzipList(mcp, "\"abc\"", null);
        HttpResponse<byte[]> second = gzipList(mcp, "42", cursor);

        assertThat(first.headers().firstValue("vary")).hasValue("accept-encoding");
        JsonNode firstJson = dev.toolgate.mcp.Json.parse(gunzip(first.body()));
        assertThat(firstJson.get("id").asText()).isEqualTo("abc");
        assertThat(firstJson.get("result")).isEqualTo(plainFirst.get("result"));
        JsonNode secondJson = dev.toolgate.mcp.Json.parse(gunzip(second.body()));
        assertThat(secondJson.get("id").asInt()).isEqualTo(42);
        assertThat(secondJson.get("jsonrpc").asText()).isEqualTo("2.0");
        assertThat(names(secondJson)).hasSize(100).startsWith("tool_0501");
        assertThat(first.body().length).isLessThan(gunzip(first.body()).length / 5);
    }

    @Test
    void aBadCursorStillGetsAPlainErrorWhenTheClientAcceptsGzip() throws Exception {
        McpHttp mcp = session();
        HttpResponse<byte[]> response = gzipList(mcp, "5", b64("forged:500"));

        assertThat(response.headers().firstValue("content-encoding")).isEmpty();
        JsonNode error = dev.toolgate.mcp.Json.parse(response.body());
        assertThat(error.at("/error/code").asInt()).isEqualTo(-32602);
        assertThat(error.at("/error/message").asText()).isEqualTo(BAD_CURSOR);
    }

    @Test
    void gzipRefusedWithQZeroGetsThePlainList() throws Exception {
        McpHttp mcp = session();
        HttpResponse<byte[]> response = HTTP_1_1.send(HttpRequest.newBuilder(gateway.proxy("/mcp"))
                .header("content-type", "application/json").header("accept", McpHttp.ACCEPT_BOTH)
                .header("mcp-session-id", mcp.sessionId()).header("accept-encoding", "gzip;q=0, identity")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}")).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.headers().firstValue("content-encoding")).isEmpty();
        assertThat(names(dev.toolgate.mcp.Json.parse(response.body()))).hasSize(500);
    }

    private static HttpResponse<byte[]> gzipList(McpHttp mcp, String idJson, String cursor) throws Exception {
        String params = cursor == null ? "" : ",\"params\":{\"cursor\":\"" + cursor + "\"}";
        return HTTP_1_1.send(HttpRequest.newBuilder(gateway.proxy("/mcp"))
                .header("content-type", "application/json").header("accept", McpHttp.ACCEPT_BOTH)
                .header("mcp-session-id", mcp.sessionId()).header("accept-encoding", "br, gzip")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":" + idJson
                        + ",\"method\":\"tools/list\"" + params + "}")).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] gunzip(byte[] body) throws java.io.IOException {
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body))) {
            return in.readAllBytes();
        }
    }

    private static String b64(String plain) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }
}
