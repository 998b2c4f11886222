package dev.toolgate.hardening;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RawConnection;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad JSON-RPC bodies on an MCP endpoint (without sessions, so every body reaches the JSON-RPC layer):
 * each gets the status and JSON-RPC code of the error table, and the next request is served.
 */
@Timeout(60)
class JsonRpcBadInputIT {

    static BadInputGateway fixture;

    /**
     * @param name   what is wrong
     * @param body   the bytes POSTed
     * @param status the HTTP status
     * @param code   the JSON-RPC error code (of the first element for a batch); 0 for a success
     */
    record Case(String name, byte[] body, int status, int code) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void start() {
        fixture = new BadInputGateway();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    static Case c(String name, String body, int status, int code) {
        return new Case(name, body.getBytes(StandardCharsets.UTF_8), status, code);
    }

    static Case parse(String name, String body) {
        return c(name, body, 400, -32700);
    }

    static Case invalid(String name, String body) {
        return c(name, body, 400, -32600);
    }

    static String request(String idAndRest) {
        return "{\"jsonrpc\":\"2.0\"," + idAndRest + "}";
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        // not JSON
        for (String[] text : new String[][]{{"an empty body", ""}, {"only spaces", "   "}, {"an open brace", "{"},
                {"a close brace", "}"}, {"an open bracket", "["}, {"an unfinished object", "{\"jsonrpc\":\"2.0\""},
                {"nul", "nul"}, {"tru", "tru"}, {"single quotes", "{'jsonrpc':'2.0'}"}, {"a trailing comma", "{\"a\":1,}"},
                {"a trailing comma in an array", "[1,]"}, {"a missing colon", "{\"a\" 1}"},
                {"a short unicode escape", "{\"a\":\"\\u12\"}"}, {"NaN", "{\"a\":NaN}"}, {"Infinity", "{\"a\":Infinity}"},
                {"a leading zero", "{\"a\":01}"}, {"a double minus", "{\"a\":--1}"}, {"an exponent without digits", "{\"a\":1e}"},
                {"garbage after the object", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}x"},
                {"two objects", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}{}"},
                {"a control character in a string", "{\"a\":\"\u0001\"}"}, {"an unquoted key", "{a:1}"},
                {"a comment", "/* x */{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"},
                {"2000 nested arrays", "[".repeat(2000) + "]".repeat(2000)},
                {"2000 nested objects", "{\"a\":".repeat(2000) + "1" + "}".repeat(2000)},
                {"a number of 1001 digits", "{\"a\":" + "9".repeat(1001) + "}"},
                // valid JSON that no BigDecimal can hold: found by RequestEncoderFuzzTest
                {"a number whose exponent is beyond 32 bits", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
                        + "\"params\":{\"name\":\"x\",\"arguments\":{\"a\":3E333333333333333333}}}"}}) {
            cases.add(parse("not JSON: " + text[0], text[1]));
        }
        cases.add(new Case("not JSON: invalid UTF-8 in a string", concat("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"p",
                new byte[]{(byte) 0xC0, (byte) 0xAE}, "\"}"), 400, -32700));
        cases.add(new Case("not JSON: UTF-16", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"
                .getBytes(StandardCharsets.UTF_16LE), 400, -32700));
        // JSON, but not a JSON-RPC message
        for (String[] text : new String[][]{{"a number", "1"}, {"a string", "\"ping\""}, {"true", "true"},
                {"null", "null"}, {"an empty batch", "[]"}, {"an empty object", "{}"},
                {"jsonrpc 1.0", "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}"},
                {"jsonrpc as a number", "{\"jsonrpc\":2.0,\"id\":1,\"method\":\"ping\"}"},
                {"jsonrpc null", "{\"jsonrpc\":null,\"id\":1,\"method\":\"ping\"}"},
                {"no jsonrpc", "{\"id\":1,\"method\":\"ping\"}"},
                {"neither method nor result", request("\"id\":1")},
                {"an empty method", request("\"id\":1,\"method\":\"\"")},
                {"a numeric method", request("\"id\":1,\"method\":5")},
                {"an object method", request("\"id\":1,\"method\":{}")},
                {"params as a string", request("\"id\":1,\"method\":\"ping\",\"params\":\"x\"")},
                {"params as a number", request("\"id\":1,\"method\":\"ping\",\"params\":5")},
                {"params as a boolean", request("\"id\":1,\"method\":\"ping\",\"params\":true")},
                {"an object id", request("\"id\":{},\"method\":\"ping\"")},
                {"an array id", request("\"id\":[1],\"method\":\"ping\"")},
                {"a fractional id", request("\"id\":1.5,\"method\":\"ping\"")},
                {"a boolean id", request("\"id\":true,\"method\":\"ping\"")},
                {"a null id on a request", request("\"id\":null,\"method\":\"ping\"")},
                {"an id of 1e999999999", request("\"id\":1e999999999,\"method\":\"ping\"")},
                {"both result and error", request("\"id\":1,\"result\":{},\"error\":{}")}}) {
            cases.add(invalid("not JSON-RPC: " + text[0], text[1]));
        }
        // a repeated key: parsers differ on which copy counts, so no copy is taken
        for (String[] text : new String[][]{
                {"jsonrpc, the last invalid", "{\"jsonrpc\":\"2.0\",\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}"},
                {"jsonrpc, both valid", "{\"jsonrpc\":\"2.0\",\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"},
                {"params.name", request("\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"get_item\","
                        + "\"name\":\"delete_item\",\"arguments\":{\"id\":\"a1\"}}")},
                {"an argument", request("\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"get_item\","
                        + "\"arguments\":{\"id\":\"a1\",\"id\":\"../admin\"}}")},
                {"a key 20000 characters long", request("\"id\":1,\"method\":\"ping\",\"params\":{\"" + "k".repeat(20_000)
                        + "\":1,\"" + "k".repeat(20_000) + "\":2}")},
                {"an element of a batch", "[" + request("\"id\":1,\"method\":\"ping\"") + ","
                        + request("\"id\":2,\"id\":3,\"method\":\"ping\"") + "]"}}) {
            cases.add(parse("a repeated key: " + text[0], text[1]));
        }
        // methods this endpoint does not offer
        for (String method : new String[]{"resources/list", "prompts/list", "tools/List", "rpc.discover", "x".repeat(1000),
                "\\u0000", "tools/call/extra", "\u00e9mojis \ud83d\ude00", "sampling/createMessage", "logging/setLevel"}) {
            cases.add(c("unknown method " + (method.length() > 30 ? method.substring(0, 30) + "..." : method),
                    request("\"id\":1,\"method\":\"" + method + "\""), 200, -32601));
        }
        // bad params
        for (String[] text : new String[][]{{"tools/call without params", "\"method\":\"tools/call\""},
                {"tools/call without a name", "\"method\":\"tools/call\",\"params\":{}"},
                {"tools/call with a numeric name", "\"method\":\"tools/call\",\"params\":{\"name\":5}"},
                {"tools/call with string arguments", "\"method\":\"tools/call\",\"params\":{\"name\":\"get_item\",\"arguments\":\"x\"}"},
                {"tools/call with array arguments", "\"method\":\"tools/call\",\"params\":{\"name\":\"get_item\",\"arguments\":[]}"},
                {"tools/call of an unknown tool", "\"method\":\"tools/call\",\"params\":{\"name\":\"rm_rf\"}"},
                {"tools/call of a tool named by a 10000-character string", "\"method\":\"tools/call\",\"params\":{\"name\":\""
                        + "n".repeat(10_000) + "\"}"},
                {"tools/list with a numeric cursor", "\"method\":\"tools/list\",\"params\":{\"cursor\":5}"},
                {"tools/list with a forged cursor", "\"method\":\"tools/list\",\"params\":{\"cursor\":\"AAAA\"}"},
                {"tools/list with a 5000-character cursor", "\"method\":\"tools/list\",\"params\":{\"cursor\":\""
                        + "c".repeat(5000) + "\"}"},
                {"initialize without protocolVersion", "\"method\":\"initialize\",\"params\":{}"},
                {"initialize with a numeric protocolVersion", "\"method\":\"initialize\",\"params\":{\"protocolVersion\":5}"}}) {
            cases.add(c(text[0], request("\"id\":1," + text[1]), 200, -32602));
        }
        // notifications and responses are accepted and not answered
        cases.add(c("an unknown notification", request("\"method\":\"notifications/whatever\""), 202, 0));
        cases.add(c("a cancellation of nothing", request("\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":99}"),
                202, 0));
        cases.add(c("a response nobody asked for", request("\"id\":5,\"result\":{}"), 202, 0));
        cases.add(c("a notification with array params", request("\"method\":\"notifications/x\",\"params\":[1,2]"), 202, 0));
        // ids that must come back as sent
        cases.add(c("an id beyond 64 bits comes back as sent", request("\"id\":123456789012345678901234567890,"
                + "\"method\":\"ping\""), 200, 0));
        cases.add(c("a 1000-character string id comes back as sent", request("\"id\":\"" + "i".repeat(1000)
                + "\",\"method\":\"ping\""), 200, 0));
        cases.add(c("a negative id", request("\"id\":-1,\"method\":\"ping\""), 200, 0));
        // batches (2025-03-26, assumed without a protocol version header)
        cases.add(c("a batch of one number", "[1]", 200, -32600));
        cases.add(c("a batch of empty objects", "[{},{}]", 200, -32600));
        cases.add(c("a batch with initialize", "[" + request("\"id\":1,\"method\":\"initialize\",\"params\":{"
                + "\"protocolVersion\":\"2025-03-26\"}") + "]", 200, -32600));
        cases.add(c("a batch with an unknown method", "[" + request("\"id\":1,\"method\":\"nope\"") + "]", 200, -32601));
        cases.add(c("a batch of notifications only", "[" + request("\"method\":\"notifications/x\"") + "]", 202, 0));
        cases.add(c("a batch of 100 pings", "[" + String.join(",", java.util.Collections.nCopies(100,
                request("\"id\":1,\"method\":\"ping\""))) + "]", 200, 0));
        cases.add(c("a batch of 101 pings (at most 100 messages in one)", "[" + String.join(",",
                java.util.Collections.nCopies(101, request("\"id\":1,\"method\":\"ping\""))) + "]", 400, -32600));
        cases.add(c("a nested batch", "[[" + request("\"id\":1,\"method\":\"ping\"") + "]]", 200, -32600));
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachBadMessageGetsItsErrorAndTheNextRequestIsServed(Case c) throws IOException {
        RawConnection.Response response = RawConnection.exchange(fixture.port(), "POST", "/open",
                List.of("Host: 127.0.0.1", "Content-Type: application/json", "Accept: " + McpHttp.ACCEPT_BOTH,
                        "Content-Length: " + c.body().length), c.body());
        assertThat(response.status()).as("%s: %s", c.name(), response).isEqualTo(c.status());
        if (c.status() != 202) {
            JsonNode answer = Json.parse(response.body());
            JsonNode first = answer.isArray() ? answer.get(0) : answer;
            assertThat(first.path("jsonrpc").asText()).isEqualTo("2.0");
            if (c.code() == 0) {
                assertThat(first.has("result")).as("a result: %s", response).isTrue();
                JsonNode sent = Json.parse(c.body());
                assertThat(Json.text(first.get("id"))).isEqualTo(Json.text((sent.isArray() ? sent.get(0) : sent).get("id")));
            } else {
                assertThat(first.path("error").path("code").asInt()).as("%s: %s", c.name(), response).isEqualTo(c.code());
                // a message may quote what was sent (a method or tool name), never more than that
                assertThat(first.path("error").path("message").asText()).isNotBlank().hasSizeLessThan(c.body().length + 300);
                if (c.name().startsWith("a repeated key")) {
                    assertThat(first.path("error").path("message").asText()).startsWith("Parse error: duplicate key \"")
                            .endsWith(" in the message").hasSizeLessThan(120);
                }
            }
        } else {
            assertThat(response.body()).isEmpty();
        }
        fixture.assertServes();
    }

    @Test
    void aBatchWhoseAnswersWouldPass32MiBGetsErrorsInPlaceOfTheAnswersPastIt() throws IOException {
        // one tool of 400 KB: a batch of 100 listings would answer 40 MB, a copy per element
        try (TestGateway big = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: http://127.0.0.1:9
                    routes:
                      - name: big
                        paths: [/big]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server: {session: {managed: false}}
                              tools:
                                - {name: wide, method: GET, path: /wide, description: %s}
                """.formatted("wide ".repeat(80_000).trim()))) {
            List<String> listings = new ArrayList<>();
            for (int i = 1; i <= 100; i++) {
                listings.add(request("\"id\":" + i + ",\"method\":\"tools/list\""));
            }
            byte[] body = ("[" + String.join(",", listings) + "]").getBytes(StandardCharsets.UTF_8);
            RawConnection.Response response = RawConnection.exchange(big.gateway().proxyPort(), "POST", "/big",
                    List.of("Host: 127.0.0.1", "Content-Type: application/json", "Accept: " + McpHttp.ACCEPT_BOTH,
                            "MCP-Protocol-Version: 2025-03-26", "Content-Length: " + body.length), body);

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body().length).isLessThan(33 * 1024 * 1024);
            JsonNode answers = Json.parse(response.body());
            assertThat(answers).hasSize(100);
            assertThat(answers.get(0).path("result").path("tools").get(0).path("name").asText()).isEqualTo("wide");
            assertThat(answers.get(99).path("error").path("code").asInt()).isEqualTo(-32600);
            assertThat(answers.get(99).path("error").path("message").asText()).contains("would pass 32 MiB");
            assertThat(Json.text(answers.get(99).get("id"))).isEqualTo("100");
        }
        fixture.assertServes();
    }

    static byte[] concat(String head, byte[] middle, String tail) {
        byte[] a = head.getBytes(StandardCharsets.UTF_8);
        byte[] c = tail.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[a.length + middle.length + c.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(middle, 0, out, a.length, middle.length);
        System.arraycopy(c, 0, out, a.length + middle.length, c.length);
        return out;
    }
}
