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

import static dev.toolgate.testing.McpAssertions.assertStillServes;
import static dev.toolgate.testing.McpAssertions.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Arguments are checked against the tool's input schema before anything is sent: invalid calls are
 * tool errors that say what is wrong, and schema defaults fill absent arguments.
 */
@Timeout(30)
class ArgumentValidationIT {

    static RestUpstream upstream;
    static TestGateway gateway;
    McpHttp mcp;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream().json("GET /orders", 200, "[]").json("POST /orders", 201, "{}")
                .json("POST /trees", 201, "{}");
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
                                - name: list_orders
                                  description: List orders
                                  method: GET
                                  path: /mcp/orders
                                  parameters:
                                    - {name: status, in: query, schema: {type: string, enum: [open, closed], default: open}}
                                    - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100, default: 20}}
                                    - {name: customer, in: query, required: true, schema: {type: string}}
                                    - {name: X-Page-Size, in: header, schema: {type: integer, default: 50}}
                                - name: orders_by_ids
                                  description: Orders by id
                                  method: GET
                                  path: /mcp/orders
                                  parameters:
                                    - {name: ids, in: query, schema: {type: array, items: {type: string}}}
                                - name: orders_by_ids_or_one
                                  description: Orders by ids, or one order
                                  method: GET
                                  path: /mcp/orders
                                  parameters:
                                    - {name: ids, in: query, schema: {anyOf: [{type: array, items: {type: string}}, {type: string}]}}
                                - name: orders_by_ids_or_else
                                  description: Orders by ids, or by one id
                                  method: GET
                                  path: /mcp/orders
                                  parameters:
                                    - {name: ids, in: query, schema: {oneOf: [{type: array, items: {type: string}}, {type: string}]}}
                                - name: tag_orders
                                  description: Tag orders (rev-diff19's shapes)
                                  method: POST
                                  path: /mcp/orders
                                  request_body:
                                    content:
                                      application/json:
                                        schema:
                                          type: object
                                          properties:
                                            p: {type: object, dependentSchemas: {x: {required: [y]}}}
                                            items: {type: array, items: {anyOf: [{type: string, pattern: '^(x+x+)+y$'}, {type: integer}]}}
                                - name: count_orders
                                  description: Count orders (not, if and contains over the items)
                                  method: POST
                                  path: /mcp/orders
                                  request_body:
                                    content:
                                      application/json:
                                        schema:
                                          type: array
                                          not: {items: {type: string}}
                                          if: {items: {type: boolean}}
                                          then: {maxItems: 0}
                                          else: {contains: {type: integer}}
                                - name: create_order
                                  description: Create an order
                                  method: POST
                                  path: /mcp/orders
                                  request_body:
                                    required: true
                                    content:
                                      application/json:
                                        schema:
                                          type: object
                                          required: [item]
                                          properties:
                                            item: {type: string, minLength: 1}
                                            quantity: {type: integer, default: 1}
                                - name: plant_tree
                                  description: Plant a tree of nodes (a recursive schema, as GitHub's and Stripe's have)
                                  method: POST
                                  path: /mcp/trees
                                  request_body:
                                    content:
                                      application/json:
                                        schema:
                                          $ref: '#/$defs/Node'
                                          $defs:
                                            Node:
                                              type: object
                                              properties:
                                                name: {type: string}
                                                children:
                                                  type: array
                                                  items: {anyOf: [{type: string}, {allOf: [{$ref: '#/$defs/Node'}]}]}
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void session() {
        while (upstream.pending() > 0) {
            upstream.next();
        }
        mcp = new McpHttp(gateway.proxy("/mcp"));
        mcp.initialize("2025-06-18");
    }

    private JsonNode refused(String tool, String arguments) throws InterruptedException {
        JsonNode result = mcp.call(tool, arguments);
        assertThat(result.get("isError").asBoolean()).as("isError for %s", arguments).isTrue();
        assertThat(text(result)).startsWith("Invalid arguments for tool " + tool + ": ");
        assertThat(upstream.quiet(Duration.ofMillis(300))).as("nothing sent for %s", arguments).isTrue();
        assertStillServes(mcp);
        return result;
    }

    @Test
    void schemaDefaultsAreSentForAbsentArguments() {
        JsonNode result = mcp.call("list_orders", "{\"query_customer\":\"c1\"}");
        assertThat(result.get("isError").asBoolean()).isFalse();
        RestUpstream.Received received = upstream.next();
        assertThat(received.query()).isEqualTo("status=open&limit=20&customer=c1");
        assertThat(received.header("X-Page-Size")).isEqualTo("50");
    }

    @Test
    void givenArgumentsReplaceDefaults() {
        mcp.call("list_orders", "{\"query_customer\":\"c1\",\"query_status\":\"closed\",\"query_limit\":7,\"header_X-Page-Size\":5}");
        RestUpstream.Received received = upstream.next();
        assertThat(received.query()).isEqualTo("status=closed&limit=7&customer=c1");
        assertThat(received.header("X-Page-Size")).isEqualTo("5");
    }

    @Test
    void integerArgumentsWrittenWithAFractionOrExponentAreSentInIntegerForm() {
        // JSON Schema counts 20.0 and 2e1 as integers, so validation lets them through; the upstream
        // declared an integer and must receive one ("20"), not "20.0" or "2E+1".
        JsonNode result = mcp.call("list_orders", "{\"query_customer\":\"c1\",\"query_limit\":20.0,\"header_X-Page-Size\":2e1}");
        assertThat(result.get("isError").asBoolean()).as(text(result)).isFalse();
        RestUpstream.Received received = upstream.next();
        assertThat(received.query()).isEqualTo("status=open&limit=20&customer=c1");
        assertThat(received.header("X-Page-Size")).isEqualTo("20");
    }

    @Test
    void unknownArgumentsAreIgnored() {
        mcp.call("list_orders", "{\"query_customer\":\"c1\",\"query_admin\":true,\"body\":{}}");
        RestUpstream.Received received = upstream.next();
        assertThat(received.query()).isEqualTo("status=open&limit=20&customer=c1");
        assertThat(received.body()).isEmpty();
    }

    @Test
    void missingRequiredArgumentIsRefusedNamingIt() throws InterruptedException {
        assertThat(text(refused("list_orders", "{}"))).contains("query_customer");
    }

    @Test
    void callWithoutArgumentsAtAllIsCheckedLikeAnEmptyObject() throws InterruptedException {
        McpHttp.Response response = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"list_orders\"}}");
        assertThat(response.json().at("/result/isError").asBoolean()).isTrue();
        assertThat(text(response.json().get("result"))).contains("query_customer");
        response = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"list_orders\",\"arguments\":null}}");
        assertThat(response.json().at("/result/isError").asBoolean()).isTrue();
        assertThat(upstream.quiet(Duration.ofMillis(300))).isTrue();
    }

    @Test
    void nullForATypedArgumentIsAWrongTypeNotAnAbsentArgument() throws InterruptedException {
        assertThat(text(refused("list_orders", "{\"query_customer\":\"c1\",\"query_limit\":null}")))
                .contains("null found, integer expected");
    }

    @Test
    void wrongTypeIsRefusedAndNothingIsSent() throws InterruptedException {
        assertThat(text(refused("list_orders", "{\"query_customer\":\"c1\",\"query_limit\":\"ten\"}")))
                .contains("string found, integer expected");
    }

    @Test
    void outOfRangeAndEnumViolationsAreRefused() throws InterruptedException {
        refused("list_orders", "{\"query_customer\":\"c1\",\"query_limit\":500}");
        refused("list_orders", "{\"query_customer\":\"c1\",\"query_status\":\"lost\"}");
        refused("list_orders", "{\"query_customer\":\"c1\",\"header_X-Page-Size\":1.5}");
    }

    @Test
    void everyProblemIsReportedAtOnce() throws InterruptedException {
        String message = text(refused("list_orders", "{\"query_limit\":0,\"query_status\":7}"));
        assertThat(message).contains("query_customer").contains("; ");
        assertThat(message.split("; ")).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void messagesNameTheArgumentThatIsWrong() throws InterruptedException {
        // A model fixing its call needs to know which argument is wrong; "string found, integer expected"
        // alone does not say whether it is query_limit or header_X-Page-Size.
        assertThat(text(refused("list_orders", "{\"query_customer\":\"c1\",\"query_limit\":\"ten\"}"))).contains("query_limit");
        assertThat(text(refused("list_orders", "{\"query_customer\":\"c1\",\"query_status\":\"lost\"}"))).contains("query_status");
        assertThat(text(refused("create_order", "{\"body\":{\"item\":\"\"}}"))).contains("item");
    }

    @Test
    void requiredBodyAndItsRequiredPropertiesAreChecked() throws InterruptedException {
        assertThat(text(refused("create_order", "{}"))).contains("body");
        assertThat(text(refused("create_order", "{\"body\":{\"quantity\":2}}"))).contains("item");
        refused("create_order", "{\"body\":\"item=lamp\"}");
    }

    @Test
    void validBodyIsSentAsGivenWithoutFillingBodyDefaults() {
        JsonNode result = mcp.call("create_order", "{\"body\":{\"item\":\"lamp\"}}");
        assertThat(result.get("isError").asBoolean()).isFalse();
        assertThat(upstream.next().body()).isEqualTo("{\"item\":\"lamp\"}");
    }

    @Test
    void aCallWithHundredsOfThousandsOfWrongItemsIsAShortToolErrorListingTheFirstAndSayingMoreExist() throws Exception {
        // 480,000 numbers where strings belong: 960 KB, under the 1 MiB body bound, and as many errors to find
        String ids = "{\"query_ids\":[" + "0,".repeat(479_999) + "0]}";
        try (OtherSessions others = new OtherSessions(gateway.proxy("/mcp"), 4);
             CapturedLog log = CapturedLog.everything()) {
            CompletableFuture<McpHttp.Response> call = CompletableFuture.supplyAsync(() -> mcp.post(
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"orders_by_ids\","
                            + "\"arguments\":" + ids + "}}"));
            others.answeredWhile(call);
            McpHttp.Response response = call.get(20, TimeUnit.SECONDS);

            assertThat(response.body().length()).as("answer size").isLessThan(4096);
            JsonNode result = response.json().get("result");
            assertThat(result.get("isError").asBoolean()).isTrue();
            assertThat(text(result)).startsWith("Invalid arguments for tool orders_by_ids: query_ids.0: integer found, "
                    + "string expected; query_ids.1: ").endsWith("; and more (only the first 10 are listed)");
            assertThat(text(result).split("; ")).as("ten listed, then more").hasSize(11);
            assertThat(upstream.quiet(Duration.ofMillis(300))).as("the API not called").isTrue();
            assertThat(log.text()).as("no event loop was blocked").doesNotContain("has been blocked");
        }
        assertStillServes(mcp);
    }

    @Test
    void hundredsOfThousandsOfWrongItemsInABranchOfAnyOfOrOneOfAreAToolErrorListingTheFirstTen() throws Exception {
        String ids = "{\"query_ids\":[" + "0,".repeat(479_999) + "0]}";

        String anyOf = text(refused("orders_by_ids_or_one", ids));
        String oneOf = text(refused("orders_by_ids_or_else", ids));

        // the first branch's first ten: the second branch's problem would be the 480,001st
        assertThat(anyOf).startsWith("Invalid arguments for tool orders_by_ids_or_one: query_ids.0: integer found, "
                + "string expected; query_ids.1: ").endsWith("; query_ids.9: integer found, string expected; and more "
                + "(only the first 10 are listed)");
        assertThat(oneOf).startsWith("Invalid arguments for tool orders_by_ids_or_else: query_ids: must be valid to "
                + "one and only one schema, but 0 are valid; query_ids.0: integer found, string expected; ")
                .endsWith("; query_ids.8: integer found, string expected; and more (only the first 10 are listed)");
    }

    @Test
    void hundredsOfThousandsOfItemsUnderNotIfAndContainsAreDecidedAsTheirVerdictsSay() throws Exception {
        // each keyword's subschema fails on the first item; the validator's own went on to build 480,000 errors
        String numbers = "[" + "0,".repeat(479_999) + "0]";
        JsonNode result = mcp.call("count_orders", "{\"body\":" + numbers + "}");
        assertThat(result.get("isError").asBoolean()).as("%s", result).isFalse();
        assertThat(upstream.next().body()).isEqualTo(numbers);

        assertThat(text(refused("count_orders", "{\"body\":[" + "\"a\",".repeat(239_999) + "\"a\"]}")))
                .isEqualTo("Invalid arguments for tool count_orders: body: must not be valid to the schema "
                        + "{\"items\":{\"type\":\"string\"}}; body: must contain at least 1 element(s) that passes "
                        + "these validations: {\"type\":\"integer\"}");
    }

    @Test
    void aValueWithoutAPropertyWhoseSchemaHasDependentSchemasIsSentAndOneBreakingThemRefused() throws Exception {
        JsonNode result = mcp.call("tag_orders", "{\"body\":{}}");
        assertThat(result.get("isError").asBoolean()).as("%s", result).isFalse();
        assertThat(upstream.next().body()).isEqualTo("{}");

        assertThat(text(refused("tag_orders", "{\"body\":{\"p\":{\"x\":1}}}"))).contains("body.p: required property 'y'");
    }

    @Test
    void moreProblemsThanListedUnderAnyOfAreAToolErrorNotAnInternalError() throws Exception {
        // twelve items, two problems each: the eleventh comes from a branch
        assertThat(text(refused("tag_orders", "{\"body\":{\"items\":[" + "{},".repeat(11) + "{}]}}")))
                .startsWith("Invalid arguments for tool tag_orders: body.items.0: object found, string expected; "
                        + "body.items.0: object found, integer expected; ")
                .endsWith("; and more (only the first 10 are listed)");
    }

    @Test
    void aPatternSpendingTheBudgetInABranchAfterOtherProblemsIsAToolErrorSayingSo() throws Exception {
        String x = "x".repeat(5000);

        assertThat(text(refused("tag_orders", "{\"body\":{\"items\":[{},{},\"" + x + "\"]}}"))).isEqualTo(
                "Invalid arguments for tool tag_orders: a value took too long to match a pattern of the schema; "
                        + "send a shorter one");
    }

    /** A tree of {@code levels} JSON levels: each node an object whose children array holds the next. */
    static String tree(int levels) {
        return "{\"name\":\"n\",\"children\":[".repeat(levels / 2) + "\"leaf\"" + "]}".repeat(levels / 2);
    }

    @Test
    void argumentsNestedDeeperThanTheBoundAreInvalidArgumentsNotAnInternalError() throws InterruptedException {
        try (CapturedLog log = CapturedLog.everything()) {
            // 900 levels: under Jackson's 1,000, and enough to overflow the validator's recursion on a fresh JVM
            JsonNode result = refused("plant_tree", "{\"body\":" + tree(900) + "}");
            assertThat(text(result)).isEqualTo("Invalid arguments for tool plant_tree: nested deeper than "
                    + CompiledSchema.MAX_DEPTH + " levels of objects and arrays, the most the gateway checks against a "
                    + "schema");
            assertThat(log.since(0)).as("no stack logged").noneMatch(line -> line.getThrowableProxy() != null);
        }
    }

    @Test
    void argumentsWithinTheNestingBoundAreCheckedAndSent() {
        JsonNode result = mcp.call("plant_tree", "{\"body\":" + tree(CompiledSchema.MAX_DEPTH - 2) + "}");
        assertThat(result.get("isError").asBoolean()).as("%s", result).isFalse();
        assertThat(upstream.next().body()).startsWith("{\"name\":\"n\",\"children\":[{");
    }
}
