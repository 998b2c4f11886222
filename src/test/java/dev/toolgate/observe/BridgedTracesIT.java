package dev.toolgate.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.ModernHttp;
import dev.toolgate.testing.RawConnection;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.opentelemetry.proto.trace.v1.Span;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.toolgate.observe.OtlpReceiver.attributes;
import static dev.toolgate.observe.OtlpReceiver.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A traced MCP client's trace continues through either era bridge into the upstream server as it does through
 * forwarding: the gateway's SERVER span and its CLIENT span for the upstream call, and each upstream request sent
 * for the message carrying the CLIENT span as its parent, in the {@code traceparent} header and (where MCP carries
 * it: a 2026-07-28 server's requests, or a message that came with it) in {@code params._meta.traceparent}. The
 * requests a bridge makes for itself (the era probe, a legacy session's setup) start no trace. Both servers are
 * scripted: a legacy one behind route {@code /era} (modern clients, the era bridge) and a 2026-07-28 one behind
 * {@code /legacy} and {@code /probed} (legacy clients, the legacy bridge), whose tool {@code confirm} takes one
 * round of input.
 */
@Timeout(120)
class BridgedTracesIT {

    static final String CLIENT_SPAN = "00f067aa0ba902b7";

    static OtlpReceiver collector;
    static RestUpstream legacyServer;
    static RestUpstream modernServer;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        collector = new OtlpReceiver();
        legacyServer = new RestUpstream().onMessage("POST /mcp", BridgedTracesIT::legacy);
        modernServer = new RestUpstream().onMessage("POST /mcp", BridgedTracesIT::modern);
        gateway = TestGateway.start("""
                _format_version: "3.0"
                plugins:
                  - name: opentelemetry
                    config: {traces_endpoint: '%s', sampling_rate: 1.0, queue: {max_coalescing_delay: 0.1}}
                services:
                  - name: legacy-server
                    url: %s/mcp
                    routes:
                      - name: era
                        paths: [/era]
                        plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener, server: {upstream_era: legacy}}}]
                  - name: modern-server
                    url: %s/mcp
                    routes:
                      - name: legacy
                        paths: [/legacy]
                        plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener, server: {upstream_era: modern}}}]
                      - name: probed
                        paths: [/probed]
                        plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener, server: {upstream_era: modern}}}]
                """.formatted(collector.url("/v1/traces"), legacyServer.url(), modernServer.url()));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (legacyServer != null) {
            legacyServer.close();
        }
        if (modernServer != null) {
            modernServer.close();
        }
        if (collector != null) {
            collector.close();
        }
    }

    @BeforeEach
    void forget() {
        legacyServer.clear();
        modernServer.clear();
    }

    /** A 2025-11-25 server: sessions, and tools/call answered in JSON. */
    private static void legacy(HttpServerRequest request, JsonNode message) {
        switch (message.path("method").asText()) {
            case "initialize" -> request.response().putHeader("content-type", "application/json")
                    .putHeader("mcp-session-id", "s-1").end("""
                            {"jsonrpc":"2.0","id":%s,"result":{"protocolVersion":"2025-11-25","capabilities":{"tools":{}},
                             "serverInfo":{"name":"scripted-legacy","version":"1"}}}""".formatted(message.get("id")));
            case "tools/call" -> request.response().putHeader("content-type", "application/json")
                    .end(result(message.get("id"), "Echo: " + message.at("/params/arguments/message").asText(), null));
            default -> request.response().setStatusCode(202).end();
        }
    }

    /** A 2026-07-28 server: confirm asks for a name once (input_required), then greets it. */
    private static void modern(HttpServerRequest request, JsonNode message) {
        JsonNode params = message.path("params");
        String answer = switch (message.path("method").asText()) {
            case "server/discover" -> """
                    {"jsonrpc":"2.0","id":%s,"result":{"resultType":"complete","supportedVersions":["2026-07-28"],
                     "capabilities":{"tools":{}},"_meta":{"io.modelcontextprotocol/serverInfo":{"name":"scripted-modern",
                     "version":"1"}}}}""".formatted(message.get("id"));
            case "tools/call" -> !params.path("name").asText().equals("confirm")
                    ? result(message.get("id"), "Echo: " + params.at("/arguments/message").asText(), "complete")
                    : params.has("inputResponses")
                    ? result(message.get("id"), "Hello, " + params.at("/inputResponses/name/content/name").asText(),
                    "complete")
                    : """
                    {"jsonrpc":"2.0","id":%s,"result":{"resultType":"input_required","requestState":"round-1",
                     "inputRequests":{"name":{"method":"elicitation/create","params":{"message":"Your name?",
                     "requestedSchema":{"type":"object","properties":{"name":{"type":"string"}}}}}}}}"""
                    .formatted(message.get("id"));
            default -> null;
        };
        if (answer == null) {
            request.response().setStatusCode(202).end();
        } else {
            request.response().putHeader("content-type", "application/json").end(answer);
        }
    }

    private static String result(JsonNode id, String text, String resultType) {
        ObjectNode result = Json.object();
        if (resultType != null) {
            result.put("resultType", resultType);
        }
        result.putArray("content").addObject().put("type", "text").put("text", text);
        ObjectNode response = Json.object().put("jsonrpc", "2.0");
        response.set("id", id);
        response.set("result", result);
        return Json.text(response);
    }

    @Test
    void aModernClientsCallThroughTheEraBridgeReachesTheLegacyServerWithTheGatewaysSpanAsItsParent() {
        String trace = "1af92f3577b34da6a3ce929d0e0e4736";
        String traceparent = "00-" + trace + "-" + CLIENT_SPAN + "-01";
        ModernHttp client = new ModernHttp(gateway.proxy("/era"));
        ObjectNode body = client.body("tools/call", "{\"name\":\"echo\",\"arguments\":{\"message\":\"hi\"}}",
                ModernHttp.VERSION, "{}");
        ((ObjectNode) body.at("/params/_meta")).put("traceparent", traceparent).put("tracestate", "vendor=era");
        Map<String, String> headers = client.headers("tools/call", body.get("params"));
        headers.put("traceparent", traceparent);
        McpHttp.Response answer = client.send(Json.text(body), headers);
        assertThat(answer.body()).as(answer.toString()).contains("Echo: hi");

        Span server = collector.awaitSpan(s -> hex(s.getTraceId()).equals(trace) && s.getKind() == Span.SpanKind.SPAN_KIND_SERVER);
        assertThat(hex(server.getParentSpanId())).isEqualTo(CLIENT_SPAN);
        Span upstream = collector.awaitChild(server);
        assertThat(upstream.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
        assertThat(attributes(upstream)).containsEntry("http.request.method", "POST")
                .containsEntry("url.full", legacyServer.url() + "/mcp")
                .containsEntry("http.response.status_code", "int_value: 200");
        String gateways = "00-" + trace + "-" + hex(upstream.getSpanId()) + "-01";
        RestUpstream.Received call = received(legacyServer, "tools/call");
        assertThat(call.header("traceparent")).isEqualTo(gateways);
        assertThat(call.header("tracestate")).isEqualTo("vendor=era");
        JsonNode meta = parse(call.body()).at("/params/_meta");
        assertThat(meta.path("traceparent").asText()).as("a legacy server's SDK reading _meta").isEqualTo(gateways);
        assertThat(meta.path("tracestate").asText()).isEqualTo("vendor=era");
        // the session the bridge opened for the client is the bridge's own: no trace of the gateway's on it
        assertThat(received(legacyServer, "initialize").header("traceparent")).isIn(null, traceparent);
    }

    @Test
    void aLegacyClientsCallThroughTheLegacyBridgeCarriesTheGatewaysSpanInTheHeaderAndInParamsMeta() {
        String trace = "2af92f3577b34da6a3ce929d0e0e4736";
        String traceparent = "00-" + trace + "-" + CLIENT_SPAN + "-01";
        // a route of its own, where the era probe answering initialize comes in this test
        McpHttp client = new McpHttp(gateway.proxy("/probed"), Map.of("traceparent", traceparent));
        assertThat(client.initialize("2025-11-25").status()).isEqualTo(200);
        assertThat(client.call("echo", "{\"message\":\"bridged\"}").toString()).contains("Echo: bridged");

        Span server = collector.awaitSpan(s -> hex(s.getTraceId()).equals(trace) && s.getKind() == Span.SpanKind.SPAN_KIND_SERVER
                && s.getName().startsWith("tools/call"));
        Span upstream = collector.awaitChild(server);
        assertThat(upstream.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
        String gateways = "00-" + trace + "-" + hex(upstream.getSpanId()) + "-01";
        RestUpstream.Received call = received(modernServer, "tools/call");
        assertThat(call.header("traceparent")).isEqualTo(gateways);
        assertThat(parse(call.body()).at("/params/_meta/traceparent").asText()).isEqualTo(gateways);
        // the era probe answering initialize is the bridge's own: it starts no trace
        assertThat(received(modernServer, "server/discover").header("traceparent")).isIn(null, traceparent);
    }

    @Test
    void eachRoundOfALegacyClientsCallThatTakesInputCarriesTheSameGatewaySpan() throws IOException {
        String trace = "3af92f3577b34da6a3ce929d0e0e4736";
        McpHttp client = new McpHttp(gateway.proxy("/legacy"));
        assertThat(client.initialize("2025-11-25").status()).isEqualTo(200);
        byte[] call = ("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"confirm\","
                + "\"arguments\":{},\"_meta\":{\"traceparent\":\"00-" + trace + "-" + CLIENT_SPAN + "-01\"}}}")
                .getBytes(StandardCharsets.UTF_8);
        int port = gateway.proxy("/").getPort();
        try (RawConnection http = RawConnection.connect(port, 0)) {
            http.send("POST", "/legacy", List.of("Host: 127.0.0.1:" + port, "Content-Type: application/json",
                    "Accept: application/json, text/event-stream", "Mcp-Session-Id: " + client.sessionId(),
                    "MCP-Protocol-Version: 2025-11-25", "Content-Length: " + call.length), call);
            assertThat(http.head().status()).isEqualTo(200);
            String event = http.readUntil("\n\n");
            assertThat(event).contains("elicitation/create");
            JsonNode asked = parse(event.substring(event.indexOf('{'), event.lastIndexOf('}') + 1));
            assertThat(client.post("{\"jsonrpc\":\"2.0\",\"id\":" + asked.get("id") + ",\"result\":{\"action\":"
                    + "\"accept\",\"content\":{\"name\":\"Ada\"}}}").status()).isEqualTo(202);
            assertThat(http.readAll().text()).contains("Hello, Ada");
        }

        Span server = collector.awaitSpan(s -> hex(s.getTraceId()).equals(trace) && s.getKind() == Span.SpanKind.SPAN_KIND_SERVER);
        String gateways = "00-" + trace + "-" + hex(collector.awaitChild(server).getSpanId()) + "-01";
        List<RestUpstream.Received> rounds = modernServer.received().stream()
                .filter(r -> parse(r.body()).path("method").asText().equals("tools/call")).toList();
        assertThat(rounds).hasSize(2).allSatisfy(round -> {
            assertThat(round.header("traceparent")).isEqualTo(gateways);
            assertThat(parse(round.body()).at("/params/_meta/traceparent").asText()).isEqualTo(gateways);
        });
    }

    @Test
    void eachCallOfABridged2025_03_26BatchCarriesTheGatewaySpanOfItsOwnTrace() {
        String first = "4af92f3577b34da6a3ce929d0e0e4736";
        String second = "4bf92f3577b34da6a3ce929d0e0e4736";
        McpHttp client = new McpHttp(gateway.proxy("/legacy"));
        assertThat(client.initialize("2025-03-26").status()).isEqualTo(200);
        McpHttp.Response answer = client.post("""
                [{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"message":"one"},
                  "_meta":{"traceparent":"00-%s-%s-01"}}},
                 {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"message":"two"},
                  "_meta":{"traceparent":"00-%s-%s-01"}}}]""".formatted(first, CLIENT_SPAN, second, CLIENT_SPAN));
        assertThat(answer.body()).as(answer.toString()).contains("Echo: one", "Echo: two");

        for (String trace : List.of(first, second)) {
            Span server = collector.awaitSpan(s -> hex(s.getTraceId()).equals(trace) && s.getKind() == Span.SpanKind.SPAN_KIND_SERVER);
            String gateways = "00-" + trace + "-" + hex(collector.awaitChild(server).getSpanId()) + "-01";
            assertThat(modernServer.received()).as("the call of trace " + trace).anySatisfy(r -> {
                assertThat(r.header("traceparent")).isEqualTo(gateways);
                assertThat(parse(r.body()).at("/params/_meta/traceparent").asText()).isEqualTo(gateways);
            });
        }
    }

    /** The first request of the server's carrying a message of {@code method}. */
    private static RestUpstream.Received received(RestUpstream upstream, String method) {
        Optional<RestUpstream.Received> found = upstream.received().stream()
                .filter(r -> parse(r.body()).path("method").asText().equals(method)).findFirst();
        assertThat(found).as("the server received " + method).isPresent();
        return found.orElseThrow();
    }

    private static JsonNode parse(String json) {
        try {
            return Json.parse(json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Json.object();
        }
    }
}
