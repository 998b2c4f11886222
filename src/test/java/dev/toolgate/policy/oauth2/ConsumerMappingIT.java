package dev.toolgate.policy.oauth2;

import dev.toolgate.testing.AuthorizationServer;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ai-mcp-oauth2's consumer mapping: the token's {@code sub} names a Kong consumer, whose groups the
 * consumer-based tool ACLs then see (no other authentication plugin), and whose identity the upstream
 * gets in Kong's headers; a token naming no consumer is refused with 403.
 */
@Timeout(60)
class ConsumerMappingIT {

    static AuthorizationServer as;
    static RestUpstream weather;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        as = AuthorizationServer.start();
        weather = OAuthSetup.weatherApi();
        gateway = OAuthSetup.start("""
                consumer_groups:
                  - name: partners
                consumers:
                  - username: mcp-client
                    groups: [{name: partners}]
                services:
                  - name: weather
                    url: ${weather}
                    routes:
                      - name: mapped
                        paths: [/mapped]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              include_consumer_groups: true
                              default_acl: [{scope: tools, allow: [partners]}]
                              tools:
                                - {name: current_weather, description: Weather, method: GET, path: /api/weather/current.json}
                          - name: ai-mcp-oauth2
                            config:
                              resource: ${proxy}/mapped
                              authorization_servers: [${issuer}]
                              consumer_claim: [sub]
                              consumer_by: [username]
                      - name: grouped
                        paths: [/grouped]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: current_weather, description: Weather, method: GET, path: /api/weather/current.json}
                          - name: ai-mcp-oauth2
                            config:
                              resource: ${proxy}/grouped
                              authorization_servers: [${issuer}]
                              consumer_groups_claim: [groups]
                          - name: acl
                            config: {allow: [partners]}
                """, Map.of("issuer", as.issuer(), "weather", weather.url()));
    }

    @AfterAll
    static void stop() throws Exception {
        OAuthSetup.close(gateway, weather, as);
    }

    @Test
    void theTokensSubjectIsAConsumerWhoseGroupsOpenTheTools() {
        String endpoint = gateway.proxy("/mapped").toString();
        Map<String, String> auth = Map.of("authorization", "Bearer " + as.token(as.issuer(), endpoint, "mcp:tools"));
        McpHttp client = new McpHttp(URI.create(endpoint));
        McpHttp.Response initialized = client.send("POST", BadTokensIT.INITIALIZE, BadTokensIT.headers(auth));
        assertThat(initialized.status()).isEqualTo(200);
        Map<String, String> headers = new HashMap<>(BadTokensIT.headers(auth));
        headers.put("mcp-session-id", initialized.header("mcp-session-id"));
        headers.put("mcp-protocol-version", "2025-06-18");

        McpHttp.Response called = client.send("POST", "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"current_weather\",\"arguments\":{}}}", headers);

        assertThat(called.status()).isEqualTo(200);
        assertThat(called.json().at("/result/isError").asBoolean()).as("%s", called).isFalse();
        RestUpstream.Received received = weather.received().getLast();
        assertThat(received.header("x-consumer-username")).isEqualTo("mcp-client");
        assertThat(received.header("x-credential-identifier")).isEqualTo("mcp-client");
    }

    @Test
    void aTokenGroupOutsideAsciiReachesTheUpstreamAsUtf8AndALineBreakInItIsDropped() {
        String endpoint = gateway.proxy("/grouped").toString();
        String token = ForgedTokens.signed(as.signingKey(), ForgedTokens.claims(as.issuer(), endpoint,
                c -> c.claim("groups", java.util.List.of("partners", "équipe 张\r\nX-Injected: 1"))));
        McpHttp client = new McpHttp(URI.create(endpoint));
        Map<String, String> headers = new HashMap<>(BadTokensIT.headers(Map.of("authorization", "Bearer " + token)));
        McpHttp.Response initialized = client.send("POST", BadTokensIT.INITIALIZE, headers);
        assertThat(initialized.status()).as("%s", initialized).isEqualTo(200);
        headers.put("mcp-session-id", initialized.header("mcp-session-id"));
        headers.put("mcp-protocol-version", "2025-06-18");

        McpHttp.Response called = client.send("POST", "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"current_weather\",\"arguments\":{}}}", headers);

        assertThat(called.json().at("/result/isError").asBoolean()).as("%s", called).isFalse();
        RestUpstream.Received received = weather.received().getLast();
        // the receiving server reads each byte of a header as one character
        assertThat(new String(received.header("x-authenticated-groups").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("partners, équipe 张X-Injected: 1");
        assertThat(received.header("x-injected")).isNull();
    }

    @Test
    void theAclPluginAdmitsByTheTokensGroupsAndTheUpstreamGetsThemAsAuthenticatedGroups() {
        String endpoint = gateway.proxy("/grouped").toString();
        String partner = ForgedTokens.signed(as.signingKey(), ForgedTokens.claims(as.issuer(), endpoint,
                c -> c.claim("groups", java.util.List.of("partners", "beta"))));
        String outsider = ForgedTokens.signed(as.signingKey(), ForgedTokens.claims(as.issuer(), endpoint,
                c -> c.claim("groups", java.util.List.of("beta"))));
        McpHttp client = new McpHttp(URI.create(endpoint));

        McpHttp.Response refused = client.send("POST", BadTokensIT.INITIALIZE,
                BadTokensIT.headers(Map.of("authorization", "Bearer " + outsider)));
        assertThat(refused.status()).as("no known group in the token: ai-mcp-oauth2 refuses it").isEqualTo(403);

        Map<String, String> headers = new HashMap<>(BadTokensIT.headers(Map.of("authorization", "Bearer " + partner,
                "x-authenticated-groups", "forged")));
        McpHttp.Response initialized = client.send("POST", BadTokensIT.INITIALIZE, headers);
        assertThat(initialized.status()).as("%s", initialized).isEqualTo(200);
        headers.put("mcp-session-id", initialized.header("mcp-session-id"));
        headers.put("mcp-protocol-version", "2025-06-18");
        McpHttp.Response called = client.send("POST", "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"current_weather\",\"arguments\":{}}}", headers);

        assertThat(called.json().at("/result/isError").asBoolean()).as("%s", called).isFalse();
        RestUpstream.Received received = weather.received().getLast();
        assertThat(received.header("x-authenticated-groups")).isEqualTo("partners, beta");
        assertThat(received.header("x-consumer-groups")).isNull();
    }

    @Test
    void aTokenNamingNoConsumerIsForbidden() {
        String endpoint = gateway.proxy("/mapped").toString();
        String stranger = ForgedTokens.signed(as.signingKey(), ForgedTokens.claims(as.issuer(), endpoint,
                c -> c.subject("stranger")));

        McpHttp.Response refused = new McpHttp(URI.create(endpoint)).send("POST", BadTokensIT.INITIALIZE,
                BadTokensIT.headers(Map.of("authorization", "Bearer " + stranger)));

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().at("/error/message").asText()).isEqualTo("Forbidden: no consumer matches the token's sub claim");
    }
}
