package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
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


import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server that answers a bridged request with a response to a request the gateway never sent: the
 * client is not handed it as its own answer, but gets the gateway's 502 as its request's JSON-RPC error.
 * An error the server could give no id (id null) is still the request's answer. The servers are
 * scripted, one per era: {@code tools/list} is answered with the id {@code not-yours}, a
 * {@code tools/call} with a -32602 error of id null.
 */
@Timeout(60)
class BridgedStrayResponsesIT {

    static final String DISCOVERED = """
            {"jsonrpc":"2.0","id":%s,"result":{"resultType":"complete","supportedVersions":["2026-07-28"],
             "capabilities":{"tools":{}},"_meta":{"io.modelcontextprotocol/serverInfo":{"name":"scripted","version":"1"}}}}""";
    static final String INITIALIZED = """
            {"jsonrpc":"2.0","id":%s,"result":{"protocolVersion":"2025-11-25","capabilities":{"tools":{}},
             "serverInfo":{"name":"scripted","version":"1"}}}""";
    static final String SOMEONE_ELSES = """
            {"jsonrpc":"2.0","id":"not-yours","result":{"resultType":"complete","tools":[{"name":"secret",
             "inputSchema":{"type":"object"}}]}}""";
    static final String NAMELESS_ERROR = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32602,\"message\":\"bad call\"}}";

    static RestUpstream servers;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        servers = new RestUpstream().onMessage("POST /modern", BridgedStrayResponsesIT::answer)
                .onMessage("POST /legacy", BridgedStrayResponsesIT::answer);
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: modern-only
                    url: %1$s/modern
                    routes:
                      - name: modern-only
                        paths: [/modern]
                        plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener, server: {upstream_era: modern}}}]
                  - name: legacy-only
                    url: %1$s/legacy
                    routes:
                      - name: legacy-only
                        paths: [/legacy]
                        plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener, server: {upstream_era: legacy}}}]
                """.formatted(servers.url()));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (servers != null) {
            servers.close();
        }
    }

    private static void answer(HttpServerRequest request, JsonNode message) {
        var response = request.response().putHeader("content-type", "application/json");
        switch (message.path("method").asText()) {
            case "server/discover" -> response.end(DISCOVERED.formatted(message.get("id")));
            case "initialize" -> response.putHeader("mcp-session-id", "scripted-session")
                    .end(INITIALIZED.formatted(message.get("id")));
            case "tools/list" -> response.end(SOMEONE_ELSES);
            case "tools/call" -> response.end(NAMELESS_ERROR);
            default -> request.response().setStatusCode(202).end();
        }
    }

    @Test
    void aLegacyClientIsNotHandedAResponseToARequestItNeverSent() {
        McpHttp legacy = new McpHttp(gateway.proxy("/modern"));
        assertThat(legacy.initialize("2025-11-25").status()).isEqualTo(200);

        McpHttp.Response listed = legacy.post("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\"}");

        assertThat(listed.status()).as(listed.toString()).isEqualTo(502);
        assertThat(listed.json().path("id").asInt()).isEqualTo(7);
        assertThat(listed.body()).doesNotContain("secret");
    }

    @Test
    void aModernClientIsNotHandedAResponseToARequestItNeverSent() {
        McpHttp.Response listed = new ModernHttp(gateway.proxy("/legacy")).request("tools/list", "{}");

        assertThat(listed.status()).as(listed.toString()).isEqualTo(502);
        assertThat(listed.json().path("id").isNull()).as("the error names the request it answers").isFalse();
        assertThat(listed.body()).doesNotContain("secret");
    }

    @Test
    void anErrorTheServerCouldGiveNoIdStillAnswersTheBridgedRequest() {
        McpHttp legacy = new McpHttp(gateway.proxy("/modern"));
        assertThat(legacy.initialize("2025-11-25").status()).isEqualTo(200);
        McpHttp.Response fromLegacy = legacy.post("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"x\",\"arguments\":{}}}");
        McpHttp.Response fromModern = new ModernHttp(gateway.proxy("/legacy")).request("tools/call",
                "{\"name\":\"x\",\"arguments\":{}}");

        assertThat(fromLegacy.json().path("id").asInt()).as(fromLegacy.toString()).isEqualTo(8);
        assertThat(fromLegacy.json().at("/error/message").asText()).isEqualTo("bad call");
        assertThat(fromModern.json().at("/error/message").asText()).as(fromModern.toString()).isEqualTo("bad call");
    }
}
