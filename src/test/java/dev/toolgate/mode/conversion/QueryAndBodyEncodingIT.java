package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

import static dev.toolgate.testing.McpAssertions.text;
import static org.assertj.core.api.Assertions.assertThat;

/** OpenAPI serialization of query arguments (form, explode, delimited, deepObject) and of the body (JSON, form). */
@Timeout(30)
class QueryAndBodyEncodingIT {

    static RestUpstream upstream;
    static TestGateway gateway;
    McpHttp mcp;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream()
                .json("GET /search", 200, "{}")
                .json("POST /items", 201, "{\"id\":\"i-1\"}")
                .json("PATCH /items/1", 200, "{}")
                .json("POST /forms", 200, "{}")
                .json("GET /odata", 200, "{}");
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
                                - name: search
                                  description: Search
                                  method: GET
                                  path: /mcp/search
                                  parameters:
                                    - {name: ids, in: query, schema: {type: array, items: {type: integer}}}
                                    - {name: tags, in: query, explode: false, schema: {type: array, items: {type: string}}}
                                    - {name: spaced, in: query, style: spaceDelimited, explode: false, schema: {type: array}}
                                    - {name: piped, in: query, style: pipeDelimited, explode: false, schema: {type: array}}
                                    - {name: filter, in: query, style: deepObject, explode: true, schema: {type: object}}
                                    - {name: point, in: query, schema: {type: object}}
                                    - {name: box, in: query, explode: false, schema: {type: object}}
                                    - {name: q, in: query, schema: {type: string}}
                                    - {name: exact, in: query, schema: {type: boolean}}
                                - name: odd_names
                                  description: Parameters named as JSON:API and OData name theirs
                                  method: GET
                                  path: /mcp/odata
                                  parameters:
                                    - {name: "filter[status]", in: query, schema: {type: string}}
                                    - {name: $top, in: query, schema: {type: integer}}
                                    - {name: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx, in: query, schema: {type: string}}
                                - name: create_item
                                  description: Create an item
                                  method: POST
                                  path: /mcp/items
                                  request_body:
                                    required: true
                                    content:
                                      application/json:
                                        schema: {type: object, properties: {name: {type: string}}, required: [name]}
                                - name: patch_item
                                  description: Change an item (JSON merge patch, as Kubernetes takes it)
                                  method: PATCH
                                  path: /mcp/items/1
                                  request_body:
                                    content:
                                      application/merge-patch+json:
                                        schema: {type: object}
                                - name: submit_form
                                  description: Submit a form
                                  method: POST
                                  path: /mcp/forms
                                  request_body:
                                    content:
                                      application/x-www-form-urlencoded:
                                        schema: {type: object}
                                - name: submit_point
                                  description: Submit a form whose point object is sent as fields of their own
                                  method: POST
                                  path: /mcp/forms
                                  request_body:
                                    content:
                                      application/x-www-form-urlencoded:
                                        schema: {type: object, properties: {name: {type: string}, point: {type: object},
                                                 size: {type: object}}}
                                        encoding: {point: {style: form, explode: true}, size: {style: form, explode: true}}
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

    private String query(String arguments) {
        JsonNode result = mcp.call("search", arguments);
        assertThat(result.get("isError").asBoolean()).as(text(result)).isFalse();
        return upstream.next().query();
    }

    private static String decoded(String raw) {
        return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    }

    @Test
    void parameterNamesClaudesApiWouldRefuseAsPropertyNamesAreOfferedAsPortableArgumentsAndSentUnderTheirOwnNames() {
        JsonNode tools = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\"}").json().at("/result/tools");
        JsonNode odd = null;
        for (JsonNode tool : tools) {
            tool.path("inputSchema").path("properties").fieldNames().forEachRemaining(name ->
                    assertThat(name).as(tool.path("name").asText()).matches("[a-zA-Z0-9_.-]{1,64}"));
            if (tool.path("name").asText().equals("odd_names")) {
                odd = tool.path("inputSchema").path("properties");
            }
        }
        assertThat(odd).isNotNull();
        java.util.List<String> names = new java.util.ArrayList<>();
        odd.fieldNames().forEachRemaining(names::add);
        assertThat(names).hasSize(3).contains("query_filter_status_", "query__top");
        String shortened = names.stream().filter(n -> n.startsWith("query_xxx")).findFirst().orElseThrow();

