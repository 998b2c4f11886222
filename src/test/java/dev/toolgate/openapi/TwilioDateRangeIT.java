package dev.toolgate.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Twilio's list operations filter by {@code DateSent}, {@code DateSent<} and {@code DateSent>}: the two range
 * parameters, both {@code query_DateSent_} once written portably, are still two arguments, each sent under its
 * own name.
 */
@Timeout(60)
class TwilioDateRangeIT {

    static final Path TWILIO = RealDocumentsTest.FIXTURES.resolve("twilio-api-v2010-v3.0.json");
    static final String ACCOUNT = "AC" + "0123456789abcdef".repeat(2);
    static final String MESSAGES = "/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json";
    static RestUpstream upstream;
    static TestGateway gateway;
    McpHttp mcp;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isRegularFile(TWILIO), "the fixtures folder ../shared/fixtures/openapi is absent");
        String document = Files.readString(TWILIO);
        // the document's own example of a page of messages
        String page = new ObjectMapper().readTree(document).at("/paths/~12010-04-01~1Accounts~1{AccountSid}"
                + "~1Messages.json/get/responses/200/content/application~1json/examples/readFullPage1/value").toString();
        upstream = new RestUpstream().json("GET " + MESSAGES, 200, page);
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: twilio
                    url: %s
                    routes:
                      - name: twilio-mcp
                        paths: [/twilio-mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              openapi:
                                spec: twilio.json
                                include: ["ListMessage"]
                """.formatted(upstream.url()), Map.of(), false, Map.of("twilio.json", document));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
            upstream.close();
        }
    }

    @BeforeEach
    void session() {
        upstream.clear();
        mcp = new McpHttp(gateway.proxy("/twilio-mcp"));
        mcp.initialize("2025-11-25");
    }

    @Test
    void listMessageIsServedWithBothRangeFiltersAsArgumentsOfTheirOwn() {
        JsonNode tool = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").json().at("/result/tools/0");
        assertThat(tool.path("name").asText()).as("%s", tool).isEqualTo("ListMessage");

        List<String> dateSent = new ArrayList<>();
        tool.at("/inputSchema/properties").fieldNames().forEachRemaining(name -> {
            if (name.startsWith("query_DateSent")) {
                dateSent.add(name);
            }
        });

        assertThat(dateSent).hasSize(3).doesNotHaveDuplicates().allMatch(name -> name.matches("[A-Za-z0-9_.-]{1,64}"));
        assertThat(tool.at("/inputSchema/properties/" + dateSent.get(1) + "/description").asText()).contains("DateSent<");
        assertThat(tool.at("/inputSchema/properties/" + dateSent.get(2) + "/description").asText()).contains("DateSent>");
    }

    @Test
    void rangeFiltersSentUnderKongsNamesReachTwilioEachUnderItsOwnNameEncoded() {
        JsonNode result = mcp.call("ListMessage", "{\"path_AccountSid\":\"" + ACCOUNT + "\","
                + "\"query_DateSent<\":\"2024-01-31\",\"query_DateSent>\":\"2024-01-01\"}");

        assertThat(result.get("isError").asBoolean()).as("%s", result).isFalse();
        RestUpstream.Received received = upstream.next();
        assertThat(received.path()).isEqualTo(MESSAGES);
        assertThat(received.query()).isEqualTo("DateSent%3C=2024-01-31&DateSent%3E=2024-01-01");
    }

    @Test
    void rangeFiltersSentUnderTheListedArgumentsReachTwilioEachUnderItsOwnName() {
        JsonNode properties = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").json()
                .at("/result/tools/0/inputSchema/properties");
        List<String> names = new ArrayList<>();
        properties.fieldNames().forEachRemaining(names::add);
        String before = names.stream().filter(n -> properties.path(n).path("description").asText()
                .contains("DateSent<")).findFirst().orElseThrow();
        String after = names.stream().filter(n -> properties.path(n).path("description").asText()
                .contains("DateSent>")).findFirst().orElseThrow();

        JsonNode result = mcp.call("ListMessage", "{\"path_AccountSid\":\"" + ACCOUNT + "\",\"query_DateSent\":"
                + "\"2024-01-15\",\"" + after + "\":\"2024-01-01\",\"" + before + "\":\"2024-01-31\"}");

        assertThat(result.get("isError").asBoolean()).as("%s", result).isFalse();
        assertThat(upstream.next().query())
                .isEqualTo("DateSent=2024-01-15&DateSent%3C=2024-01-31&DateSent%3E=2024-01-01");
    }
}
