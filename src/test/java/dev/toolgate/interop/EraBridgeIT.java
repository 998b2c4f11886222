package dev.toolgate.interop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.EverythingServer;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.ModernHttp;
import dev.toolgate.testing.NodeClients;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedTest;

import java.util.Map;

import static dev.toolgate.testing.McpAssertions.assertRpcError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Modern clients through a passthrough route to the MCP reference server, which speaks only the
 * legacy era: the gateway finds that out and bridges. The TypeScript SDK 2.x pinned to 2026-07-28
 * lists and calls, and completes the server's sampling and elicitation requests through
 * {@code input_required} rounds; a legacy client still goes through byte for byte.
 */
@Timeout(180)
class EraBridgeIT {

    static NodeClients node;
    static EverythingServer everything;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        node = NodeClients.require();
        everything = EverythingServer.start();
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: everything
                    url: %s
                    routes:
                      - name: everything
                        paths: [/mcp]
                        strip_path: false
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                """.formatted(everything.url()));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (everything != null) {
            everything.close();
        }
    }

    @Test
    void aModernClientListsAndCallsALegacyServer() {
        JsonNode out = node.typescriptSdkV2(gateway.proxy("/mcp"), "modern", Map.of(), "call", "echo",
                "{\"message\":\"across eras\"}").ok();

        assertThat(out.path("era").asText()).isEqualTo("modern");
        assertThat(out.at("/serverInfo/name").asText()).as(out.toString()).contains("everything");
        assertThat(out.at("/results/0/content/0/text").asText()).isEqualTo("Echo: across eras");
    }

    @Test
    void samplingAndElicitationCompleteThroughInputRequiredRounds() {
        JsonNode out = node.typescriptSdkV2(gateway.proxy("/mcp"), "modern",
                Map.of("TOOLGATE_ELICITATION", "{\"name\":\"Ada\",\"check\":true}"),
                "call", "trigger-sampling-request", "{\"prompt\":\"capital of France?\"}",
                "trigger-elicitation-request", "{}").ok();

        assertThat(out.at("/inputRequests/0/method").asText()).isEqualTo("sampling/createMessage");
        assertThat(out.at("/inputRequests/1/method").asText()).isEqualTo("elicitation/create");
        assertThat(out.at("/results/0").toString()).contains("sampled: ").contains("capital of France?");
        assertThat(out.at("/results/1").toString()).contains("Ada");
    }

    @Test
    void theVercelAiSdkDiscoversTheModernEraAtTheGatewayAndRunsALegacyServersTool() {
        JsonNode out = node.aiSdk(gateway.proxy("/mcp"), "echo", "{\"message\":\"ai\"}").ok();

        assertThat(out.path("era").asText()).isEqualTo("modern");
        assertThat(out.at("/result/content/0/text").asText()).isEqualTo("Echo: ai");
    }

    @Test
    void discoverAnswersWhatTheLegacyServerOffersAsAModernServer() {
        JsonNode result = new ModernHttp(gateway.proxy("/mcp")).request("server/discover", "{}").json().get("result");

        assertThat(result.path("supportedVersions").toString()).isEqualTo("[\"2026-07-28\"]");
        assertThat(result.path("capabilities").has("tools")).isTrue();
        assertThat(result.at("/capabilities/tools/listChanged").isMissingNode()).isTrue();
        assertThat(result.at("/_meta/io.modelcontextprotocol~1serverInfo/name").asText()).contains("everything");
        // DiscoverResult extends CacheableResult in the published 2026-07-28 schema
        assertThat(result.path("ttlMs").asLong(-1)).as(result.toString()).isEqualTo(60_000);
        assertThat(result.path("cacheScope").asText()).isEqualTo("public");
    }

    @Test
    void aToolListThroughTheBridgeCarriesResultTypeAndCachingHints() {
        JsonNode result = new ModernHttp(gateway.proxy("/mcp")).request("tools/list", "{}").json().get("result");

        assertThat(result.path("resultType").asText()).isEqualTo("complete");
        assertThat(result.path("cacheScope").asText()).isEqualTo("public");
        assertThat(result.path("ttlMs").asLong()).isEqualTo(60_000);
        assertThat(result.path("tools").findValuesAsText("name")).contains("echo");
    }

    @Test
    void aRequestStateThatWasNotIssuedIsRefused() {
        McpHttp.Response response = new ModernHttp(gateway.proxy("/mcp")).request("tools/call",
                "{\"name\":\"echo\",\"arguments\":{\"message\":\"x\"},\"requestState\":\"forged\",\"inputResponses\":{}}");

        assertRpcError(response, 400, -32602, "Invalid params: requestState is unknown, altered, expired or already "
                + "used; send the request again without it");
    }

    @Test
    void aLegacyClientStillGoesThroughAsItIs() {
        JsonNode out = node.typescriptSdk(gateway.proxy("/mcp"), "call", "echo", "{\"message\":\"legacy\"}").ok();

        assertThat(out.path("sessionId").isTextual()).isTrue();
        assertThat(out.at("/result/content/0/text").asText()).isEqualTo("Echo: legacy");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-07-28", "2099-01-01"})
    void anInitializeGoesToTheLegacyServerWhateverVersionItsHeaderNames(String header) {
        McpHttp client = new McpHttp(gateway.proxy("/mcp"));
        McpHttp.Response opened = client.send("POST", """
                {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},
                 "clientInfo":{"name":"t","version":"1"}}}""", Map.of("content-type", "application/json",
                "accept", McpHttp.ACCEPT_BOTH, "mcp-protocol-version", header));

        assertThat(opened.status()).as("%s", opened).isEqualTo(200);
        assertThat(opened.json().at("/result/protocolVersion").asText()).isEqualTo("2025-06-18");
        assertThat(opened.json().at("/result/serverInfo/name").asText()).contains("everything");
        client.sessionId(opened.header("mcp-session-id"));
        assertThat(client.call("echo", "{\"message\":\"opened\"}").at("/content/0/text").asText())
                .isEqualTo("Echo: opened");
    }
}