        JsonNode result = mcp.call("odd_names", "{\"query_filter_status_\":\"open\",\"query__top\":5,\"" + shortened
                + "\":\"y\"}");

        assertThat(result.get("isError").asBoolean()).as(text(result)).isFalse();
        assertThat(decoded(upstream.next().query())).isEqualTo("filter[status]=open&$top=5&xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx=y");
        JsonNode kongNames = mcp.call("odd_names", "{\"query_filter[status]\":\"closed\",\"query_$top\":2}");
        assertThat(kongNames.get("isError").asBoolean()).as(text(kongNames)).isFalse();
        assertThat(decoded(upstream.next().query())).as("a client set up against Kong's names still sends them")
                .isEqualTo("filter[status]=closed&$top=2");
    }

    @Test
    void explodedArrayRepeatsTheName() {
        assertThat(query("{\"query_ids\":[1,2,3]}")).isEqualTo("ids=1&ids=2&ids=3");
    }

    @Test
    void nonExplodedArrayIsCommaSeparatedWithEachItemEncoded() {
        assertThat(query("{\"query_tags\":[\"a&b\",\"c d\",\"e,f\"]}")).isEqualTo("tags=a%26b,c%20d,e%2Cf");
    }

    @Test
    void emptyItemsOfADelimitedArrayKeepTheirSeparators() {
        // OpenAPI form/pipeDelimited, explode false: ["", "b"] is ",b", so the upstream still reads two items
        assertThat(query("{\"query_tags\":[\"\",\"b\"]}")).isEqualTo("tags=,b");
        assertThat(query("{\"query_piped\":[\"\",\"\",\"c\"]}")).isEqualTo("piped=%7C%7Cc");
    }

    @Test
    void spaceAndPipeDelimitedArrays() {
        assertThat(query("{\"query_spaced\":[\"x\",\"y\"],\"query_piped\":[\"x\",\"y\"]}"))
                .isEqualTo("spaced=x%20y&piped=x%7Cy");
    }

    @Test
    void deepObjectBecomesBracketedNamesIncludingNestedObjects() {
        String raw = query("{\"query_filter\":{\"color\":\"red\",\"size\":{\"min\":1,\"max\":5}}}");
        assertThat(decoded(raw)).isEqualTo("filter[color]=red&filter[size][min]=1&filter[size][max]=5");
    }

    @Test
    void explodedFormObjectSpreadsItsPropertiesAndNonExplodedJoinsThem() {
        assertThat(query("{\"query_point\":{\"x\":1,\"y\":2}}")).isEqualTo("x=1&y=2");
        assertThat(query("{\"query_box\":{\"w\":3,\"h\":4}}")).isEqualTo("box=w,3,h,4");
    }

    @Test
    void scalarValuesAreEncodedSoTheyCannotAddQueryArguments() {
        assertThat(query("{\"query_q\":\"a&admin=true#x\",\"query_exact\":true}"))
                .isEqualTo("q=a%26admin%3Dtrue%23x&exact=true");
    }

    @Test
    void jsonBodyIsSentAsJsonWithItsContentType() {
        JsonNode result = mcp.call("create_item", "{\"body\":{\"name\":\"lamp\",\"tags\":[\"a\"],\"price\":12.50}}");
        assertThat(result.get("isError").asBoolean()).isFalse();
        assertThat(text(result)).isEqualTo("{\"id\":\"i-1\"}");
        RestUpstream.Received received = upstream.next();
        assertThat(received.method()).isEqualTo("POST");
        assertThat(received.header("content-type")).isEqualTo("application/json");
        assertThat(received.body()).isEqualTo("{\"name\":\"lamp\",\"tags\":[\"a\"],\"price\":12.50}");
        assertThat(received.header("content-length")).isEqualTo(Integer.toString(received.body().length()));
    }

    @Test
    void aJsonBodyIsSentWithTheJsonMediaTypeTheToolDeclares() {
        JsonNode result = mcp.call("patch_item", "{\"body\":{\"name\":null}}");
        assertThat(result.get("isError").asBoolean()).as(text(result)).isFalse();
        RestUpstream.Received received = upstream.next();
        assertThat(received.method()).isEqualTo("PATCH");
        assertThat(received.header("content-type")).isEqualTo("application/merge-patch+json");
        assertThat(received.body()).isEqualTo("{\"name\":null}");
    }

    @Test
    void formBodyEncodesFieldsArraysAndNestedObjects() {
        JsonNode result = mcp.call("submit_form",
                "{\"body\":{\"name\":\"A B&C\",\"address\":{\"city\":\"Paris\",\"geo\":{\"lat\":1}},\"tags\":[\"x\",\"y\"],\"skip\":null}}");
        assertThat(result.get("isError").asBoolean()).isFalse();
        RestUpstream.Received received = upstream.next();
        assertThat(received.header("content-type")).isEqualTo("application/x-www-form-urlencoded");
        assertThat(received.body()).startsWith("name=A%20B%26C&");
        assertThat(decoded(received.body())).isEqualTo("name=A B&C&address[city]=Paris&address[geo][lat]=1&tags=x&tags=y");
    }

    @Test
    void anExplodedFormObjectsKeysAreSentAsFieldsBesideTheOthers() {
        JsonNode result = mcp.call("submit_point", "{\"body\":{\"name\":\"n\",\"point\":{\"x\":1,\"y\":2}}}");
        assertThat(result.get("isError").asBoolean()).as(text(result)).isFalse();
        assertThat(upstream.next().body()).isEqualTo("name=n&x=1&y=2");
    }

    @Test
    void anExplodedFormObjectKeyNamingAnotherFieldIsRefusedAndNothingIsSent() throws InterruptedException {
        JsonNode result = mcp.call("submit_point", "{\"body\":{\"name\":\"n\",\"point\":{\"name\":\"admin\"}}}");
        assertThat(result.get("isError").asBoolean()).isTrue();
        assertThat(text(result)).isEqualTo("Invalid arguments for tool submit_point: body.point: the key 'name' would be "
                + "sent as the form field name, which the tool sets otherwise");
        assertThat(upstream.quiet(java.time.Duration.ofMillis(300))).isTrue();
    }

    @Test
    void twoExplodedFormObjectsSharingAKeyAreRefusedNamingBothAndNothingIsSent() throws InterruptedException {
        JsonNode result = mcp.call("submit_point", "{\"body\":{\"point\":{\"x\":1},\"size\":{\"x\":2}}}");
        assertThat(result.get("isError").asBoolean()).isTrue();
        assertThat(text(result)).isEqualTo("Invalid arguments for tool submit_point: body.size: the key 'x' would be "
                + "sent as the form field x, which body.point sends too");
        assertThat(upstream.quiet(java.time.Duration.ofMillis(300))).isTrue();
    }

    @Test
    void formBodyThatIsNotAnObjectIsRefusedUnsent() throws InterruptedException {
        JsonNode result = mcp.call("submit_form", "{\"body\":[1,2]}");
        assertThat(result.get("isError").asBoolean()).isTrue();
        assertThat(text(result)).startsWith("Invalid arguments for tool submit_form: ").contains("array found, object expected");
        assertThat(upstream.quiet(java.time.Duration.ofMillis(300))).isTrue();
    }

    @Test
    void requestWithoutBodyArgumentSendsNoBody() {
        mcp.call("submit_form", "{}");
        RestUpstream.Received received = upstream.next();
        assertThat(received.body()).isEmpty();
        assertThat(received.header("content-type")).isNull();
        assertThat(received.method()).isEqualTo("POST");
    }
}
