package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static dev.toolgate.testing.McpAssertions.assertStillServes;
import static dev.toolgate.testing.McpAssertions.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Path arguments stay inside their segment: whatever the value, the upstream sees the same number of
 * segments, percent-encoded; values that would be dot segments (or nothing) are refused unsent.
 */
@Timeout(30)
class PathParameterEncodingIT {

    static RestUpstream upstream;
    static TestGateway gateway;
    McpHttp mcp;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream();
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
                                - name: item_details
                                  description: Details of an item
                                  method: GET
                                  path: /mcp/items/{id}/details
                                  parameters:
                                    - {name: id, in: path, required: true, schema: {type: string}}
                                - name: order_line
                                  description: One line of an order
                                  method: GET
                                  path: /mcp/orders/{order}/lines/{line}
                                  parameters:
                                    - {name: order, in: path, required: true, schema: {type: integer}}
                                    - {name: line, in: path, required: true, schema: {type: string}}
                                - name: styled
                                  description: Path parameters in label and matrix style
                                  method: GET
                                  path: /mcp/styled/{color}/{size}
                                  parameters:
                                    - {name: color, in: path, required: true, style: label, schema: {type: string}}
                                    - {name: size, in: path, required: true, style: matrix, schema: {type: integer}}
                                - name: listed
                                  description: Array path parameters in simple and exploded label style
                                  method: GET
                                  path: /mcp/listed/{ids}/{parts}
                                  parameters:
                                    - {name: ids, in: path, required: true, schema: {type: array, items: {type: string}}}
                                    - {name: parts, in: path, required: true, style: label, explode: true,
                                       schema: {type: array, items: {type: string}}}
                                - name: exploded_objects
                                  description: Object path parameters in exploded label and matrix style
                                  method: GET
                                  path: /mcp/exploded/{color}/{point}
                                  parameters:
                                    - {name: color, in: path, required: true, style: label, explode: true,
                                       schema: {type: object, additionalProperties: {type: integer}}}
                                    - {name: point, in: path, required: true, style: matrix, explode: true,
                                       schema: {type: object, additionalProperties: {type: string}}}
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

    private JsonNode callItem(String id) {
        return mcp.call("item_details", "{\"path_id\":" + Json.text(id) + "}");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "a/b             | /items/a%2Fb/details",
            "a/..b           | /items/a%2F..b/details",
            "x?y=1           | /items/x%3Fy%3D1/details",
            "x#frag          | /items/x%23frag/details",
            "%2e%2e          | /items/%252e%252e/details",
            "a b;c           | /items/a%20b%3Bc/details",
            "...             | /items/.../details",
            "ünï             | /items/%C3%BCn%C3%AF/details"})
    void pathValueStaysPercentEncodedInsideItsSegment(String value, String expectedPath) {
        callItem(value);
        RestUpstream.Received received = upstream.next();
        assertThat(received.method()).isEqualTo("GET");
        assertThat(received.path()).isEqualTo(expectedPath);
        assertThat(received.query()).isNull();
    }

    /**
     * A server that decodes %2F or %5C before it resolves dot segments (nginx proxy_pass with a URI, IIS)
     * reads /items/..%2Fadmin/details as /admin/details: such values are refused as the passthrough refuses them.
     */
    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"..", ".", "", "../admin", "../../etc/passwd", "..\\admin", "a/../../admin", "x/.", "./x"})
    void dotSegmentsAndEmptyValuesAreRefusedAndNothingIsSent(String value) throws InterruptedException {
        JsonNode result = callItem(value);
        assertThat(result.get("isError").asBoolean()).isTrue();
        assertThat(text(result)).isEqualTo("Invalid arguments for tool item_details: path_id: a path value must not be "
                + "empty, nor hold a '.' or '..' segment (between slashes or backslashes)");
        assertThat(upstream.quiet(Duration.ofMillis(300))).as("the upstream received nothing").isTrue();
        assertStillServes(mcp);
    }

    @Test
    void severalPlaceholdersAndNonStringValuesFillTheirOwnSegments() {
        JsonNode result = mcp.call("order_line", "{\"path_order\":42,\"path_line\":\"7/8\"}");
        RestUpstream.Received received = upstream.next();
        assertThat(received.path()).isEqualTo("/orders/42/lines/7%2F8");
        assertThat(result.get("isError").asBoolean()).as("the test upstream answers 404 for unknown paths").isTrue();
        assertThat(text(result)).startsWith("The API answered HTTP 404");
    }

    @Test
    void missingPathArgumentIsAValidationErrorAndNothingIsSent() throws InterruptedException {
        JsonNode result = mcp.call("item_details", "{}");
        assertThat(result.get("isError").asBoolean()).isTrue();
        assertThat(text(result)).startsWith("Invalid arguments for tool item_details: ").contains("path_id");
        assertThat(upstream.quiet(Duration.ofMillis(300))).isTrue();
        assertStillServes(mcp);
    }

    @Test
    void emptyArrayItemsKeepTheirSeparators() {
        // OpenAPI simple ["", "b"] is ",b" and exploded label ["", "b"] is "..b": the upstream reads two items
        mcp.call("listed", "{\"path_ids\":[\"\",\"b\"],\"path_parts\":[\"\",\"b\"]}");
        assertThat(upstream.next().path()).isEqualTo("/listed/,b/..b");
    }

    @Test
    void anExplodedLabelArrayThatWouldBeTheSegmentDotDotIsRefusedAndNothingIsSent() throws InterruptedException {
        // ["", ""] in label style is "." + "" + "." + "": a '..' segment would climb out of the tool's path
        JsonNode result = mcp.call("listed", "{\"path_ids\":[\"a\"],\"path_parts\":[\"\",\"\"]}");
        assertThat(result.get("isError").asBoolean()).isTrue();
        assertThat(text(result)).isEqualTo("Invalid arguments for tool listed: path_parts: a path value must not be "
                + "empty, nor hold a '.' or '..' segment (between slashes or backslashes)");
        assertThat(upstream.quiet(Duration.ofMillis(300))).as("the upstream received nothing").isTrue();
        assertStillServes(mcp);
    }

    @Test
    void labelAndMatrixStylesAreApplied() {
        // OpenAPI 3 path styles: label prefixes "." (".blue"), matrix writes ";name=value" (";size=5").
        mcp.call("styled", "{\"path_color\":\"blue\",\"path_size\":5}");
        assertThat(upstream.next().path()).isEqualTo("/styled/.blue/;size=5");
    }

    @Test
    void explodedObjectsInLabelAndMatrixStyleSeparateEachPairAsOpenApiSays() {
        // OpenAPI 3 style examples: label explode {"R":100,"G":200} is ".R=100.G=200", matrix ";R=100;G=200"
        mcp.call("exploded_objects", "{\"path_color\":{\"R\":1,\"G\":2},\"path_point\":{\"x\":\"a b\",\"y\":\"2\"}}");
        assertThat(upstream.next().path()).isEqualTo("/exploded/.R=1.G=2/;x=a%20b;y=2");
    }
}
