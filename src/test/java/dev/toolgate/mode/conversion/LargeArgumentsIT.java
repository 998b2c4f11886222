package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
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

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.toolgate.testing.McpAssertions.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A call whose request is over 128 KiB has its arguments checked against the tool's input schema off the event loop:
 * the other sessions on that loop are answered meanwhile, and the call's outcome is what it would be on the loop.
 */
@Timeout(60)
class LargeArgumentsIT {

    /** More connections than the gateway has event loops (one per core), so that some share the call's. */
    static final int OTHER_SESSIONS = 8;
    /** Rows of a call: about 2.4 MB of arguments, each row checked against every branch of the schema's anyOf. */
    static final int ROWS = 150_000;

    static RestUpstream upstream;
    static TestGateway gateway;
    McpHttp mcp;

    @BeforeAll
    static void start() {
        StringBuilder kinds = new StringBuilder();
        for (int k = 0; k < 30; k++) {
            kinds.append("{required: [kind").append(k).append("]}, ");
        }
        upstream = new RestUpstream().json("POST /rows", 201, "{}");
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
                              max_request_body_size: 4194304
                              tools:
                                - name: import_rows
                                  description: Import rows, each of one of many kinds (slow to check)
                                  method: POST
                                  path: /mcp/rows
                                  request_body:
                                    content:
                                      application/json:
                                        schema:
                                          type: array
                                          items:
                                            anyOf: [%s{type: object, properties: {id: {type: string}}}]
                """.formatted(upstream.url(), kinds));
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

    /** {@link #ROWS} rows, the last one's id {@code last}. */
    static String rows(String last) {
        StringBuilder rows = new StringBuilder(ROWS * 17).append('[');
        for (int i = 0; i < ROWS - 1; i++) {
            rows.append("{\"id\":\"r").append(i).append("\"},");
        }
        return rows.append("{\"id\":").append(last).append("}]").toString();
    }

    @Test
    void otherSessionsAreAnsweredWhileALargeValidArgumentIsCheckedAndTheApiIsCalledOnce() throws Exception {
        String body = rows("\"last\"");
        assertThat(body.length()).isGreaterThan(LargeResults.OFF_LOOP_BYTES * 16);

        JsonNode result = callWhileOthersAsk(body);

        assertThat(result.get("isError").asBoolean()).as("%s", result).isFalse();
        RestUpstream.Received received = upstream.next();
        assertThat(received.body()).isEqualTo(body);
        assertThat(upstream.quiet(Duration.ofMillis(300))).as("the API called once").isTrue();
    }

    @Test
    void otherSessionsAreAnsweredWhileALargeInvalidArgumentIsCheckedAndTheCallNamesItsFirstErrors() throws Exception {
        JsonNode result = callWhileOthersAsk(rows("7"));

        assertThat(result.get("isError").asBoolean()).isTrue();
        assertThat(text(result)).startsWith("Invalid arguments for tool import_rows: body." + (ROWS - 1) + ": ")
                .contains("required property 'kind0' not found").endsWith("; and more (only the first 10 are listed)");
        assertThat(upstream.quiet(Duration.ofMillis(300))).as("the API not called").isTrue();
    }

    /**
     * The call's result, made while other sessions ask again and again; each is answered again and again meanwhile,
     * those sharing the call's event loop as often as those on another, and no event loop is reported blocked.
     */
    private JsonNode callWhileOthersAsk(String body) throws Exception {
        try (OtherSessions others = new OtherSessions(gateway.proxy("/mcp"), OTHER_SESSIONS);
             CapturedLog log = CapturedLog.everything()) {
            CompletableFuture<McpHttp.Response> call = CompletableFuture.supplyAsync(() -> mcp.post(
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"import_rows\","
                            + "\"arguments\":{\"body\":" + body + "}}}"));
            List<Integer> times = others.answeredWhile(call);
            // a blocked loop answers none, or the few it read before the call's arguments were whole
            OtherSessions.assertNoneHeldUp(times, "answers to each other session while the large call was checked");
            assertThat(log.text()).as("no event loop was blocked").doesNotContain("has been blocked for");
            McpHttp.Response response = call.get(30, TimeUnit.SECONDS);
            assertThat(response.status()).isEqualTo(200);
            return response.json().get("result");
        }
    }
}
