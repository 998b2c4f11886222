package dev.toolgate.observe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.LiveFeed;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live page names each message's MCP session by a tag, never by its {@code Mcp-Session-Id}: on a route without
 * authentication the id is all a caller needs to act in the session, and whoever sees the page must not get it.
 */
@Timeout(30)
class LiveSessionTagIT {

    @Test
    void eachMessageCarriesATwelveHexTagOfItsSessionTheSameForItsSessionAndNeverTheId() throws Exception {
        try (RestUpstream upstream = new RestUpstream();
             TestGateway gateway = TestGateway.start("""
                     _format_version: "3.0"
                     services:
                       - name: api
                         url: %s
                         routes:
                           - name: open
                             paths: [/mcp]
                             plugins:
                               - name: ai-mcp-proxy
                                 config:
                                   mode: conversion-listener
                                   tools:
                                     - {name: one, description: One, method: GET, path: /one}
                     """.formatted(upstream.url()))) {
            McpHttp first = new McpHttp(gateway.proxy("/mcp"));
            McpHttp second = new McpHttp(gateway.proxy("/mcp"));
            first.initialize("2025-06-18");
            second.initialize("2025-06-18");
            for (int i = 1; i <= 3; i++) {
                assertThat(first.post("{\"jsonrpc\":\"2.0\",\"id\":" + (100 + i) + ",\"method\":\"ping\"}").status()).isEqualTo(200);
                assertThat(second.post("{\"jsonrpc\":\"2.0\",\"id\":" + (200 + i) + ",\"method\":\"tools/list\"}").status()).isEqualTo(200);
            }

            List<String> lines = LiveFeed.lines(gateway, "/dashboard/events", Map.of(), Duration.ofMillis(1_500));

            assertThat(first.sessionId()).isNotBlank();
            assertThat(String.join("\n", lines)).as("the feed shows neither session id")
                    .doesNotContain(first.sessionId()).doesNotContain(second.sessionId());
            List<JsonNode> events = lines.stream().filter(l -> l.startsWith("data: {")).map(l -> {
                try {
                    return Json.parse(l.substring(6));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
            Set<String> firstTags = tags(events, "10");
            Set<String> secondTags = tags(events, "20");
            assertThat(firstTags).as("one tag for the first session's messages").hasSize(1);
            assertThat(secondTags).as("one tag for the second session's messages").hasSize(1);
            assertThat(firstTags.iterator().next()).matches("[0-9a-f]{12}").isNotEqualTo(secondTags.iterator().next());
        }
    }

    /** The session tags of the messages whose JSON-RPC id starts with {@code prefix} (three of them). */
    private static Set<String> tags(List<JsonNode> events, String prefix) {
        List<JsonNode> mine = events.stream().filter(e -> e.path("id").asText().startsWith(prefix)).toList();
        assertThat(mine).hasSize(3);
        return mine.stream().map(e -> e.path("session").asText()).collect(Collectors.toSet());
    }
}
