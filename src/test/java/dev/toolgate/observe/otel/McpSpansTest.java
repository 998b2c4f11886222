package dev.toolgate.observe.otel;

import dev.toolgate.observe.McpEvent;
import dev.toolgate.observe.Origin;
import dev.toolgate.observe.TraceIds;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class McpSpansTest {

    private static final Origin ORIGIN = new Origin(new Origin.RouteFacts("r1", "widgets-mcp", "s1", "widgets",
            "conversion-listener", true, false, false), null, null, null, "127.0.0.1", "127.0.0.1:8000", "2025-06-18");
    private static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("jsonrpc.request.id");
    private static final AttributeKey<String> TOOL = AttributeKey.stringKey("gen_ai.tool.name");

    private final McpSpans spans = new McpSpans(InstrumentationScopeInfo.create("dev.toolgate"), Resource.empty());

    private static McpEvent call(String id) {
        TraceIds ids = new TraceIds(0x4bf92f3577b34da6L, 0xa3ce929d0e0e4736L, 0, 0x00f067aa0ba902b7L,
                0x00f067aa0ba902b8L, true, null, null);
        return new McpEvent(ORIGIN, 1_700_000_000_000L, "session-1", id, "tools/call", "getWidget", null, 900_000, -1, -1,
                -1, null, null, 120, 300, null, null, false, false, null, null, ids, null, null);
    }

    @Test
    void theRequestIdAttributeIsTheIdsPlainValue() {
        assertThat(spans.of(call("7")).getFirst().getAttributes().get(REQUEST_ID)).isEqualTo("7");
        assertThat(spans.of(call("\"abc\"")).getFirst().getAttributes().get(REQUEST_ID)).isEqualTo("abc");
        // the event keeps the id as JSON text: "a\"b" is the string a"b, not a\"b
        assertThat(spans.of(call("\"a\\\"b\\u00e9\"")).getFirst().getAttributes().get(REQUEST_ID)).isEqualTo("a\"bé");
    }

    @Test
    void aClientsHostAndProtocolVersionReachTheSpanCutAt256Characters() {
        String long_ = "h".repeat(8_000);
        Origin origin = new Origin(ORIGIN.route(), null, null, null, "127.0.0.1", long_ + ":8000", long_);
        TraceIds ids = new TraceIds(0x4bf92f3577b34da6L, 0xa3ce929d0e0e4736L, 0, 0x00f067aa0ba902b7L,
                0x00f067aa0ba902b8L, true, null, null);
        McpEvent event = new McpEvent(origin, 1_700_000_000_000L, "session-1", "1", "tools/list", null, null, 900_000, -1,
                -1, -1, null, null, 120, 300, null, null, false, false, null, null, ids, null, null);
        var attributes = spans.of(event).getFirst().getAttributes();
        assertThat(attributes.get(AttributeKey.stringKey("mcp.protocol.version"))).hasSizeLessThanOrEqualTo(257);
        assertThat(attributes.get(AttributeKey.stringKey("server.address"))).hasSizeLessThanOrEqualTo(257);
    }

    @Test
    void aToolNameTheRouteDoesNotHaveNamesNeitherTheSpanNorItsToolAttribute() {
        TraceIds ids = new TraceIds(0x4bf92f3577b34da6L, 0xa3ce929d0e0e4736L, 0, 0x00f067aa0ba902b7L,
                0x00f067aa0ba902b8L, true, null, null);
        String madeUp = "made_up_" + "x".repeat(200);
        McpEvent refused = new McpEvent(ORIGIN, 1_700_000_000_000L, "session-1", "1", "tools/call", madeUp, null, 900_000,
                -1, -1, -1, null, null, 120, 300, -32602, "Invalid params", false, false, null, null, ids, null, null);
        McpEvent known = new McpEvent(ORIGIN, 1_700_000_000_000L, "session-1", "2", "tools/call", "getWidget", null,
                900_000, -1, -1, -1, null, null, 120, 300, -32602, "Invalid params", false, true, null, null, ids,
                null, null);

        var refusedSpan = spans.of(refused).getFirst();
        assertThat(refusedSpan.getName()).isEqualTo("tools/call");
        assertThat(refusedSpan.getAttributes().get(TOOL)).isNull();
        assertThat(spans.of(known).getFirst().getName()).isEqualTo("tools/call getWidget");
        assertThat(spans.of(known).getFirst().getAttributes().get(TOOL)).isEqualTo("getWidget");
        assertThat(spans.of(call("3")).getFirst().getName()).as("a call that succeeded").isEqualTo("tools/call getWidget");
    }

    @Test
    void aJsonRpcErrorsSpanCarriesItsCodeAsTextAndItsMessageAsTheStatusDescription() {
        TraceIds ids = new TraceIds(0x4bf92f3577b34da6L, 0xa3ce929d0e0e4736L, 0, 0x00f067aa0ba902b7L,
                0x00f067aa0ba902b8L, true, null, null);
        McpEvent refused = new McpEvent(ORIGIN, 1_700_000_000_000L, "session-1", "1", "tools/call", "getWidget", null,
                900_000, -1, -1, -1, null, null, 120, 300, -32602, "Unknown tool: getWidget", false, true, null, null,
                ids, null, null);

        var span = spans.of(refused).getFirst();

        assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("-32602");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("rpc.response.status_code"))).isEqualTo("-32602");
        assertThat(span.getStatus().getStatusCode()).isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
        assertThat(span.getStatus().getDescription()).isEqualTo("Unknown tool: getWidget");
    }

    @Test
    void aMethodNothingProvesRealNamesTheSpanAndItsMethodAttributeAsOther() {
        AttributeKey<String> method = AttributeKey.stringKey("mcp.method.name");
        String madeUp = "made/up_" + "x".repeat(200);
        McpEvent refused = request(madeUp, -32601, "Method not found");
        McpEvent answered = request("vendor/extension", null, null);
        McpEvent failedButDefined = request("prompts/list", -32603, "Internal error");

        var refusedSpan = spans.of(refused).getFirst();
        assertThat(refusedSpan.getName()).isEqualTo("_OTHER");
        assertThat(refusedSpan.getAttributes().get(method)).isEqualTo("_OTHER");
        assertThat(spans.of(answered).getFirst().getName()).isEqualTo("vendor/extension");
        assertThat(spans.of(answered).getFirst().getAttributes().get(method)).isEqualTo("vendor/extension");
        assertThat(spans.of(failedButDefined).getFirst().getName()).isEqualTo("prompts/list");
    }

    private static McpEvent request(String method, Integer errorCode, String error) {
        TraceIds ids = new TraceIds(0x4bf92f3577b34da6L, 0xa3ce929d0e0e4736L, 0, 0x00f067aa0ba902b7L,
                0x00f067aa0ba902b8L, true, null, null);
        return new McpEvent(ORIGIN, 1_700_000_000_000L, "session-1", "1", method, null, null, 900_000, -1, -1, -1, null,
                null, 120, 300, errorCode, error, false, false, null, null, ids, null, null);
    }

    @Test
    void aPromptAnsweredWithoutAnErrorNamesTheSpanAndItsPromptAttributeAndARefusedOneNeither() {
        AttributeKey<String> prompt = AttributeKey.stringKey("gen_ai.prompt.name");
        McpEvent answered = target("prompts/get", "code_review", null, null);
        McpEvent refused = target("prompts/get", "made_up", -32602, "Invalid prompt name");

        var span = spans.of(answered).getFirst();
        assertThat(span.getName()).isEqualTo("prompts/get code_review");
        assertThat(span.getAttributes().get(prompt)).isEqualTo("code_review");
        assertThat(spans.of(refused).getFirst().getName()).isEqualTo("prompts/get");
        assertThat(spans.of(refused).getFirst().getAttributes().get(prompt)).isNull();
    }

    @Test
    void aResourcesUriIsItsSpansAttributeCutAt256CharactersAndNeverInItsName() {
        AttributeKey<String> uri = AttributeKey.stringKey("mcp.resource.uri");
        String longUri = "file:///" + "d".repeat(1_000);
        for (String method : new String[] {"resources/read", "resources/subscribe", "resources/unsubscribe"}) {
            var span = spans.of(target(method, "file:///data/report.csv", null, null)).getFirst();
            assertThat(span.getName()).isEqualTo(method);
            assertThat(span.getAttributes().get(uri)).isEqualTo("file:///data/report.csv");
        }
        var failed = spans.of(target("resources/read", longUri, -32002, "Resource not found")).getFirst();
        assertThat(failed.getName()).isEqualTo("resources/read");
        assertThat(failed.getAttributes().get(uri)).startsWith("file:///ddd").hasSizeLessThanOrEqualTo(257);
    }

    @Test
    void aResourcesUrisCredentialsAreMaskedInItsAttribute() {
        AttributeKey<String> uri = AttributeKey.stringKey("mcp.resource.uri");
        var signed = spans.of(target("resources/read",
                "https://acct.blob.core.windows.net/c/f.csv?sv=2024-01-01&sig=SIGSECRET", null, null)).getFirst();
        var database = spans.of(target("resources/read", "postgres://reader:PWSECRET@db/orders", null, null)).getFirst();

        assertThat(signed.getAttributes().get(uri)).contains("sig=[redacted]").doesNotContain("SIGSECRET")
                .startsWith("https://acct.blob.core.windows.net/c/f.csv?sv=2024-01-01");
        assertThat(database.getAttributes().get(uri)).isEqualTo("postgres://reader:[redacted]@db/orders");
    }

    private static McpEvent target(String method, String target, Integer errorCode, String error) {
        TraceIds ids = new TraceIds(0x4bf92f3577b34da6L, 0xa3ce929d0e0e4736L, 0, 0x00f067aa0ba902b7L,
                0x00f067aa0ba902b8L, true, null, null);
        return new McpEvent(ORIGIN, 1_700_000_000_000L, "session-1", "1", method, null, target, 900_000, -1, -1, -1,
                null, null, 120, 300, errorCode, error, false, false, null, null, ids, null, null);
    }

    @Test
    void anIpv6AuthorityIsTheServerAddressWithoutBracketsBesideItsPortAndTheClientsPortIsSet() {
        Origin origin = new Origin(ORIGIN.route(), null, null, null, "::1", "[::1]:8000", "2025-06-18", null, 54_321);
        TraceIds ids = new TraceIds(0x4bf92f3577b34da6L, 0xa3ce929d0e0e4736L, 0, 0x00f067aa0ba902b7L,
                0x00f067aa0ba902b8L, true, null, null);
        McpEvent event = new McpEvent(origin, 1_700_000_000_000L, "session-1", "1", "tools/call", "getWidget", null,
                900_000, 500_000, 100_000, 200, "widgets", "[fd00::7]:9000", 120, 300, null, null, false, true, null,
                null, ids, null, null);

        var spans = this.spans.of(event);
        var server = spans.getFirst().getAttributes();
        assertThat(server.get(AttributeKey.stringKey("server.address"))).isEqualTo("::1");
        assertThat(server.get(AttributeKey.longKey("server.port"))).isEqualTo(8000L);
        assertThat(server.get(AttributeKey.stringKey("client.address"))).isEqualTo("::1");
        assertThat(server.get(AttributeKey.longKey("client.port"))).isEqualTo(54_321L);
        var upstream = spans.get(1).getAttributes();
        assertThat(upstream.get(AttributeKey.stringKey("server.address"))).isEqualTo("fd00::7");
        assertThat(upstream.get(AttributeKey.longKey("server.port"))).isEqualTo(9000L);
    }

    @Test
    void aToolsRestCallSpanIsNamedByItsMethodAndPathTemplateAndAFailedOneCarriesTheStatusAsItsErrorType() {
        TraceIds ids = new TraceIds(0x4bf92f3577b34da6L, 0xa3ce929d0e0e4736L, 0, 0x00f067aa0ba902b7L,
                0x00f067aa0ba902b8L, true, null, null);
        var templated = new dev.toolgate.observe.UpstreamHttp("GET", "http://10.0.0.7:9000/widgets/42", "/widgets/{id}");
        var rewritten = new dev.toolgate.observe.UpstreamHttp("POST", "http://10.0.0.7:9000/other", null);
        McpEvent found = restCall(ids, 200, templated);
        McpEvent missing = restCall(ids, 503, rewritten);
        McpEvent unreachable = restCall(ids, 0, new dev.toolgate.observe.UpstreamHttp("BREW", "http://10.0.0.7:9000/x", null));

        var ok = spans.of(found).get(1);
        assertThat(ok.getName()).isEqualTo("GET /widgets/{id}");
        assertThat(ok.getKind()).isEqualTo(io.opentelemetry.api.trace.SpanKind.CLIENT);
        assertThat(ok.getAttributes().get(AttributeKey.stringKey("http.request.method"))).isEqualTo("GET");
        assertThat(ok.getAttributes().get(AttributeKey.stringKey("url.full"))).isEqualTo("http://10.0.0.7:9000/widgets/42");
        assertThat(ok.getAttributes().get(AttributeKey.stringKey("server.address"))).isEqualTo("10.0.0.7");
        assertThat(ok.getAttributes().get(AttributeKey.longKey("server.port"))).isEqualTo(9000L);
        assertThat(ok.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);
        assertThat(ok.getAttributes().get(AttributeKey.stringKey("error.type"))).isNull();
        var failed = spans.of(missing).get(1);
        assertThat(failed.getName()).isEqualTo("POST");
        assertThat(failed.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("503");
        var silent = spans.of(unreachable).get(1);
        assertThat(silent.getName()).isEqualTo("HTTP");
        assertThat(silent.getAttributes().get(AttributeKey.stringKey("http.request.method"))).isEqualTo("_OTHER");
        assertThat(silent.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("transport_error");
    }

    private static McpEvent restCall(TraceIds ids, int status, dev.toolgate.observe.UpstreamHttp http) {
        return new McpEvent(ORIGIN, 1_700_000_000_000L, "session-1", "1", "tools/call", "getWidget", null, 900_000,
                500_000, 100_000, status, "widgets", "10.0.0.7:9000", 120, 300, null, null, status != 200, true, null,
                null, ids, null, null, http);
    }

    @Test
    void anAuthorityWithoutAPortSetsNoServerPort() {
        assertThat(McpSpans.host("gw.example")).isEqualTo("gw.example");
        assertThat(McpSpans.port("gw.example")).isNull();
        assertThat(McpSpans.host("[::1]")).isEqualTo("::1");
        assertThat(McpSpans.port("[::1]")).isNull();
        assertThat(McpSpans.host("gw.example:8443")).isEqualTo("gw.example");
        assertThat(McpSpans.port("gw.example:8443")).isEqualTo(8443L);
    }
}
