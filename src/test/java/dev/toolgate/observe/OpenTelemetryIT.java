package dev.toolgate.observe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.ObservedModes;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.Sdk;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.toolgate.observe.OtlpReceiver.attributes;
import static dev.toolgate.observe.OtlpReceiver.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kong's opentelemetry plugin against a collector that decodes OTLP with the official protobuf
 * classes: spans named and attributed by the OpenTelemetry MCP conventions continue the client's
 * trace (from its traceparent header, from {@code params._meta.traceparent}, or from another format's
 * headers), the upstream receives the same trace in the client's format with the gateway's client span
 * as its parent, and the MCP metrics and access logs arrive.
 */
@Timeout(120)
class OpenTelemetryIT {

    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String CLIENT_SPAN = "00f067aa0ba902b7";
    static final String TRACEPARENT = "00-" + TRACE + "-" + CLIENT_SPAN + "-01";

    static OtlpReceiver collector;
    static ObservedModes modes;

    @BeforeAll
    static void start() {
        collector = new OtlpReceiver();
        modes = ObservedModes.start("""
                  - name: opentelemetry
                    config:
                      traces_endpoint: %s
                      logs_endpoint: %s
                      sampling_rate: 1.0
                      resource_attributes: {service.name: toolgate-test}
                      propagation: {clear: [X-B3-TraceId]}
                      queue: {max_coalescing_delay: 0.1}
                      metrics: {endpoint: %s, enable_ai_metrics: true, enable_request_metrics: true,
                                enable_latency_metrics: true, push_interval: 1}
                """.formatted(collector.url("/v1/traces"), collector.url("/v1/logs"), collector.url("/v1/metrics")),
                "{log_statistics: true, log_payloads: true}");
    }

    @AfterAll
    static void stop() {
        if (modes != null) {
            modes.close();
        }
        if (collector != null) {
            collector.close();
        }
    }

