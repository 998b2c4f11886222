package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.toolgate.testing.CapturedLog;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.OtherSessions;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.toolgate.testing.McpAssertions.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code uniqueItems} in a tool's input or output schema (generated tools carry it: Discord's document has it 116
 * times): items a client or an API picks to share a hash code are checked without holding an event loop, and a
 * repeated item is refused as the validator always refused it, numbers equal by value and objects whatever the order
 * of their keys.
 */
@Timeout(120)
class UniqueItemsIT {

    /** More connections than the gateway has event loops (one per core), so that some share the call's. */
    static final int OTHER_SESSIONS = 8;
    static final String REPEATED = "must have only unique items in the array";

    static RestUpstream upstream;
    static TestGateway gateway;
    /** What the REST API answers to GET /tags. */
    static volatile String answer = "[]";
    McpHttp mcp;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream().json("POST /tags", 201, "{}")
                .on("GET /tags", r -> r.response().putHeader("content-type", "application/json").end(answer));
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
                                - name: add_tags
                                  description: Add tags
                                  method: POST
                                  path: /mcp/tags
                                  request_body:
                                    required: true
                                    content:
                                      application/json:
                                        schema: {type: array, uniqueItems: true}
                                - name: list_tags
                                  description: List tags
                                  method: GET
                                  path: /mcp/tags
                                  responses:
                                    "200":
                                      content:
                                        application/json:
                                          schema: {type: array, uniqueItems: true}
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void session() {
        upstream.clear();
        mcp = new McpHttp(gateway.proxy("/mcp"));
        mcp.initialize("2025-06-18");
    }

    @Test
    void argumentsOfItemsSharingAHashCodeAreCheckedWhileOtherSessionsAreAnswered() throws Exception {
        ArrayNode tags = UniqueItemsTest.collidingStrings(25_000);
        String distinct = "{\"body\":" + tags + "}";
        tags.add(tags.get(20_000));
        String repeated = "{\"body\":" + tags + "}";
        assertThat(repeated.length()).as("under the default 1 MiB body").isLessThan(1_000_000);

        othersAnsweredWhile(() -> {
            JsonNode accepted = mcp.call("add_tags", distinct);
            assertThat(accepted.get("isError").asBoolean()).as("%s", text(accepted)).isFalse();
            assertThat(upstream.next().body()).startsWith("[\"AaAaAaAa").hasSize(distinct.length() - 9);
            JsonNode refused = mcp.call("add_tags", repeated);
            assertThat(text(refused)).isEqualTo("Invalid arguments for tool add_tags: body: " + REPEATED);
        });
    }

    @Test
    void argumentsWithARepeatedItemAreRefusedAsTheValidatorRefusedThem() throws Exception {
        for (String tags : List.of("[\"x\",\"y\",\"x\"]", "[1,1.0]", "[2.5,25e-1]",
                "[{\"id\":1,\"labels\":[\"a\"]},{\"labels\":[\"a\"],\"id\":1}]")) {
            JsonNode result = mcp.call("add_tags", "{\"body\":" + tags + "}");
            assertThat(result.get("isError").asBoolean()).as(tags).isTrue();
            assertThat(text(result)).as(tags).isEqualTo("Invalid arguments for tool add_tags: body: " + REPEATED);
        }
        assertThat(upstream.received()).as("nothing sent").isEmpty();
        JsonNode result = mcp.call("add_tags", "{\"body\":[1,\"1\",1.5,[1],{\"id\":1},{\"id\":\"1\"}]}");
        assertThat(result.get("isError").asBoolean()).as("%s", result).isFalse();
    }

    @Test
    void answersOfItemsSharingAHashCodeAreCheckedWhileOtherSessionsAreAnswered() throws Exception {
        ArrayNode tags = UniqueItemsTest.collidingStrings(25_000);
        othersAnsweredWhile(() -> {
            answer = tags.toString();
            JsonNode accepted = mcp.call("list_tags", "{}");
            assertThat(accepted.get("isError").asBoolean()).as("isError").isFalse();
            assertThat(accepted.at("/structuredContent/result").size()).as("items").isEqualTo(25_000);
            tags.add(tags.get(20_000));
            answer = tags.toString();
            JsonNode refused = mcp.call("list_tags", "{}");
            assertThat(refused.at("/content/1/text").asText())
                    .isEqualTo("The API's answer does not match the tool's output schema: result: " + REPEATED);
        });
    }

    @Test
    void anAnswerWithARepeatedItemDoesNotMatchTheOutputSchema() {
        for (String tags : List.of("[1,1.0]", "[{\"id\":1,\"name\":\"a\"},{\"name\":\"a\",\"id\":1.00}]")) {
            answer = tags;
            JsonNode result = mcp.call("list_tags", "{}");
            assertThat(result.get("isError").asBoolean()).as(tags).isTrue();
            assertThat(result.has("structuredContent")).as(tags).isFalse();
            assertThat(result.at("/content/1/text").asText()).as(tags)
                    .isEqualTo("The API's answer does not match the tool's output schema: result: " + REPEATED);
        }
    }

    /** Code whose assertions may throw. */
    /**
     * Runs {@code calls} while other sessions ask again and again: each answer they get is a result, and no event
     * loop is reported blocked (a check of items sharing a hash code took seconds on one).
     */
    private static void othersAnsweredWhile(OtherSessions.ThrowingRunnable calls) throws Exception {
        try (OtherSessions others = new OtherSessions(gateway.proxy("/mcp"), OTHER_SESSIONS);
             CapturedLog log = CapturedLog.everything()) {
            others.answeredWhile(calls);
            assertThat(log.text()).as("no event loop was blocked").doesNotContain("has been blocked for");
        }
    }
}
