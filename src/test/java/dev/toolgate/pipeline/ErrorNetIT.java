package dev.toolgate.pipeline;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pipeline's error net: an exception while a {@code tools/call} runs (here the schema validator
 * meeting an OpenAPI {@code pattern} that does not compile) is answered with the catalog's internal
 * error and an error id, logged once with its stack under that id, and the next call is answered
 * too. It used to hang with no answer and no log line.
 */
@Timeout(30)
class ErrorNetIT {

    static final String SPEC = """
            openapi: 3.0.3
            info: {title: Search, version: "1"}
            paths:
              /search:
                get:
                  operationId: search
                  parameters:
                    - {name: q, in: query, required: true, schema: {type: string, pattern: "(["}}
                  responses: {"200": {description: ok}}
            """;

    static RestUpstream upstream;
    static TestGateway gateway;
    static ListAppender<ILoggingEvent> log;
    static Logger root;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream().json("GET /search", 200, "[]");
        root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        log = new ListAppender<>();
        log.list = Collections.synchronizedList(new ArrayList<>());
        log.start();
        root.addAppender(log);
        gateway = TestGateway.start(config(upstream.url()), Map.of(), false, Map.of("search.yaml", SPEC));
    }

    static String config(String url) {
        return """
                _format_version: "3.0"
                services:
                  - name: search-api
                    url: %s
                    routes:
                      - name: search
                        paths: [/search-mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              openapi: {spec: search.yaml}
                """.formatted(url);
    }

    @AfterAll
    static void stop() {
        if (root != null) {
            root.detachAppender(log);
        }
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void anExceptionDuringACallIsAnsweredWithAnErrorIdLoggedOnceWithItsStack() {
        McpHttp mcp = new McpHttp(gateway.proxy("/search-mcp"));
        assertThat(mcp.initialize("2025-11-25").status()).isEqualTo(200);

        for (int id = 1; id <= 2; id++) {
            McpHttp.Response failed = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\","
                    + "\"params\":{\"name\":\"search\",\"arguments\":{\"query_q\":\"lamp\"}}}");

            assertThat(failed.status()).as(failed.toString()).isEqualTo(500);
            assertThat(failed.json().path("error").path("code").asInt()).isEqualTo(-32603);
            String message = failed.json().path("error").path("message").asText();
            Matcher errorId = Pattern.compile("error id ([0-9a-f-]{36})").matcher(message);
            assertThat(errorId.find()).as(message).isTrue();
            assertThat(message).doesNotContain("PatternSyntax", "Exception", "([");

            List<ILoggingEvent> lines = List.copyOf(log.list).stream()
                    .filter(e -> e.getFormattedMessage().contains(errorId.group(1))).toList();
            assertThat(lines).hasSize(1);
            assertThat(lines.getFirst().getLevel()).isEqualTo(Level.ERROR);
            assertThat(lines.getFirst().getThrowableProxy()).as("the stack is logged").isNotNull();
        }
        assertThat(upstream.pending()).isZero();
    }
}