    @Test
    void aConvertedToolCallContinuesTheClientsTraceIntoTheRestUpstream() {
        modes.rest().clear();
        try (McpSyncClient client = Sdk.connect(modes.conversion(), Map.of("traceparent", TRACEPARENT))) {
            assertThat(client.callTool(new McpSchema.CallToolRequest("get_widget", Map.of("path_id", "42"))).isError())
                    .isFalse();
        }
        RestUpstream.Received call = received(modes.rest(), "/widgets/42");
        String upstreamTraceparent = call.header("traceparent");
        assertThat(upstreamTraceparent).startsWith("00-" + TRACE + "-").endsWith("-01");

        Span server = awaitSpan("tools/call get_widget", Span.SpanKind.SPAN_KIND_SERVER);
        assertThat(hex(server.getTraceId())).isEqualTo(TRACE);
        assertThat(hex(server.getParentSpanId())).isEqualTo(CLIENT_SPAN);
        assertThat(attributes(server)).containsEntry("mcp.method.name", "tools/call")
                .containsEntry("gen_ai.tool.name", "get_widget").containsEntry("gen_ai.operation.name", "execute_tool")
                .containsEntry("client.address", "127.0.0.1").containsEntry("server.address", "127.0.0.1")
                .containsKeys("mcp.session.id", "jsonrpc.request.id", "mcp.protocol.version");
        Span upstream = collector.awaitChild(server);
        assertThat(upstream.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
        assertThat(upstreamTraceparent).isEqualTo("00-" + TRACE + "-" + hex(upstream.getSpanId()) + "-01");
        assertThat(upstream.getStartTimeUnixNano()).isGreaterThanOrEqualTo(server.getStartTimeUnixNano());
        assertThat(upstream.getEndTimeUnixNano()).isLessThanOrEqualTo(server.getEndTimeUnixNano());
    }

    @Test
    void aConvertedToolsRestCallSpanIsNamedAndAttributedByTheHttpClientConventions() {
        String trace = "9af7651916cd43dd8448eb211c80319c";
        McpHttp http = new McpHttp(modes.conversion(), Map.of("traceparent", "00-" + trace + "-b7ad6b7169203331-01"));
        http.initialize("2025-06-18");
        http.call("get_widget", "{\"path_id\":\"42\"}");
        http.call("get_widget", "{\"path_id\":\"7\"}");

        Span found = collector.awaitSpan(s -> hex(s.getTraceId()).equals(trace) && s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT
                && attributes(s).getOrDefault("url.full", "").endsWith("/widgets/42"));
        assertThat(found.getName()).isEqualTo("GET /widgets/{id}");
        assertThat(attributes(found)).containsEntry("http.request.method", "GET")
                .containsEntry("server.address", "127.0.0.1")
                .containsEntry("server.port", "int_value: " + modes.rest().port())
                .containsEntry("url.full", modes.rest().url() + "/widgets/42")
                .containsEntry("url.template", "/widgets/{id}")
                .containsEntry("http.response.status_code", "int_value: 200")
                .doesNotContainKey("error.type");
        Span missing = collector.awaitSpan(s -> hex(s.getTraceId()).equals(trace) && s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT
                && attributes(s).getOrDefault("url.full", "").endsWith("/widgets/7"));
        assertThat(missing.getName()).isEqualTo("GET /widgets/{id}");
        assertThat(attributes(missing)).containsEntry("http.response.status_code", "int_value: 404")
                .containsEntry("error.type", "404");
        assertThat(missing.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    }

    @Test
    void aRestCallSpansUrlShowsTheQueryWithItsSecretArgumentsMasked() {
        String trace = "9bf7651916cd43dd8448eb211c80319c";
        try (RestUpstream api = new RestUpstream().json("GET /one", 200, "{\"ok\":true}");
             var gateway = dev.toolgate.testing.TestGateway.start(api.oneToolRoute()
                     .replace("path: /mcp/one}", "path: /mcp/one, query: {api_key: [KEY-0042-SECRET], page: ['2']}}")
                     .replace("          - name: ai-mcp-proxy\n", "          - name: opentelemetry\n"
                             + "            config: {traces_endpoint: '" + collector.url("/v1/traces") + "',"
                             + " queue: {max_coalescing_delay: 0.01}}\n"
                             + "          - name: ai-mcp-proxy\n"))) {
            McpHttp client = new McpHttp(gateway.proxy("/mcp"), Map.of("traceparent", "00-" + trace + "-b7ad6b7169203331-01"));
            client.initialize("2025-06-18");
            client.call("one", "{}");
            assertThat(api.next().query()).contains("KEY-0042-SECRET");

            Span call = collector.awaitSpan(s -> hex(s.getTraceId()).equals(trace) && s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT);
            // the route strips its /mcp: the tool's path reaches the service as /one
            assertThat(call.getName()).isEqualTo("GET /one");
            assertThat(attributes(call).get("url.full")).startsWith(api.url() + "/one?")
                    .contains("api_key=[redacted]", "page=2").doesNotContain("KEY-0042-SECRET");
        }
    }

    @Test
    void aPassthroughCallsClientSpanCarriesItsHttpRequestBesideItsMcpAttributes() {
        String trace = "9cf7651916cd43dd8448eb211c80319c";
        McpHttp http = new McpHttp(modes.passthrough());
        http.initialize("2025-06-18");
        http.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        http.post("""
                {"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"echo","arguments":{"message":"h"},
                 "_meta":{"traceparent":"00-%s-a7ad6b7169203331-01"}}}""".formatted(trace));

        Span server = collector.awaitSpan(s -> hex(s.getTraceId()).equals(trace) && s.getKind() == Span.SpanKind.SPAN_KIND_SERVER);
        Span client = collector.awaitChild(server);
        assertThat(client.getName()).as("an MCP request: named by the MCP conventions").isEqualTo("tools/call echo");
        assertThat(attributes(client)).containsEntry("mcp.method.name", "tools/call")
                .containsEntry("http.request.method", "POST")
                .containsEntry("url.full", modes.mcp().mcp().toString())
                .containsEntry("server.address", "127.0.0.1")
                .containsEntry("http.response.status_code", "int_value: 200");
    }

    @Test
    void aPassthroughCallWhoseClientsTraceIsNotSampledIsAnsweredAndCarriesItsTraceUpstreamButSendsNoSpan() {
        String unsampled = "5cf7651916cd43dd8448eb211c80319c";
        String sampled = "5df7651916cd43dd8448eb211c80319c";
        modes.mcp().clear();
        McpHttp http = new McpHttp(modes.passthrough());
        http.initialize("2025-06-18");
        http.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        String call = """
                {"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"echo","arguments":{"message":"%s"},
                 "_meta":{"traceparent":"00-%s-a7ad6b7169203331-%s"}}}""";

        McpHttp.Response answered = http.post(call.formatted(10, "unsampled", unsampled, "00"));
        http.post(call.formatted(11, "sampled", sampled, "01"));

        assertThat(answered.status()).isEqualTo(200);
        assertThat(answered.body()).contains("unsampled").doesNotContain("\"error\"");
        assertThat(modes.mcp().requests()).map(r -> r.header("traceparent")).filteredOn(t -> t != null)
                .anySatisfy(t -> assertThat(t).startsWith("00-" + unsampled + "-").endsWith("-00"));
        // the sampled call came after it: once its spans are in, the unsampled call's would have been too
        collector.awaitChild(collector.awaitSpan(s -> hex(s.getTraceId()).equals(sampled)
                && s.getKind() == Span.SpanKind.SPAN_KIND_SERVER));
        assertThat(collector.spans()).noneMatch(s -> hex(s.getTraceId()).equals(unsampled));
    }

    @Test
    void theClientsTracestateGoesUpstreamWithTheTraceparentThatContinuesItsTrace() {
        modes.rest().clear();
        McpHttp traced = new McpHttp(modes.conversion(), Map.of("traceparent", TRACEPARENT, "tracestate", "vendor=a1"));
        traced.initialize("2025-06-18");
        traced.call("get_widget", "{\"path_id\":\"11\"}");
        RestUpstream.Received call = received(modes.rest(), "/widgets/11");
        assertThat(call.header("traceparent")).startsWith("00-" + TRACE + "-");
        assertThat(call.header("tracestate")).isEqualTo("vendor=a1");
    }

    @Test
    void aTracestateThatCameWithoutATraceparentDoesNotGoUpstreamBesideTheNewTrace() {
        modes.rest().clear();
        McpHttp stateOnly = new McpHttp(modes.conversion(), Map.of("tracestate", "vendor=a1"));
        stateOnly.initialize("2025-06-18");
        stateOnly.call("get_widget", "{\"path_id\":\"12\"}");
        RestUpstream.Received converted = received(modes.rest(), "/widgets/12");
        assertThat(converted.header("traceparent")).startsWith("00-").doesNotContain(TRACE);
        assertThat(converted.header("tracestate")).isNull();

        modes.mcp().clear();
        try (McpSyncClient client = Sdk.connect(modes.passthrough(), Map.of("traceparent", "00-not-a-trace",
                "tracestate", "vendor=a1"))) {
            client.callTool(new McpSchema.CallToolRequest("echo", Map.of("message", "untraced state")));
        }
        // the messages the gateway traced (a new trace); the SSE GET carries no message and passes as it came
        assertThat(modes.mcp().requests()).filteredOn(r -> r.header("traceparent") != null
                        && r.header("traceparent").matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]")).isNotEmpty()
                .allSatisfy(r -> assertThat(r.header("tracestate")).isNull());
    }

    @Test
    void aB3ClientsTraceContinuesAndReachesTheRestUpstreamInB3() {
        modes.rest().clear();
        String b3Trace = "463ac35c9f6413ad48485a3953bb6124";
        McpHttp traced = new McpHttp(modes.conversion(), Map.of("X-B3-TraceId", b3Trace,
                "X-B3-SpanId", "a2fb4a1d1a96d312", "X-B3-Sampled", "1"));
        traced.initialize("2025-06-18");
        traced.call("get_widget", "{\"path_id\":\"13\"}");
        RestUpstream.Received call = received(modes.rest(), "/widgets/13");
        assertThat(call.header("traceparent")).as("header_type preserve: the client's format only").isNull();
        assertThat(call.header("x-b3-traceid")).isEqualTo(b3Trace);
        assertThat(call.header("x-b3-sampled")).isEqualTo("1");

        Span server = collector.awaitSpan(s -> hex(s.getTraceId()).equals(b3Trace) && s.getName().equals("tools/call get_widget")
                && s.getKind() == Span.SpanKind.SPAN_KIND_SERVER);
        assertThat(hex(server.getParentSpanId())).isEqualTo("a2fb4a1d1a96d312");
        assertThat(call.header("x-b3-spanid")).isEqualTo(hex(collector.awaitChild(server).getSpanId()));
    }

    @Test
    void theTraceContextInParamsMetaWinsAndAToolErrorMarksTheSpan() {
        String metaTrace = "0af7651916cd43dd8448eb211c80319c";
        McpHttp http = new McpHttp(modes.conversion());
        http.initialize("2025-06-18");
        http.post("""
                {"jsonrpc":"2.0","id":"m-1","method":"tools/call","params":{"name":"get_widget",
                 "arguments":{"path_id":"7"},"_meta":{"traceparent":"00-%s-b7ad6b7169203331-01"}}}""".formatted(metaTrace));

        Span server = collector.awaitSpan(s -> hex(s.getTraceId()).equals(metaTrace) && s.getKind() == Span.SpanKind.SPAN_KIND_SERVER);
        assertThat(server.getName()).isEqualTo("tools/call get_widget");
        assertThat(hex(server.getParentSpanId())).isEqualTo("b7ad6b7169203331");
        assertThat(attributes(server)).containsEntry("error.type", "tool_error").containsEntry("jsonrpc.request.id", "m-1");
        assertThat(server.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    }

    @Test
    void aMalformedTraceparentInParamsMetaLeavesTheClientsTraceparentHeaderToReachTheUpstream() {
        modes.rest().clear();
        McpHttp http = new McpHttp(modes.conversion(), Map.of("traceparent", TRACEPARENT));
        http.initialize("2025-06-18");
        http.post("""
                {"jsonrpc":"2.0","id":"m-2","method":"tools/call","params":{"name":"get_widget",
                 "arguments":{"path_id":"13"},"_meta":{"traceparent":"00-not-a-trace-01"}}}""");

        RestUpstream.Received call = received(modes.rest(), "/widgets/13");
        assertThat(call.header("traceparent")).startsWith("00-" + TRACE + "-");
    }

    @Test
    void aPassthroughCallCarriesTheTraceToTheMcpServer() {
        modes.mcp().clear();
        try (McpSyncClient client = Sdk.connect(modes.passthrough(), Map.of("traceparent", TRACEPARENT))) {
            client.callTool(new McpSchema.CallToolRequest("echo", Map.of("message", "traced")));
        }
        List<String> sent = modes.mcp().requests().stream().map(r -> r.header("traceparent"))
                .filter(t -> t != null).toList();
        assertThat(sent).isNotEmpty().allSatisfy(t -> assertThat(t).startsWith("00-" + TRACE + "-"));
        Span server = awaitSpan("tools/call echo", Span.SpanKind.SPAN_KIND_SERVER);
        Span client = collector.awaitChild(server);
        assertThat(client.getName()).isEqualTo("tools/call echo");
        assertThat(sent).contains("00-" + TRACE + "-" + hex(client.getSpanId()) + "-01");
    }

    @Test
    void theHeadersPropagationClearNamesDoNotReachTheMcpServerWhileTheOthersDo() {
        modes.mcp().clear();
        try (McpSyncClient client = Sdk.connect(modes.passthrough(), Map.of("traceparent", TRACEPARENT,
                "x-b3-traceid", "463ac35c9f6413ad48485a3953bb6124", "x-tenant-note", "kept"))) {
            client.callTool(new McpSchema.CallToolRequest("echo", Map.of("message", "cleared")));
        }
        assertThat(modes.mcp().requests()).isNotEmpty().allSatisfy(r -> {
            assertThat(r.header("x-b3-traceid")).isNull();
            assertThat(r.header("x-tenant-note")).isEqualTo("kept");
        });
    }

    @Test
    void aPassthroughMessageCarryingItsTraceInParamsMetaContinuesIt() {
        String metaTrace = "5bf92f3577b34da6a3ce929d0e0e4736";
        McpHttp http = new McpHttp(modes.passthrough());
        http.initialize("2025-06-18");
        http.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        modes.mcp().clear();
        http.post("""
                {"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"echo","arguments":{"message":"m"},
                 "_meta":{"traceparent":"00-%s-a7ad6b7169203331-01"}}}""".formatted(metaTrace));

        Span server = collector.awaitSpan(s -> hex(s.getTraceId()).equals(metaTrace) && s.getKind() == Span.SpanKind.SPAN_KIND_SERVER);
        assertThat(server.getName()).isEqualTo("tools/call echo");
        assertThat(hex(server.getParentSpanId())).isEqualTo("a7ad6b7169203331");
        assertThat(modes.mcp().requests()).anySatisfy(r -> assertThat(r.header("traceparent")).startsWith("00-" + metaTrace));
    }

    @Test
    void aPassthroughMessagesParamsMetaTraceContextReachesTheMcpServerAsTheGatewaysUpstreamSpanLikeTheHeader() {
        String metaTrace = "5cf92f3577b34da6a3ce929d0e0e4736";
        McpHttp http = new McpHttp(modes.passthrough());
        http.initialize("2025-06-18");
        http.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        modes.mcp().clear();
        http.post("""
                {"jsonrpc":"2.0","id":"meta-1","method":"tools/call","params":{"name":"echo","arguments":{"message":"m"},
                 "_meta":{"progressToken":"p-7","traceparent":"00-%s-a7ad6b7169203331-01","tracestate":"vendor=m1",
                 "example.com/note":{"kept":[1.50,true]}}}}""".formatted(metaTrace));

        Span server = collector.awaitSpan(s -> hex(s.getTraceId()).equals(metaTrace) && s.getKind() == Span.SpanKind.SPAN_KIND_SERVER);
        Span client = collector.awaitChild(server);
        String gateways = "00-" + metaTrace + "-" + hex(client.getSpanId()) + "-01";
        assertThat(modes.mcp().calls()).singleElement().satisfies(call -> {
            assertThat(call.meta()).containsEntry("traceparent", gateways).containsEntry("tracestate", "vendor=m1")
                    .containsEntry("progressToken", "p-7").containsKey("example.com/note");
            assertThat(call.arguments()).containsEntry("message", "m");
        });
        assertThat(modes.mcp().requests()).anySatisfy(r -> {
            assertThat(r.header("traceparent")).isEqualTo(gateways);
            assertThat(r.header("tracestate")).isEqualTo("vendor=m1");
        });
    }

    @Test
    void aPassthroughMessageWhoseParamsMetaLacksTheTracestateOfItsTraceGetsItAndItsLongerBodyReachesTheServer() {
        String metaTrace = "5df92f3577b34da6a3ce929d0e0e4736";
        String traceparent = "00-" + metaTrace + "-a7ad6b7169203331-01";
        McpHttp http = new McpHttp(modes.passthrough(), Map.of("traceparent", traceparent, "tracestate", "vendor=h1"));
        http.initialize("2025-06-18");
        http.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        modes.mcp().clear();
        http.post("""
                {"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"echo","arguments":{"message":"l"},
                 "_meta":{"traceparent":"%s"}}}""".formatted(traceparent));

        assertThat(modes.mcp().calls()).singleElement().satisfies(call -> assertThat(call.meta())
                .containsEntry("tracestate", "vendor=h1")
                .hasEntrySatisfying("traceparent", t -> assertThat((String) t).startsWith("00-" + metaTrace + "-")
                        .isNotEqualTo(traceparent)));
    }

    @Test
    void aPassthroughResourcesReadSpanCarriesTheResourcesUriAndARefusedPromptsGetNoPromptName() {
        String readTrace = "6bf92f3577b34da6a3ce929d0e0e4736";
        String promptTrace = "7bf92f3577b34da6a3ce929d0e0e4736";
        McpHttp http = new McpHttp(modes.passthrough());
        http.initialize("2025-06-18");
        http.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        http.post("""
                {"jsonrpc":"2.0","id":6,"method":"resources/read","params":{"uri":"file:///data/report.csv",
                 "_meta":{"traceparent":"00-%s-a7ad6b7169203331-01"}}}""".formatted(readTrace));
        // the test server has no prompts: the name is refused, and stays out of the span
        http.post("""
                {"jsonrpc":"2.0","id":7,"method":"prompts/get","params":{"name":"made_up_prompt",
                 "_meta":{"traceparent":"00-%s-a7ad6b7169203331-01"}}}""".formatted(promptTrace));

        Span read = collector.awaitSpan(s -> hex(s.getTraceId()).equals(readTrace) && s.getKind() == Span.SpanKind.SPAN_KIND_SERVER);
        assertThat(read.getName()).isEqualTo("resources/read");
        assertThat(attributes(read)).containsEntry("mcp.resource.uri", "file:///data/report.csv");
        Span prompt = collector.awaitSpan(s -> hex(s.getTraceId()).equals(promptTrace) && s.getKind() == Span.SpanKind.SPAN_KIND_SERVER);
        assertThat(prompt.getName()).isEqualTo("prompts/get");
        assertThat(attributes(prompt)).doesNotContainKey("gen_ai.prompt.name");
    }

    @Test
    void aPassthroughCallsSpansCarryTheGatewaysAndTheMcpServersPortsAndTheClientsPort() {
        String portsTrace = "8bf92f3577b34da6a3ce929d0e0e4736";
        McpHttp http = new McpHttp(modes.passthrough());
        http.initialize("2025-06-18");
        http.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        http.post("""
                {"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"echo","arguments":{"message":"p"},
                 "_meta":{"traceparent":"00-%s-a7ad6b7169203331-01"}}}""".formatted(portsTrace));

        Span server = collector.awaitSpan(s -> hex(s.getTraceId()).equals(portsTrace) && s.getKind() == Span.SpanKind.SPAN_KIND_SERVER);
        Map<String, String> attributes = attributes(server);
        assertThat(attributes).containsEntry("server.port", "int_value: " + modes.passthrough().getPort());
        assertThat(attributes.get("client.port")).startsWith("int_value: ");
        Span client = collector.awaitChild(server);
        assertThat(attributes(client)).containsEntry("server.port", "int_value: " + modes.mcp().port());
    }

    @Test
    void mcpMetricsAndAccessLogsAreExported() {
        try (McpSyncClient client = Sdk.connect(modes.listener())) {
            client.callTool(new McpSchema.CallToolRequest("list_gadgets", Map.of()));
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(collector.metrics())
                .extracting(io.opentelemetry.proto.metrics.v1.Metric::getName)
                .contains("mcp.server.operation.duration", "kong.gen_ai.mcp.response.size"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(collector.logs()).anySatisfy(log -> {
            JsonNode entry = Json.MAPPER.readTree(log.getBody().getStringValue());
            assertThat(entry.path("route").path("name").asText()).isEqualTo("team-mcp");
            assertThat(entry.path("ai").path("mcp").path("rpc").findValuesAsText("tool_name")).contains("list_gadgets");
        }));
        assertThat(collector.contentTypes()).allMatch("application/x-protobuf"::equals);
    }

    @Test
    void theMetricsExportCarriesTheMcpMetricsAloneNotTheSdksOwnTelemetry() {
        try (McpSyncClient client = Sdk.connect(modes.listener())) {
            client.callTool(new McpSchema.CallToolRequest("list_gadgets", Map.of()));
        }
        // the SDK times a collection as it ends, so its own series would show from the next export on
        long exports = exportsOf("mcp.server.operation.duration");
        await().atMost(Duration.ofSeconds(30)).until(() -> exportsOf("mcp.server.operation.duration") >= exports + 3);
        assertThat(collector.metrics()).extracting(io.opentelemetry.proto.metrics.v1.Metric::getName)
                .contains("mcp.server.operation.duration").noneMatch(name -> name.startsWith("otel."));
    }

    @Test
    void anInitializesServerSpanCarriesTheProtocolVersionItAsksForInEveryMode() {
        String[] traces = {"5af7651916cd43dd8448eb211c80319c", "6af7651916cd43dd8448eb211c80319c"};
        java.net.URI[] endpoints = {modes.conversion(), modes.passthrough()};
        for (int i = 0; i < traces.length; i++) {
            new McpHttp(endpoints[i], Map.of("traceparent", "00-" + traces[i] + "-b7ad6b7169203331-01"))
                    .initialize("2025-06-18");
        }
        for (String trace : traces) {
            Span server = collector.awaitSpan(s -> hex(s.getTraceId()).equals(trace) && s.getName().equals("initialize")
                    && s.getKind() == Span.SpanKind.SPAN_KIND_SERVER);
            assertThat(attributes(server)).as(trace).containsEntry("mcp.protocol.version", "2025-06-18");
        }
    }

    @Test
    void anInitializeAskingForAVersionTheServerDoesNotSupportCarriesTheVersionTheServerAnsweredInEveryMode() {
        String[] traces = {"5bf7651916cd43dd8448eb211c80319c", "6bf7651916cd43dd8448eb211c80319c"};
        java.net.URI[] endpoints = {modes.conversion(), modes.passthrough()};
        String[] answered = new String[traces.length];
        for (int i = 0; i < traces.length; i++) {
            answered[i] = new McpHttp(endpoints[i], Map.of("traceparent", "00-" + traces[i] + "-b7ad6b7169203331-01"))
                    .initialize("2099-01-01").json().at("/result/protocolVersion").asText();
            assertThat(answered[i]).as(traces[i]).isNotEmpty().isNotEqualTo("2099-01-01");
        }
        for (int i = 0; i < traces.length; i++) {
            String trace = traces[i];
            Span server = collector.awaitSpan(s -> hex(s.getTraceId()).equals(trace) && s.getName().equals("initialize")
                    && s.getKind() == Span.SpanKind.SPAN_KIND_SERVER);
            assertThat(attributes(server)).as(trace).containsEntry("mcp.protocol.version", answered[i]);
        }
    }

    private static long exportsOf(String metric) {
        return collector.metrics().stream().filter(m -> m.getName().equals(metric)).count();
    }

    @Test
    void theResponseSizeHistogramCountsInByteBucketsFrom64BTo16MiB() {
        try (McpSyncClient client = Sdk.connect(modes.listener())) {
            client.callTool(new McpSchema.CallToolRequest("list_gadgets", Map.of()));
        }
        List<Double> bytes = List.of(64d, 256d, 1024d, 4096d, 16384d, 65536d, 262144d, 1048576d, 4194304d, 16777216d);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(collector.metrics().stream()
                .filter(m -> m.getName().equals("kong.gen_ai.mcp.response.size"))
                .flatMap(m -> m.getHistogram().getDataPointsList().stream()).toList())
                .isNotEmpty()
                .allSatisfy(point -> assertThat(point.getExplicitBoundsList()).isEqualTo(bytes)));
    }

    @Test
    void aMethodAClientMadeUpIsOtherOnTheMetricsAsOnItsSpan() {
        String madeUpTrace = "9bf92f3577b34da6a3ce929d0e0e4736";
        McpHttp http = new McpHttp(modes.conversion(), Map.of("traceparent", "00-" + madeUpTrace + "-b7ad6b7169203331-01"));
        http.initialize("2025-06-18");
        assertThat(http.post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"made/up/otel\"}").body()).contains("-32601");

        Span server = collector.awaitSpan(s -> hex(s.getTraceId()).equals(madeUpTrace) && s.getKind() == Span.SpanKind.SPAN_KIND_SERVER
                && attributes(s).containsKey("error.type"));
        assertThat(server.getName()).isEqualTo("_OTHER");
        assertThat(attributes(server)).containsEntry("mcp.method.name", "_OTHER");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String name : List.of("mcp.server.operation.duration", "kong.gen_ai.mcp.request.error.count")) {
                assertThat(methodsOf(name)).as(name).contains("_OTHER");
            }
        });
        for (String name : List.of("mcp.server.operation.duration", "kong.gen_ai.mcp.response.size",
                "kong.gen_ai.mcp.request.error.count")) {
            assertThat(methodsOf(name)).as(name).doesNotContain("(other)", "made/up/otel");
        }
    }

    private static List<String> methodsOf(String metric) {
        return collector.metrics().stream().filter(m -> m.getName().equals(metric))
                .flatMap(m -> m.hasHistogram() ? m.getHistogram().getDataPointsList().stream().map(
                        io.opentelemetry.proto.metrics.v1.HistogramDataPoint::getAttributesList)
                        : m.getSum().getDataPointsList().stream().map(io.opentelemetry.proto.metrics.v1.NumberDataPoint::getAttributesList))
                .flatMap(List::stream).filter(a -> a.getKey().equals("mcp.method.name"))
                .map(a -> a.getValue().getStringValue()).toList();
    }

    @Test
    void kongs314AccessLogsEndpointReceivesTheAccessLogsAndLogsEndpointBesideItNone() {
        // Kong 3.14: access logs go to access_logs.endpoint; logs_endpoint is for runtime logs, which Toolgate lacks
        try (OtlpReceiver access = new OtlpReceiver(); OtlpReceiver runtime = new OtlpReceiver();
             RestUpstream api = new RestUpstream().json("GET /one", 200, "{\"ok\":true}");
             var gateway = dev.toolgate.testing.TestGateway.start(api.oneToolRoute()
                     .replace("          - name: ai-mcp-proxy\n", "          - name: opentelemetry\n"
                             + "            config: {logs_endpoint: '" + runtime.url("/v1/logs") + "',"
                             + " access_logs: {endpoint: '" + access.url("/v1/logs") + "', custom_attributes_by_lua: null},"
                             + " queue: {max_coalescing_delay: 0.01}}\n"
                             + "          - name: ai-mcp-proxy\n"))) {
            McpHttp client = new McpHttp(gateway.proxy("/mcp"));
            client.initialize("2025-06-18");
            client.call("one", "{}");

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(access.logs()).anySatisfy(log ->
                    assertThat(Json.MAPPER.readTree(log.getBody().getStringValue()).path("route").path("name").asText())
                            .isEqualTo("mcp")));
            assertThat(runtime.logs()).isEmpty();
        }
    }

    @Test
    void accessLogsACollectorDoesNotTakeAreRetriedThenDroppedAndCounted() throws Exception {
        int closedPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        try (RestUpstream api = new RestUpstream().json("GET /one", 200, "{\"ok\":true}");
             var gateway = dev.toolgate.testing.TestGateway.start(api.oneToolRoute()
                     .replace("          - name: ai-mcp-proxy\n", "          - name: opentelemetry\n"
                             + "            config: {logs_endpoint: 'http://127.0.0.1:" + closedPort + "/v1/logs',"
                             + " connect_timeout: 100, queue: {max_retry_time: 0.2, max_coalescing_delay: 0.01}}\n"
                             + "          - name: ai-mcp-proxy\n"))) {
            McpHttp client = new McpHttp(gateway.proxy("/mcp"));
            client.initialize("2025-06-18");
            client.call("one", "{}");

            // initialize, the initialized notification and the call: three access logs the collector never took
            await().atMost(Duration.ofSeconds(20)).until(() -> new dev.toolgate.testing.AdminHttp(gateway).dropped("opentelemetry") >= 3);
        }
    }

    @Test
    void mcpMetricsCountEveryCallWhileTheTracesCollectorIsDownAndItsQueueIsFull() throws Exception {
        int closedPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        try (OtlpReceiver metrics = new OtlpReceiver();
             RestUpstream api = new RestUpstream().json("GET /one", 200, "{\"ok\":true}");
             var gateway = dev.toolgate.testing.TestGateway.start(api.oneToolRoute()
                     .replace("          - name: ai-mcp-proxy\n", "          - name: opentelemetry\n"
                             + "            config: {traces_endpoint: 'http://127.0.0.1:" + closedPort + "/v1/traces',"
                             + " connect_timeout: 100, queue: {max_entries: 10, max_coalescing_delay: 0.01},"
                             + " metrics: {endpoint: '" + metrics.url("/v1/metrics") + "', enable_ai_metrics: true,"
                             + " push_interval: 1}}\n"
                             + "          - name: ai-mcp-proxy\n")
                     .replace("mode: conversion-listener\n",
                             "mode: conversion-listener\n              logging: {log_statistics: true}\n"))) {
            McpHttp client = new McpHttp(gateway.proxy("/mcp"));
            client.initialize("2025-06-18");
            for (int i = 0; i < 50; i++) {
                client.call("one", "{}");
            }

            // the spans' senders hold their batches, retrying; the queue's 10 places fill and later events are dropped
            await().atMost(Duration.ofSeconds(20)).until(() -> new dev.toolgate.testing.AdminHttp(gateway).dropped("opentelemetry") > 0);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(metrics.metrics().stream()
                    .filter(m -> m.getName().equals("mcp.server.operation.duration"))
                    .flatMap(m -> m.getHistogram().getDataPointsList().stream())
                    .filter(p -> p.getAttributesList().stream().anyMatch(a -> a.getKey().equals("mcp.method.name")
                            && a.getValue().getStringValue().equals("tools/call")))
                    .mapToLong(io.opentelemetry.proto.metrics.v1.HistogramDataPoint::getCount).max().orElse(0))
                    .isEqualTo(50));
        }
    }

    private static RestUpstream.Received received(RestUpstream rest, String path) {
        for (int i = 0; i < 10; i++) {
            RestUpstream.Received r = rest.next();
            if (r.path().equals(path)) {
                return r;
            }
        }
        throw new AssertionError("the upstream never received " + path);
    }

    private static Span awaitSpan(String name, Span.SpanKind kind) {
        return collector.awaitSpan(s -> s.getName().equals(name) && s.getKind() == kind
                && hex(s.getTraceId()).equals(TRACE));
    }
}
