package dev.toolgate.policy.oauth2;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.AuthorizationServer;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tool ACLs on the access token's claims ({@code acl_attribute_type: oauth_access_token},
 * {@code access_token_claim_field: .scope}) in all three modes: a token with scope {@code mcp:tools}
 * sees and calls the tools that scope allows; another tool is missing from its list, and calling it
 * is a 403 whose challenge names the scope that would allow it and the endpoint's Protected Resource
 * Metadata, so that the client can get that scope.
 */
@Timeout(90)
class TokenClaimAclIT {

    static AuthorizationServer as;
    static RestUpstream weather;
    static RestUpstream mcp;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        as = AuthorizationServer.start();
        weather = OAuthSetup.weatherApi().json("GET /api/admin/report", 200, "{\"report\":1}");
        mcp = OAuthSetup.mcpServer();
        String oauth = """
                          - name: ai-mcp-oauth2
                            config:
                              resource: ${proxy}%s
                              authorization_servers: [${issuer}]
                """;
        String acl = """
                              acl_attribute_type: oauth_access_token
                              access_token_claim_field: .scope
                """;
        String tools = """
                              tools:
                                - {name: current_weather, description: Weather, method: GET, path: /api/weather/current.json, acl: {allow: ["mcp:tools"]}}
                                - {name: admin_report, description: Report, method: GET, path: /api/admin/report, acl: {allow: ["mcp:admin"]}}
                """;
        gateway = OAuthSetup.start("""
                services:
                  - name: api
                    url: ${weather}
                    routes:
                      - name: tools
                        paths: [/api]
                        strip_path: false
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [acl-tools]
                            config:
                              mode: conversion-only
                """ + tools + """
                      - name: listener
                        paths: [/listener]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: listener
                              server: {tag: acl-tools}
                """ + acl + oauth.formatted("/listener") + """
                      - name: conversion
                        paths: [/conversion]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                """ + acl + tools + oauth.formatted("/conversion") + """
                  - name: mcp-server
                    url: ${mcp}/mcp
                    routes:
                      - name: passthrough
                        paths: [/passthrough]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: passthrough-listener
                              tools:
                                - {name: echo, description: Echo, acl: {allow: ["mcp:tools"]}}
                                - {name: admin_reset, description: Reset, acl: {allow: ["mcp:admin"]}}
                """ + acl + oauth.formatted("/passthrough") + """
                      - name: exchanged
                        paths: [/exchanged]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: passthrough-listener
                              tools:
                                - {name: echo, description: Echo, acl: {allow: ["mcp:tools"]}}
                                - {name: admin_reset, description: Reset, acl: {allow: ["mcp:admin"]}}
                """ + acl + oauth.formatted("/exchanged") + """
                              passthrough_credentials: true
                              token_exchange:
                                enabled: true
                                token_endpoint: ${issuer}/token
                                client_id: toolgate
                                client_secret: toolgate-secret
                                request: {audience: [upstream-api], scopes: ["mcp:tools"]}
                """, OAuthSetup.values(as, weather, mcp));
    }

    @AfterAll
    static void stop() throws Exception {
        OAuthSetup.close(gateway, weather, mcp, as);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"/listener, current_weather, admin_report", "/conversion, current_weather, admin_report",
            "/passthrough, echo, admin_reset"})
    void aTokensScopesDecideWhichToolsItSeesAndCalls(String path, String allowed, String denied) {
        String endpoint = gateway.proxy(path).toString();
        String token = as.token(as.issuer(), endpoint, "mcp:tools");
        McpHttp client = new McpHttp(URI.create(endpoint));
        Map<String, String> auth = Map.of("authorization", "Bearer " + token);
        McpHttp.Response initialized = client.send("POST", BadTokensIT.INITIALIZE, BadTokensIT.headers(auth));
        assertThat(initialized.status()).isEqualTo(200);
        client.sessionId(initialized.header("mcp-session-id"));

        JsonNode listed = post(client, auth, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}").json();
        List<String> names = new ArrayList<>();
        listed.at("/result/tools").forEach(t -> names.add(t.get("name").asText()));
        assertThat(names).containsExactly(allowed);

        McpHttp.Response called = post(client, auth, call(allowed));
        assertThat(called.status()).isEqualTo(200);
        assertThat(called.json().has("result")).as("%s", called).isTrue();

        McpHttp.Response refused = post(client, auth, call(denied));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().at("/error/message").asText()).contains(denied);
        // MCP: what to ask for, and where the client finds the authorization server to ask (step-up)
        assertThat(refused.header("www-authenticate")).isEqualTo("Bearer error=\"insufficient_scope\", "
                + "scope=\"mcp:admin\", resource_metadata=\"" + gateway.proxy(ResourceMetadata.WELL_KNOWN + path) + "\"");
    }

    @Test
    void afterATokenExchangeTheExchangedTokensScopesDecide() {
        String endpoint = gateway.proxy("/exchanged").toString();
        String token = as.token(as.issuer(), endpoint, "mcp:tools mcp:admin");
        McpHttp client = new McpHttp(URI.create(endpoint));
        Map<String, String> auth = Map.of("authorization", "Bearer " + token);
        McpHttp.Response initialized = client.send("POST", BadTokensIT.INITIALIZE, BadTokensIT.headers(auth));
        assertThat(initialized.status()).as("%s", initialized).isEqualTo(200);
        client.sessionId(initialized.header("mcp-session-id"));

        assertThat(post(client, auth, call("echo")).json().has("result")).isTrue();
        McpHttp.Response refused = post(client, auth, call("admin_reset"));
        assertThat(refused.status()).as("the exchanged token has mcp:tools only: %s", refused).isEqualTo(403);
        assertThat(refused.json().at("/error/message").asText()).contains("admin_reset");
        assertThat(refused.header("www-authenticate")).as("the client's own token has mcp:admin: asking again cannot help")
                .isNull();
    }

    private static String call(String tool) {
        return "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":{}}}";
    }

    private static McpHttp.Response post(McpHttp client, Map<String, String> auth, String body) {
        Map<String, String> headers = new java.util.HashMap<>(BadTokensIT.headers(auth));
        if (client.sessionId() != null) {
            headers.put("mcp-session-id", client.sessionId());
        }
        headers.put("mcp-protocol-version", "2025-06-18");
        return client.send("POST", body, headers);
    }
}
