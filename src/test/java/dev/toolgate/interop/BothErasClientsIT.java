package dev.toolgate.interop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.KongHowTos;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.ModernHttp;
import dev.toolgate.testing.NodeClients;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.util.Map;

import static dev.toolgate.testing.McpAssertions.assertRpcError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Modern and legacy clients, as people run them, on the same Toolgate URLs of a conversion-listener
 * and a listener: the TypeScript SDK 2.x pinned to 2026-07-28 and in auto (it discovers, then stays
 * modern), the Inspector CLI with {@code --protocol-era modern}, the Vercel AI SDK's MCP client (it
 * discovers by default), and today's legacy clients (the
 * TypeScript SDK 1.x, the Inspector's default). Key-auth and tool ACLs apply the same to every era.
 */
@Timeout(240)
class BothErasClientsIT {

    static NodeClients node;
    static RestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        node = NodeClients.require();
        upstream = new RestUpstream()
                .json("GET /users", 200, "[{\"id\":1,\"name\":\"Ada\"}]")
                .json("GET /orders", 200, "{\"orders\":[]}");
        gateway = TestGateway.start("""
                _format_version: "3.0"
                %s
                services:
                  - name: shop
                    url: %s
                    routes:
                      - name: conversion
                        paths: [/conversion]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: list_users, description: List users, method: GET, path: /users}
                                - {name: list_orders, description: List orders, method: GET, path: /orders}
                      - name: guarded
                        paths: [/guarded]
                        plugins:
                          - name: key-auth
                            config: {key_names: [apikey]}
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              include_consumer_groups: true
                              tools:
                                - {name: list_users, description: List users, method: GET, path: /users,
                                   acl: {allow: [admin]}}
                                - {name: list_orders, description: List orders, method: GET, path: /orders,
                                   acl: {allow: [admin, developer]}}
                      - name: shop-tools
                        paths: [/shop-tools]
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [shop]
                            config:
                              mode: conversion-only
                              tools:
                                - {name: list_users, description: List users, method: GET, path: /users}
                routes:
                  - name: listener
                    paths: [/listener]
                    plugins:
                      - name: ai-mcp-proxy
                        config: {mode: listener, server: {tag: shop}}
                """.formatted(KongHowTos.MARKETPLACE_CONSUMERS, upstream.url()));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/conversion", "/listener"})
    void theTypeScriptSdkPinnedToTheModernEraListsAndCalls(String path) {
        JsonNode out = node.typescriptSdkV2(gateway.proxy(path), "modern", Map.of(), "call", "list_users", "{}").ok();

        assertThat(out.path("era").asText()).isEqualTo("modern");
        assertThat(out.path("protocolVersion").asText()).isEqualTo("2026-07-28");
        assertThat(out.at("/serverInfo/name").asText()).isEqualTo("toolgate");
        assertThat(out.at("/results/0/isError").asBoolean()).isFalse();
        assertThat(out.at("/results/0/content/0/text").asText()).contains("Ada");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/conversion", "/listener"})
    void theTypeScriptSdkInAutoDiscoversTheModernEraAndStaysThere(String path) {
        JsonNode out = node.typescriptSdkV2(gateway.proxy(path), "auto", Map.of(), "list").ok();

        assertThat(out.path("era").asText()).isEqualTo("modern");
        assertThat(out.path("tools").findValuesAsText("name")).contains("list_users");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/conversion", "/listener"})
    void legacyClientsUseTheSameUrl(String path) {
        JsonNode v1 = node.typescriptSdk(gateway.proxy(path), "call", "list_users", "{}").ok();
        assertThat(v1.path("protocolVersion").asText()).isEqualTo("2025-11-25");
        assertThat(v1.path("sessionId").isTextual()).isTrue();
        assertThat(v1.at("/result/content/0/text").asText()).contains("Ada");

        JsonNode v2 = node.typescriptSdkV2(gateway.proxy(path), "legacy", Map.of(), "list").ok();
        assertThat(v2.path("era").asText()).isEqualTo("legacy");
        assertThat(v2.path("tools").findValuesAsText("name")).contains("list_users");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/conversion", "/listener"})
    void theInspectorCliInTheModernEraListsAndCalls(String path) {
        NodeClients.Run list = node.inspector(gateway.proxy(path), "--protocol-era", "modern", "--method", "tools/list");
        assertThat(list.ok().at("/result/tools").findValuesAsText("name")).as(list.toString()).contains("list_users");

        NodeClients.Run call = node.inspector(gateway.proxy(path), "--protocol-era", "modern", "--method", "tools/call",
                "--tool-name", "list_users");
        assertThat(call.ok().at("/result/content/0/text").asText()).as(call.toString()).contains("Ada");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/conversion", "/listener"})
    void theVercelAiSdkDiscoversTheModernEraAndRunsATool(String path) {
        JsonNode out = node.aiSdk(gateway.proxy(path), "list_users", "{}").ok();

        assertThat(out.path("era").asText()).isEqualTo("modern");
        assertThat(out.path("tools").toString()).contains("list_users");
        assertThat(out.at("/result/content/0/text").asText()).contains("Ada");
    }

    @Test
    void keyAuthAndToolAclsApplyToModernClientsAsToLegacyOnes() {
        URI guarded = gateway.proxy("/guarded");
        ModernHttp anonymous = new ModernHttp(guarded);
        McpHttp.Response refused = anonymous.request("tools/list", "{}");
        assertThat(refused.status()).isEqualTo(401);

        ModernHttp bob = new ModernHttp(guarded, KongHowTos.apiKey("bob"));
        JsonNode list = bob.request("tools/list", "{}").json().get("result");
        assertThat(list.path("tools").findValuesAsText("name")).containsExactly("list_orders");
        assertThat(list.path("cacheScope").asText()).as("a list filtered for its caller").isEqualTo("private");
        assertRpcError(bob.request("tools/call", "{\"name\":\"list_users\",\"arguments\":{}}"), 403, -32000,
                "Forbidden: tool 'list_users' is not available to this caller");

        JsonNode sdk = node.typescriptSdkV2(guarded, "modern",
                Map.of("TOOLGATE_CLIENT_HEADERS", "{\"apikey\":\"alice-key\"}"), "call", "list_users", "{}").ok();
        assertThat(sdk.at("/results/0/content/0/text").asText()).contains("Ada");
    }
}
