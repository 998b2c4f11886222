package dev.toolgate.mode.conversion;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.gateway.Snapshot;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.Configs;
import io.vertx.core.MultiMap;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes argument encoding: any arguments object is refused with a reason or becomes a request whose
 * URI has no raw space, line break or fragment, stays within the URI bound, and whose header values
 * have no line breaks. The numbers check runs first, as in a call.
 */
class RequestEncoderFuzzTest {

    private static final Tool TOOL = tool();
    private static final RequestEncoder.Client CLIENT = new RequestEncoder.Client(MultiMap.caseInsensitiveMultiMap()
            .add("cookie", "session=abc"), "127.0.0.1", "127.0.0.1", "gateway.example", 8000, Set.of(), null, Set.of());

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

    @FuzzTest(maxDuration = "5s")
    void anyArgumentsAreRefusedOrStayInsideTheirPlace(FuzzedDataProvider data) {
        JsonNode arguments;
        try {
            arguments = Json.parse(data.consumeRemainingAsBytes());
        } catch (IOException e) {
            return;
        }
        if (!(arguments instanceof ObjectNode args)) {
            return;
        }
        if (ArgumentNumbers.problem(TOOL.request().parameters(), args) != null) {
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
}
