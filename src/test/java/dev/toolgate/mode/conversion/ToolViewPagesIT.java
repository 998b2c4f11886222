package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pages of callers' views of a tool list (tool ACLs by consumer group) are kept within a byte budget,
 * least recently used out: many distinct group combinations no longer hold a copy of the list each, and a
 * caller whose view was put out sees the same pages, and keeps using its cursors, as before.
 */
@Timeout(180)
class ToolViewPagesIT {

    static final int GROUPS = 8;
    static final int TOOLS_PER_GROUP = 100;
    /** About 2 KB per definition: 1.6 MB for the whole list, 0.8 MB for a view of half the groups. */
    static final String DESCRIPTION = "Reads one record of the ledger of the group. ".repeat(50);

    static RestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream();
        StringBuilder yaml = new StringBuilder("""
                _format_version: "3.0"
                services:
                  - name: ledger
                    url: %s
                    routes:
                      - name: ledger-route
                        paths: [/mcp]
                        plugins:
                          - name: key-auth
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              include_consumer_groups: true
                              tools:
                """.formatted(upstream.url()));
        for (int g = 0; g < GROUPS; g++) {
            for (int i = 0; i < TOOLS_PER_GROUP; i++) {
                yaml.append("                    - {name: t%d_%03d, description: '%s', method: GET, path: /r/%d, acl: {allow: [g%d]}}\n"
                        .formatted(g, i, DESCRIPTION, i, g));
            }
        }
        yaml.append("consumer_groups:\n");
        for (int g = 0; g < GROUPS; g++) {
            yaml.append("  - name: g").append(g).append('\n');
        }
        // consumer cN is in the groups of N's bits: every consumer has a view of its own
        yaml.append("consumers:\n");
        for (int c = 1; c < 1 << GROUPS; c++) {
            yaml.append("  - username: c").append(c).append("\n    keyauth_credentials: [{key: k").append(c)
                    .append("}]\n    groups: [");
            for (int g = 0, n = 0; g < GROUPS; g++) {
                if ((c & 1 << g) != 0) {
                    yaml.append(n++ > 0 ? ", " : "").append("{name: g").append(g).append('}');
                }
            }
            yaml.append("]\n");
        }
        gateway = TestGateway.start(yaml.toString());
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

    @Test
    void manyCallersViewsStayWithinTheBudgetAndAViewPutOutListsTheSamePagesAndKeepsItsCursors() {
        // c127: seven groups, 700 tools over two pages
        McpHttp observed = caller(127);
        JsonNode firstBefore = list(observed, null);
        String cursor = firstBefore.get("nextCursor").asText();
        JsonNode secondBefore = list(observed, cursor);
        assertThat(firstBefore.get("tools")).hasSize(500);
        assertThat(secondBefore.get("tools")).hasSize(200);
        assertThat(secondBefore.has("nextCursor")).isFalse();

        // 0.5 to 1.4 MB per view: well past the budget, c127's (the least recently used) is put out
        int listed = 1;
        for (int c = 128; c < 224; c++) {
            if (c != 127) {
                list(caller(c), null);
                listed++;
            }
        }
        ViewPages.Kept kept = tools().keptViews();
        assertThat(kept.bytes()).as("bytes of kept views").isLessThanOrEqualTo(ViewPages.BUDGET);
        assertThat(kept.views()).as("views kept of %d listed", listed).isLessThan(listed).isPositive();

        // the old cursor still leads to the same second page; the list again starts with the same first page
        assertThat(list(observed, cursor)).isEqualTo(secondBefore);
        assertThat(list(observed, null)).isEqualTo(firstBefore);
        assertThat(list(caller(127), cursor)).isEqualTo(secondBefore);
        assertThat(tools().keptViews().bytes()).isLessThanOrEqualTo(ViewPages.BUDGET);
    }

    @Test
    void aViewIsAnsweredPlainOnItsFirstListAndCompressedOnceListedAgainWithTheSamePagesAndCursors() throws Exception {
        // c254: seven groups, 700 tools over two pages; no other case lists it
        McpHttp mcp = caller(254);
        HttpResponse<byte[]> first = gzipList(mcp, null);
        assertThat(first.headers().firstValue("content-encoding")).as("listed once: not compressed").isEmpty();
        JsonNode plain = Json.parse(first.body()).get("result");
        String cursor = plain.get("nextCursor").asText();
        JsonNode plainSecond = list(mcp, cursor);

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
                "gzip".equals(gzipList(mcp, null).headers().firstValue("content-encoding").orElse(null)));

        assertThat(Json.parse(gunzip(gzipList(mcp, null).body())).get("result")).isEqualTo(plain);
        HttpResponse<byte[]> second = gzipList(mcp, cursor);
        assertThat(second.headers().firstValue("content-encoding")).hasValue("gzip");
        assertThat(Json.parse(gunzip(second.body())).get("result")).isEqualTo(plainSecond);
        assertThat(tools().keptViews().bytes()).isLessThanOrEqualTo(ViewPages.BUDGET);
    }

    private static HttpResponse<byte[]> gzipList(McpHttp mcp, String cursor) throws Exception {
        String params = cursor == null ? "" : ",\"params\":{\"cursor\":\"" + cursor + "\"}";
        return ToolListPaginationIT.HTTP_1_1.send(HttpRequest.newBuilder(gateway.proxy("/mcp"))
                .header("content-type", "application/json").header("accept", McpHttp.ACCEPT_BOTH)
                .header("apikey", "k254").header("mcp-session-id", mcp.sessionId()).header("accept-encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\""
                        + params + "}")).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] gunzip(byte[] body) throws java.io.IOException {
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body))) {
            return in.readAllBytes();
        }
    }

    private static ToolSet tools() {
        return gateway.gateway().snapshot().toolSets().values().iterator().next();
    }

    private static McpHttp caller(int consumer) {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"), Map.of("apikey", "k" + consumer));
        assertThat(mcp.initialize("2025-11-25").status()).isEqualTo(200);
        return mcp;
    }

    private static JsonNode list(McpHttp mcp, String cursor) {
        McpHttp.Response response = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{"
                + (cursor == null ? "" : "\"cursor\":\"" + cursor + "\"") + "}}");
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(response.json().has("result")).as(response.toString()).isTrue();
        return response.json().get("result");
    }
}
