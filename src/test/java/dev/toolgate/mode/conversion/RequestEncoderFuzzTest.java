package dev.toolgate.mode.conversion;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.gateway.Snapshot;
import dev.toolgate.mcp.Json;
import dev.toolgate.mode.ParameterSpec;
import dev.toolgate.testing.Configs;
import io.vertx.core.MultiMap;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes argument encoding: any arguments object is refused with a reason or becomes a request whose
 * URI has no raw space, line break or fragment, stays within the URI bound, and whose header values
 * have no line breaks. The arguments go through what a call does before encoding (renaming, the
 * numbers check, the input schema, the places check), in that order.
 *
 * <p>The fuzzer chooses which of the tool's arguments are present and each one's JSON value, rather than
 * writing the JSON text: Jackson is not instrumented, so bytes had to spell a well-formed object whose keys
 * are the tool's argument names ({@code path_id}) before encoding saw them, and four minutes of fuzzing
 * reached 20 branches. Parsing is {@code JsonRpcFuzzTest}'s.
 */
class RequestEncoderFuzzTest {

    private static final Tool TOOL = tool();
    /** The tool's argument names, and the body's. */
    private static final List<String> ARGUMENTS = arguments();
    private static final RequestEncoder.Client CLIENT = new RequestEncoder.Client(MultiMap.caseInsensitiveMultiMap()
            .add("cookie", "session=abc"), "127.0.0.1", "127.0.0.1", "gateway.example", 8000, Set.of(), null, Set.of());
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private static Tool tool() {
        Configs.Checked checked = Configs.check("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: http://127.0.0.1:9/base
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - name: everything
                                  description: Every place an argument can go
                                  method: POST
                                  path: /mcp/items/{id}/{rest}
                                  parameters:
                                    - {name: id, in: path, required: true, schema: {type: string}}
                                    - {name: rest, in: path, required: true, style: matrix, explode: true, schema: {}}
                                    - {name: q, in: query, schema: {}}
                                    - {name: n, in: query, schema: {type: integer}}
                                    - {name: f, in: query, style: deepObject, explode: true, schema: {}}
                                    - {name: p, in: query, style: pipeDelimited, explode: false, schema: {}}
                                    - {name: X-H, in: header, schema: {}}
                                    - {name: c, in: cookie, schema: {}}
                                  request_body:
                                    content:
                                      application/x-www-form-urlencoded:
                                        schema: {}
                """, Path.of("").toAbsolutePath(), Map.of());
        Snapshot snapshot = checked.snapshot();
        return snapshot.toolSets().values().iterator().next().tools().getFirst();
    }

    private static List<String> arguments() {
        List<String> names = new ArrayList<>(TOOL.request().parameters().stream().map(ParameterSpec::argument).toList());
        names.add(ToolSchemas.BODY);
        return List.copyOf(names);
    }

    @FuzzTest(maxDuration = "5s")
    void anyArgumentsAreRefusedOrStayInsideTheirPlace(FuzzedDataProvider data) {
        ObjectNode given = Json.object();
        for (String name : ARGUMENTS) {
            if (data.consumeBoolean()) {
                given.set(name, value(data, 3));
            }
        }
        if (data.consumeBoolean()) {
            given.set(data.consumeString(16), value(data, 1));
        }
        ObjectNode args = CallArguments.of(TOOL, given, CLIENT);
        if (ArgumentNumbers.problem(TOOL.request().parameters(), args) != null
                || !TOOL.inputValidator().validate(args, BoundedPatterns.fresh()).isEmpty()
                || ArgumentPlaces.problem(TOOL.request(), args) != null) {
            return;
        }
        switch (RequestEncoder.encode(TOOL.request(), args, CLIENT, 1024)) {
            case RequestEncoder.Encoded.Rejected rejected -> assertThat(rejected.message()).isNotBlank();
            case RequestEncoder.Encoded.Ready ready -> {
                String uri = ready.request().uri();
                assertThat(uri).startsWith("/base/items/").doesNotContain(" ", "\r", "\n", "#");
                assertThat(uri.length()).isLessThanOrEqualTo(RequestEncoder.MAX_URI_CHARS);
                ready.request().headers().forEach(h -> assertThat(h.getValue()).doesNotContain("\r", "\n"));
            }
        }
    }

    /** Any JSON value a client may send, nested at most {@code depth} deep; strings may hold any character. */
    private static JsonNode value(FuzzedDataProvider data, int depth) {
        return switch (data.consumeInt(0, depth > 0 ? 7 : 5)) {
            case 0 -> NODES.textNode(data.consumeString(48));
            case 1 -> NODES.numberNode(data.consumeLong());
            case 2 -> NODES.numberNode(new BigDecimal(BigInteger.valueOf(data.consumeLong()), data.consumeInt(-400, 400)));
            case 3 -> NODES.booleanNode(data.consumeBoolean());
            case 4 -> NODES.nullNode();
            case 5 -> NODES.textNode(data.consumeAsciiString(48));
            case 6 -> {
                ArrayNode array = NODES.arrayNode();
                for (int i = data.consumeInt(0, 4); i > 0; i--) {
                    array.add(value(data, depth - 1));
                }
                yield array;
            }
            default -> {
                ObjectNode object = NODES.objectNode();
                for (int i = data.consumeInt(0, 4); i > 0; i--) {
                    object.set(data.consumeString(12), value(data, depth - 1));
                }
                yield object;
            }
        };
    }
}
