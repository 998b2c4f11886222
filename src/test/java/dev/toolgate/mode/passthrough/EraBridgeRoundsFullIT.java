package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.Limits;
import dev.toolgate.http.ListenerLimits;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.ModernHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The era bridge keeps each {@code input_required} round in the route's session store, which counts it
 * against the endpoint's cap on live sessions: when the store is full, the modern client is told so (the
 * gateway's 503 with Retry-After), not that the server failed. The gateway runs with a cap of one session
 * per endpoint; the legacy server is scripted: each call asks for an elicitation on a resumable stream.
 */
@Timeout(60)
class EraBridgeRoundsFullIT {

    static final String INITIALIZED = """
            {"jsonrpc":"2.0","id":%s,"result":{"protocolVersion":"2025-11-25","capabilities":{"tools":{}},
             "serverInfo":{"name":"scripted","version":"1"}}}""";
    static final String ASKS = "id: e1\ndata: {\"jsonrpc\":\"2.0\",\"id\":\"srv-1\",\"method\":\"elicitation/create\","
            + "\"params\":{\"message\":\"Name?\",\"requestedSchema\":{\"type\":\"object\",\"properties\":{}}}}\n\n";

    static RestUpstream legacyOnly;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        legacyOnly = new RestUpstream().onMessage("POST /mcp", EraBridgeRoundsFullIT::answer);
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: legacy-only
                    url: %s/mcp
                    routes:
                      - name: legacy-only
                        paths: [/mcp]
                        plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener, server: {upstream_era: legacy}}}]
                """.formatted(legacyOnly.url()), Map.of(), false, Map.of(),
                new Limits(ListenerLimits.DEFAULT, ListenerLimits.DEFAULT, 1, 100, 3_600, 1, 500, false, false, List.of()));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (legacyOnly != null) {
            legacyOnly.close();
        }
    }

    private static void answer(HttpServerRequest request, JsonNode message) {
        switch (message.path("method").asText()) {
            case "initialize" -> request.response().putHeader("content-type", "application/json")
                    .putHeader("mcp-session-id", "scripted-session").end(INITIALIZED.formatted(message.get("id")));
            case "tools/call" -> request.response().setChunked(true).putHeader("content-type", "text/event-stream")
                    .write(ASKS);
            default -> request.response().setStatusCode(202).end();
        }
    }

    @Test
    void aRoundTheFullStoreCannotKeepIsTheGatewaysRefusalNotTheServersFailure() {
        ModernHttp modern = new ModernHttp(gateway.proxy("/mcp"));
        String call = "{\"name\":\"confirm\",\"arguments\":{}}";
        String capabilities = "{\"elicitation\":{\"form\":{}}}";
        McpHttp.Response first = modern.request("tools/call", call, capabilities, Map.of());
        assertThat(first.json().at("/result/resultType").asText()).as(first.toString()).isEqualTo("input_required");

        McpHttp.Response second = modern.request("tools/call", call, capabilities, Map.of());

        assertThat(second.status()).as(second.toString()).isEqualTo(503);
        assertThat(second.header("retry-after")).isNotNull();
        assertThat(second.json().path("id").isNull()).as("the error names the request it answers").isFalse();
        assertThat(second.json().at("/error/message").asText()).contains("live sessions").doesNotContain("legacy-only");
    }
}
