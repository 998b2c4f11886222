package dev.toolgate.policy.oauth2;

import dev.toolgate.testing.AuthorizationServer;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A listener's tool call replayed on an owning route that authenticates anew: what the listener's ai-mcp-oauth2
 * told its own upstream of the caller (claim headers, a token exchanged for the listener's upstream) does not
 * reach the owning route's service beside the caller the owning route found.
 */
class ListenerReplayUpstreamHeadersIT {

    static AuthorizationServer as;
    static RestUpstream weather;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        as = AuthorizationServer.start();
        weather = OAuthSetup.weatherApi();
        gateway = OAuthSetup.start("""
                consumers:
                  - username: guest
                  - {username: bob, keyauth_credentials: [{key: bob-key}]}
                services:
                  - name: weather-api
                    url: ${weather}
                    routes:
                      - name: owner
                        paths: [/api/weather]
                        strip_path: false
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [owned]
                            config:
                              mode: conversion-only
                              tools:
                                - {name: current_weather, description: Weather, method: GET, path: current.json}
                          - name: key-auth
                            config: {anonymous: guest}
                      - name: claims
                        paths: [/claims/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: listener, server: {tag: owned}}
                          - name: ai-mcp-oauth2
                            config:
                              resource: ${proxy}/claims/mcp
                              authorization_servers: [${issuer}]
                              claim_to_header: [{claim: tenant, header: X-Tenant}, {claim: sub, header: X-Sub}]
                      - name: exchanging
                        paths: [/exchanging/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: listener, server: {tag: owned}}
                          - name: ai-mcp-oauth2
                            config:
                              resource: ${proxy}/exchanging/mcp
                              authorization_servers: [${issuer}]
                              passthrough_credentials: true
                              token_exchange:
                                enabled: true
                                token_endpoint: ${issuer}/token
                                client_id: toolgate
                                client_secret: toolgate-secret
                                request:
                                  audience: [listener-upstream-api]
                """, Map.of("issuer", as.issuer(), "weather", weather.url()));
    }

    @AfterAll
    static void stop() throws Exception {
        OAuthSetup.close(gateway, weather, as);
    }

    @Test
    void theListenersClaimHeadersDoNotReachTheOwningRoutesServiceBesideItsAnonymousCaller() {
        RestUpstream.Received received = call("/claims/mcp", Map.of("authorization", "Bearer " + token("/claims/mcp")));

        assertThat(received.header("x-consumer-username")).isEqualTo("guest");
        assertThat(received.header("x-tenant")).isNull();
        assertThat(received.header("x-sub")).isNull();
    }

    @Test
    void theListenersClaimHeadersDoNotReachTheOwningRoutesServiceBesideTheConsumerItsKeyNamesNorDoTheClientsOwn() {
        RestUpstream.Received received = call("/claims/mcp", Map.of("authorization", "Bearer " + token("/claims/mcp"),
                "apikey", "bob-key", "X-Tenant", "posed"));

        assertThat(received.header("x-consumer-username")).isEqualTo("bob");
        assertThat(received.header("x-tenant")).as("neither the listener token's claim nor the client's own").isNull();
        assertThat(received.header("x-sub")).isNull();
        assertThat(received.header("apikey")).isNull();
    }

    @Test
    void aTokenExchangedForTheListenersUpstreamDoesNotReachTheOwningRoutesService() {
        RestUpstream.Received received = call("/exchanging/mcp",
                Map.of("authorization", "Bearer " + token("/exchanging/mcp")));

        assertThat(received.header("x-consumer-username")).isEqualTo("guest");
        assertThat(received.header("authorization")).isNull();
    }

    private static String token(String listener) {
        return ForgedTokens.signed(as.signingKey(), ForgedTokens.claims(as.issuer(), gateway.proxy(listener).toString(),
                c -> c.claim("tenant", "acme")));
    }

    private static RestUpstream.Received call(String listener, Map<String, String> sent) {
        Map<String, String> headers = new HashMap<>(BadTokensIT.headers(sent));
        McpHttp client = new McpHttp(gateway.proxy(listener));
        McpHttp.Response initialized = client.send("POST", BadTokensIT.INITIALIZE, headers);
        assertThat(initialized.status()).as(initialized.body()).isEqualTo(200);
        headers.put("mcp-session-id", initialized.header("mcp-session-id"));
        headers.put("mcp-protocol-version", "2025-06-18");
        weather.clear();
        McpHttp.Response called = client.send("POST", "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"current_weather\",\"arguments\":{}}}", headers);
        assertThat(called.status()).as(called.body()).isEqualTo(200);
        return weather.next();
    }
}
