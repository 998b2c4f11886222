package dev.toolgate.interop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.JavaSdkServer;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.NodeClients;
import dev.toolgate.testing.Sdk;
import dev.toolgate.testing.TestGateway;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An MCP server built with the official Java SDK (servlet transport in Jetty) behind a
 * passthrough-listener route, driven by the official TypeScript and Java SDK clients; and what a
 * client sees when the server no longer knows its session (DELETE, restart): the server's 404.
 */
@Timeout(120)
class JavaSdkServerPassthroughIT {

    static JavaSdkServer server;
    static TestGateway gateway;
    static URI proxied;

    @BeforeAll
    static void start() {
        server = JavaSdkServer.start();
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: java-sdk-server
                    url: %s
                    routes:
                      - name: java-route
                        paths: [/java]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                """.formatted(server.mcp()));
        proxied = gateway.proxy("/java");
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void typescriptClientListsAndCallsTheJavaServersToolsThroughTheGateway() {
        NodeClients node = NodeClients.require();
        NodeClients.Run list = node.typescriptSdk(proxied, "list");
        JsonNode listed = list.ok();
        assertThat(listed.path("serverInfo").path("name").asText()).as(list.toString()).isEqualTo(JavaSdkServer.NAME);
        assertThat(listed.path("tools").valueStream().map(t -> t.path("name").asText()))
                .containsExactlyInAnyOrder("add", "echo");

        NodeClients.Run call = node.typescriptSdk(proxied, "call", "add", "{\"a\":2,\"b\":3.5}");
        JsonNode result = call.ok().path("result");
        assertThat(result.path("isError").asBoolean()).as(call.toString()).isFalse();
        assertThat(result.path("structuredContent")).isEqualTo(json("{\"sum\":5.5}"));
        assertThat(result.path("content").get(0).path("text").asText()).isEqualTo("sum=5.5");
    }

    @Test
    void javaClientListsAndCallsTheJavaServersToolsThroughTheGateway() {
        try (McpSyncClient client = Sdk.connect(proxied)) {
            assertThat(client.getServerInfo().name()).isEqualTo(JavaSdkServer.NAME);
            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name)
                    .containsExactlyInAnyOrder("add", "echo");
            McpSchema.CallToolResult sum = client.callTool(McpSchema.CallToolRequest.builder().name("add")
                    .arguments(Map.of("a", 40, "b", 2)).build());
            assertThat(sum.isError()).isNotEqualTo(Boolean.TRUE);
            assertThat(sum.structuredContent()).isEqualTo(Map.of("sum", 42.0));
            McpSchema.CallToolResult echo = client.callTool(McpSchema.CallToolRequest.builder().name("echo")
                    .arguments(Map.of("message", "über ✓")).build());
            assertThat(((McpSchema.TextContent) echo.content().getFirst()).text()).isEqualTo("Echo: über ✓");
        }
    }

    @Test
    void aSessionEndedWithDeleteIsAnswered404ThroughTheGatewayAsDirectly() {
        for (URI endpoint : new URI[] {server.mcp(), proxied}) {
            McpHttp http = new McpHttp(endpoint);
            assertThat(http.initialize("2025-11-25").status()).isEqualTo(200);
            String session = http.sessionId();
            McpHttp.Response delete = http.send("DELETE", null, Map.of("mcp-session-id", session,
                    "mcp-protocol-version", "2025-11-25"));
            assertThat(delete.status()).as("DELETE at %s: %s", endpoint, delete).isBetween(200, 204);

            McpHttp.Response after = http.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
            assertThat(after.status()).as("POST after DELETE at %s: %s", endpoint, after).isEqualTo(404);
        }
    }

    @Test
    void aRestartedServersUnknownSession404ReachesTheClientUnchanged() {
        McpHttp http = new McpHttp(proxied);
        assertThat(http.initialize("2025-11-25").status()).isEqualTo(200);
        McpHttp.Response before = http.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
        assertThat(before.status()).as(before.toString()).isEqualTo(200);

        server.restart();

        McpHttp.Response viaGateway = http.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
        McpHttp direct = new McpHttp(server.mcp());
        direct.sessionId(http.sessionId());
        McpHttp.Response viaDirect = direct.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
        assertThat(viaDirect.status()).as("direct: %s", viaDirect).isEqualTo(404);
        assertThat(viaGateway.status()).as("through the gateway: %s", viaGateway).isEqualTo(404);
        assertThat(viaGateway.header("content-type")).isEqualTo(viaDirect.header("content-type"));
        // the SDK's body is its serialized McpError, stack trace included (frames vary): compare the error
        assertThat(viaGateway.json().path("jsonRpcError")).isEqualTo(viaDirect.json().path("jsonRpcError"));
        assertThat(viaGateway.json().path("jsonRpcError").path("message").asText())
                .isEqualTo("Session not found: " + http.sessionId());
    }

    @Test
    void javaClientStartsANewSessionAfterTheRestartedServers404ThroughTheGatewayAsDirectly() {
        for (URI endpoint : new URI[] {server.mcp(), proxied}) {
            try (McpSyncClient client = Sdk.connect(endpoint)) {
                assertThat(client.listTools().tools()).hasSize(2);
                server.restart();
                // Java SDK 2.1.0: the call that meets the 404 fails, and the client initializes a new
                // session for the next one; through the gateway exactly as directly
                assertThatThrownBy(() -> echo(client, "lost")).as(endpoint.toString())
                        .hasMessageContaining("MCP session with server terminated");
                assertThat(echo(client, "after restart")).as(endpoint.toString()).isEqualTo("Echo: after restart");
            }
        }
    }

    private static String echo(McpSyncClient client, String message) {
        McpSchema.CallToolResult result = client.callTool(McpSchema.CallToolRequest.builder().name("echo")
                .arguments(Map.of("message", message)).build());
        return ((McpSchema.TextContent) result.content().getFirst()).text();
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
