package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.http.UpstreamResponse;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.JsonRpcMessage;
import dev.toolgate.testing.Configs;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The steps of one converted {@code tools/call}, each alone, on the tool and payloads of
 * {@code bench/run conversion}: where the gateway's own time goes, apart from HTTP. Run with
 * {@code bench/run jmh}; not a pass/fail measure.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ToolCallBenchmark {

    static final String CONFIG = """
            _format_version: "3.0"
            services:
              - name: widgets
                url: http://127.0.0.1:9
                routes:
                  - name: widgets-mcp
                    paths: [/mcp]
                    plugins:
                      - name: ai-mcp-proxy
                        config:
                          mode: conversion-listener
                          tools:
                            - name: getWidget
                              description: One widget
                              method: GET
                              path: /api/widgets/{id}
                              parameters:
                                - {name: id, in: path, required: true, schema: {type: integer}}
                              responses:
                                "200":
                                  content:
                                    application/json:
                                      schema:
                                        type: object
                                        properties:
                                          id: {type: integer}
                                          name: {type: string}
                                          price: {type: number}
                                          tags: {type: array, items: {type: string}}
                                          inStock: {type: boolean}
            """;
    static final byte[] CALL = ("{\"jsonrpc\":\"2.0\",\"id\":17,\"method\":\"tools/call\",\"params\":{\"name\":\"getWidget\","
            + "\"arguments\":{\"path_id\":42}}}").getBytes(StandardCharsets.UTF_8);
    static final String WIDGET = "{\"id\":42,\"name\":\"widget\",\"price\":9.99,\"tags\":[\"a\",\"b\"],\"inStock\":true,"
            + "\"description\":\"a widget for benchmarks\",\"sku\":\"W-42-XL\",\"warehouse\":\"north\",\"updated\":\"2026-11-23T00:00:00Z\"}";

    Tool tool;
    ObjectNode arguments;
    RequestEncoder.Client caller;
    UpstreamResponse response;
    JsonNode id;

    @Setup
    public void setUp() throws IOException {
        Configs.Checked checked = Configs.check(CONFIG, Files.createTempDirectory("jmh"));
        tool = checked.snapshot().toolSets().values().iterator().next().tools().getFirst();
        tool.prepare();
        arguments = (ObjectNode) Json.parse(CALL).path("params").path("arguments");
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json")
                .add("accept", "application/json, text/event-stream").add("mcp-session-id", "s0mE-sEsSiOn")
                .add("user-agent", "wrk").add("host", "127.0.0.1:8000");
        caller = new RequestEncoder.Client(headers, "127.0.0.1", "127.0.0.1", "127.0.0.1:8000", 8000, Set.of(), null,
                Set.of());
        response = new UpstreamResponse(200, "OK", MultiMap.caseInsensitiveMultiMap()
                .add("content-type", "application/json").add("content-length", String.valueOf(WIDGET.length())),
                Buffer.buffer(WIDGET));
        id = Json.parse(CALL).path("id");
    }

    /** JSON-RPC request bytes to a classified message, as the endpoint reads them (what every POST costs first). */
    @Benchmark
    public JsonRpcMessage parseRequest() throws IOException {
        return JsonRpcMessage.classify(Json.parseClientMessage(CALL));
    }

    /** The arguments checked against the tool's input schema. */
    @Benchmark
    public Object validateArguments() {
        return tool.inputValidator().get().validate(arguments);
    }

    /** Path, query, headers and body of the upstream request, client headers forwarded. */
    @Benchmark
    public Object buildUpstreamRequest() {
        return RequestEncoder.encode(tool.request(), arguments, caller, ToolInvoker.MAX_RESPONSE_BYTES);
    }

    /** The REST answer to a tool result (text and structured content), serialized as the JSON-RPC response. */
    @Benchmark
    public Buffer mapResult() {
        return McpMethods.result(id, Json.bytes(ResultMapper.fromResponse(tool, response)));
    }
}
