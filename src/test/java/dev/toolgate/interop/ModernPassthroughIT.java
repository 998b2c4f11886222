package dev.toolgate.interop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.EverythingServer;
import dev.toolgate.testing.KongHowTos;
import dev.toolgate.testing.ModernHttp;
import dev.toolgate.testing.NodeClients;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;

import static dev.toolgate.testing.McpAssertions.assertRpcError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Modern and legacy clients through passthrough routes to a server built with the TypeScript SDK 2.x,
 * which serves both eras: each goes through as it is. The server's own input_required round reaches
 * the client untouched; tool ACLs refuse and filter modern traffic as legacy (a filtered list turns
 * private); a request whose Mcp-Name header names another tool than its body is refused before the
 * server sees it.
 */
@Timeout(180)
class ModernPassthroughIT {

    static NodeClients node;
    static EverythingServer fixture;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        node = NodeClients.require();
        fixture = EverythingServer.modernFixture(false);
        gateway = TestGateway.start("""
                _format_version: "3.0"
                %s
                services:
                  - name: fixture
                    url: %s
                    routes:
                      - name: open
                        paths: [/open]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                      - name: guarded
                        paths: [/guarded]
                        plugins:
                          - name: key-auth
                            config: {key_names: [apikey]}
                          - name: ai-mcp-proxy
                            config:
                              mode: passthrough-listener
                              include_consumer_groups: true
                              default_acl: [{scope: tools, allow: [developer, admin]}]
                              tools:
                                - {name: drop_tables, description: Drops every table, acl: {allow: [admin]}}
                """.formatted(KongHowTos.MARKETPLACE_CONSUMERS, fixture.mcp()));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void aModernClientCompletesTheServersOwnInputRequiredRoundThroughTheGateway() {
        JsonNode out = node.typescriptSdkV2(gateway.proxy("/open"), "modern", Map.of("TOOLGATE_ELICITATION",
                "{\"name\":\"Ada\"}"), "call", "echo", "{\"message\":\"hi\"}", "confirm", "{}").ok();

        assertThat(out.at("/serverInfo/name").asText()).isEqualTo("toolgate-modern-fixture");
        assertThat(out.at("/results/0/content/0/text").asText()).isEqualTo("Echo: hi");
        assertThat(out.at("/inputRequests/0/method").asText()).isEqualTo("elicitation/create");
        assertThat(out.at("/results/1/content/0/text").asText()).isEqualTo("Hello, Ada!");
    }

    @Test
    void aLegacyClientOfTheSameRouteIsRelayedAsBefore() {
        JsonNode out = node.typescriptSdk(gateway.proxy("/open"), "call", "echo", "{\"message\":\"old\"}").ok();

        assertThat(out.at("/result/content/0/text").asText()).isEqualTo("Echo: old");
    }

    @Test
    void toolAclsRefuseAndFilterModernCalls() {
        ModernHttp bob = new ModernHttp(gateway.proxy("/guarded"), KongHowTos.apiKey("bob"));

        JsonNode list = bob.request("tools/list", "{}").json().get("result");
        assertThat(list.path("tools").findValuesAsText("name")).contains("echo").doesNotContain("drop_tables");
        assertThat(list.path("cacheScope").asText()).isEqualTo("private");
        assertRpcError(bob.request("tools/call", "{\"name\":\"drop_tables\",\"arguments\":{}}"), 403, -32000,
                "Forbidden: tool 'drop_tables' is not available to this caller");

        JsonNode alice = node.typescriptSdkV2(gateway.proxy("/guarded"), "modern",
                Map.of("TOOLGATE_CLIENT_HEADERS", "{\"apikey\":\"alice-key\"}"), "call", "drop_tables", "{}").ok();
        assertThat(alice.at("/results/0/content/0/text").asText()).isEqualTo("dropped");
    }

    @Test
    void aNameHeaderThatDiffersFromTheBodyIsRefusedBeforeTheServerSeesIt() {
        ModernHttp bob = new ModernHttp(gateway.proxy("/guarded"), KongHowTos.apiKey("bob"));

        assertRpcError(bob.request("tools/call", "{\"name\":\"drop_tables\",\"arguments\":{}}", "{}",
                Map.of("mcp-name", "echo")), 400, -32020,
                "Header mismatch: Mcp-Name header value 'echo' does not match body value 'drop_tables'");
    }
}
