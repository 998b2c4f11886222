package dev.toolgate.policy.oauth2;

import dev.toolgate.testing.AuthorizationServer;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A listener's tool call replayed on the route that owns the tool, when that route has its own
 * ai-mcp-oauth2: the listener identified the caller, so the owning route's policy does not read the
 * request, and what it would have asserted to its upstream (its claim headers) does not come from the
 * client instead.
 */
@Timeout(90)
class ListenerReplayIT {

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
                                - name: tenant_weather
                                  description: Weather for a tenant
                                  method: GET
                                  path: current.json
                                  parameters: [{name: X-Tenant, in: header, schema: {type: string}}]
                          - name: ai-mcp-oauth2
                            config:
                              resource: ${proxy}/api/weather
                              authorization_servers: [${issuer}]
                              claim_to_header: [{claim: tenant, header: X-Tenant}]
                      - name: listener
                        paths: [/owned/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: listener, server: {tag: owned}}
                          - name: ai-mcp-oauth2
                            config:
                              resource: ${proxy}/owned/mcp
                              authorization_servers: [${issuer}]
                      - name: guests
                        paths: [/guests/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: listener, server: {tag: owned}}
                          - name: key-auth
                            config: {anonymous: guest}
                      - name: tenants
                        paths: [/tenants/mcp]
                        strip_path: true
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - name: tenant_weather
                                  description: Weather for a tenant
                                  method: GET
                                  path: /api/weather/current.json
                                  parameters: [{name: X-Tenant, in: header, schema: {type: string}}]
                          - name: ai-mcp-oauth2
                            config:
                              resource: ${proxy}/tenants/mcp
                              authorization_servers: [${issuer}]
                              claim_to_header: [{claim: tenant, header: X-Tenant}]
                """, Map.of("issuer", as.issuer(), "weather", weather.url()));
    }

    @AfterAll
    static void stop() throws Exception {
        OAuthSetup.close(gateway, weather, as);
    }

    @Test
    void theOwningRoutesClaimHeaderIsNotTakenFromTheClient() {
        RestUpstream.Received received = call("/owned/mcp", as.token(as.issuer(), gateway.proxy("/owned/mcp").toString(),
                "mcp:tools"), "current_weather", "{}");

        assertThat(received.path()).isEqualTo("/api/weather/current.json");
        assertThat(received.header("x-tenant")).as("the owning route's claim_to_header names X-Tenant").isNull();
        assertThat(received.header("authorization")).isNull();
    }

    @Test
    void theOwningRoutesClaimHeaderIsNotTakenFromAToolArgumentEither() {
        RestUpstream.Received received = call("/owned/mcp", as.token(as.issuer(), gateway.proxy("/owned/mcp").toString(),
                "mcp:tools"), "tenant_weather", "{\"header_X-Tenant\":\"someone-else\"}");

        assertThat(received.header("x-tenant")).as("the owning route's claim_to_header names X-Tenant").isNull();
    }

    @Test
    void aToolArgumentNamedLikeAClaimHeaderDoesNotReplaceTheTokensClaim() {
        String endpoint = gateway.proxy("/tenants/mcp").toString();
        String acme = ForgedTokens.signed(as.signingKey(), ForgedTokens.claims(as.issuer(), endpoint, c -> c.claim("tenant", "acme")));

        RestUpstream.Received received = call("/tenants/mcp", acme, "tenant_weather", "{\"header_X-Tenant\":\"someone-else\"}");

        assertThat(received.headers().getAll("x-tenant")).as("the token's tenant, not the argument's").containsExactly("acme");
    }

    @Test
    void aClaimOutsideAsciiReachesTheUpstreamAsUtf8() {
        String endpoint = gateway.proxy("/tenants/mcp").toString();
        String token = ForgedTokens.signed(as.signingKey(), ForgedTokens.claims(as.issuer(), endpoint,
                c -> c.claim("tenant", "José 张\r\nX-Injected: 1")));

        RestUpstream.Received received = call("/tenants/mcp", token, "tenant_weather", "{}");

        // the receiving server reads each byte of a header as one character
        String raw = received.header("x-tenant");
        assertThat(new String(raw.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8)).isEqualTo("José 张X-Injected: 1");
        assertThat(received.header("x-injected")).isNull();
    }

    @Test
    void aListenersAnonymousGuestIsStillAskedForTheOwningRoutesToken() throws Exception {
        Map<String, String> headers = new HashMap<>(BadTokensIT.headers(Map.of()));
        McpHttp client = new McpHttp(gateway.proxy("/guests/mcp"));
        McpHttp.Response initialized = client.send("POST", BadTokensIT.INITIALIZE, headers);
        assertThat(initialized.status()).as("%s", initialized).isEqualTo(200);
        headers.put("mcp-session-id", initialized.header("mcp-session-id"));
        headers.put("mcp-protocol-version", "2025-06-18");
        weather.clear();

        McpHttp.Response called = client.send("POST", "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"current_weather\",\"arguments\":{}}}", headers);

        assertThat(called.json().at("/result/isError").asBoolean()).as("%s", called).isTrue();
        assertThat(called.json().at("/result/content/0/text").asText()).as("%s", called).containsIgnoringCase("token");
        assertThat(weather.quiet(java.time.Duration.ofMillis(300))).as("the weather API was not called").isTrue();
    }

    /** Calls {@code tool} at {@code path} with a token, and X-Tenant of the client's own; what the weather API received. */
    private static RestUpstream.Received call(String path, String token, String tool, String arguments) {
        Map<String, String> headers = new HashMap<>(BadTokensIT.headers(Map.of("authorization", "Bearer " + token,
                "X-Tenant", "someone-else")));
        McpHttp client = new McpHttp(gateway.proxy(path));
        McpHttp.Response initialized = client.send("POST", BadTokensIT.INITIALIZE, headers);
        assertThat(initialized.status()).as("%s", initialized).isEqualTo(200);
        headers.put("mcp-session-id", initialized.header("mcp-session-id"));
        headers.put("mcp-protocol-version", "2025-06-18");

        McpHttp.Response called = client.send("POST", "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"" + tool + "\",\"arguments\":" + arguments + "}}", headers);

        assertThat(called.json().at("/result/isError").asBoolean()).as("%s", called).isFalse();
        return weather.next();
    }
}
