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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A listener's tool call replayed on the route that owns the tool, when that route has its own
 * ai-mcp-oauth2: as Kong re-authenticates the replayed request, the owning route's policy judges the
 * client's own token whoever the listener let in (by key-auth, by a token for the listener), so its
 * audience holds; the caller upstream is the one its token names, and what it asserts to its upstream
 * (its claim headers) does not come from the client instead. One instance on both routes asks the
 * authorization server once. On an owning route that authenticates anew by key-auth, what the listener's
 * ai-mcp-oauth2 told its own upstream of the caller (claim headers, a token exchanged for the listener's upstream)
 * does not reach the owning route's service beside the caller the owning route found.
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
                  - {username: alice, keyauth_credentials: [{key: alice-key}]}
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
                      - name: keyed
                        paths: [/keyed/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: listener, server: {tag: owned}}
                          - name: key-auth
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
                      - name: keyed-owner
                        paths: [/keyed-owner]
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [keyed-owned]
                            config:
                              mode: conversion-only
                              tools:
                                - {name: current_weather, description: Weather, method: GET, path: /api/weather/current.json}
                          - name: key-auth
                            config: {anonymous: guest}
                      - name: claims
                        paths: [/claims/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: listener, server: {tag: keyed-owned}}
                          - name: ai-mcp-oauth2
                            config:
                              resource: ${proxy}/claims/mcp
                              authorization_servers: [${issuer}]
                              claim_to_header: [{claim: tenant, header: X-Tenant}, {claim: sub, header: X-Sub}]
                      - name: exchanging
                        paths: [/exchanging/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: listener, server: {tag: keyed-owned}}
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
                  - name: shared-api
                    url: ${weather}
                    plugins:
                      - name: ai-mcp-oauth2
                        config:
                          resource: ${proxy}/shared/opaque
                          authorization_servers: [${issuer}]
                          introspection_endpoint: ${issuer}/token/introspection
                          client_id: toolgate
                          client_secret: toolgate-secret
                          client_auth: client_secret_post
                    routes:
                      - name: shared-owner
                        paths: [/shared]
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [shared]
                            config:
                              mode: conversion-only
                              tools: [{name: shared_weather, description: Weather, method: GET, path: /api/weather/current.json}]
                      - name: shared-listener
                        paths: [/shared/opaque]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: listener, server: {tag: shared}}
                """, Map.of("issuer", as.issuer(), "weather", weather.url()));
    }

    @AfterAll
    static void stop() throws Exception {
        OAuthSetup.close(gateway, weather, as);
    }

    @Test
    void aListenersKeyAuthCallerWithoutTheOwningRoutesTokenGetsItsRefusalAsTheToolsResult() throws Exception {
        McpHttp.Response called = refusedCall("/keyed/mcp", Map.of("apikey", "alice-key"));

        assertThat(called.json().at("/result/content/0/text").asText()).as("%s", called)
                .isEqualTo("The tool's route refused the call: HTTP 401: Invalid or inactive token");
    }

    @Test
    void aTokenTheListenerAcceptsIsRefusedByTheOwningRouteItWasNotIssuedFor() throws Exception {
        String forListener = as.token(as.issuer(), gateway.proxy("/owned/mcp").toString(), "mcp:tools");

        McpHttp.Response called = refusedCall("/owned/mcp", Map.of("authorization", "Bearer " + forListener));

        assertThat(called.json().at("/result/content/0/text").asText()).as("%s", called)
                .isEqualTo("The tool's route refused the call: HTTP 401: Invalid or inactive token");
    }

    @Test
    void aListenersKeyAuthCallerWithTheOwningRoutesTokenIsCalledAsThatTokenSays() {
        String token = bothResources(c -> c.claim("tenant", "acme"));

        RestUpstream.Received received = call("/keyed/mcp", Map.of("apikey", "alice-key"), token, "current_weather", "{}");

        assertThat(received.path()).isEqualTo("/api/weather/current.json");
        assertThat(received.headers().getAll("x-tenant")).as("the owning route's claim_to_header").containsExactly("acme");
        assertThat(received.header("x-consumer-username")).as("the token maps no consumer: alice was the listener's")
                .isNull();
        assertThat(received.headers().contains("authorization")).isFalse();
        assertThat(received.headers().contains("apikey")).isFalse();
    }

    @Test
    void theOwningRoutesClaimHeaderComesFromTheTokenNotTheClient() {
        RestUpstream.Received received = call("/owned/mcp", Map.of(), bothResources(c -> c.claim("tenant", "acme")),
                "current_weather", "{}");

        assertThat(received.headers().getAll("x-tenant")).containsExactly("acme");
        assertThat(received.header("authorization")).isNull();
    }

    @Test
    void theOwningRoutesClaimHeaderIsNotTakenFromAToolArgumentEither() {
        RestUpstream.Received received = call("/owned/mcp", Map.of(), bothResources(c -> c),
                "tenant_weather", "{\"header_X-Tenant\":\"someone-else\"}");

        assertThat(received.headers().contains("x-tenant")).as("the token has no tenant: the owning route says none").isFalse();
    }

    @Test
    void onePluginOnTheListenerAndTheOwningRouteAsksTheAuthorizationServerOnce() {
        String endpoint = gateway.proxy("/shared/opaque").toString();
        String token = as.token(as.issuer(), endpoint, "mcp:tools");
        int before = as.introspections();

        RestUpstream.Received received = call("/shared/opaque", Map.of(), token, "shared_weather", "{}");

        assertThat(received.path()).isEqualTo("/api/weather/current.json");
        assertThat(received.headers().contains("authorization")).isFalse();
        assertThat(as.introspections() - before).as("the replay reuses the listener's verdict").isEqualTo(1);
    }

    @Test
    void aToolArgumentNamedLikeAClaimHeaderDoesNotReplaceTheTokensClaim() {
        String endpoint = gateway.proxy("/tenants/mcp").toString();
        String acme = ForgedTokens.signed(as.signingKey(), ForgedTokens.claims(as.issuer(), endpoint, c -> c.claim("tenant", "acme")));

        RestUpstream.Received received = call("/tenants/mcp", Map.of(), acme, "tenant_weather",
                "{\"header_X-Tenant\":\"someone-else\"}");

        assertThat(received.headers().getAll("x-tenant")).as("the token's tenant, not the argument's").containsExactly("acme");
    }

    @Test
    void aClaimOutsideAsciiReachesTheUpstreamAsUtf8() {
        String endpoint = gateway.proxy("/tenants/mcp").toString();
        String token = ForgedTokens.signed(as.signingKey(), ForgedTokens.claims(as.issuer(), endpoint,
                c -> c.claim("tenant", "José 张\r\nX-Injected: 1")));

        RestUpstream.Received received = call("/tenants/mcp", Map.of(), token, "tenant_weather", "{}");

        // the receiving server reads each byte of a header as one character
        String raw = received.header("x-tenant");
        assertThat(new String(raw.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8)).isEqualTo("José 张X-Injected: 1");
        assertThat(received.header("x-injected")).isNull();
    }

    @Test
    void aListenersAnonymousGuestIsStillAskedForTheOwningRoutesToken() throws Exception {
        McpHttp.Response called = refusedCall("/guests/mcp", Map.of());

        assertThat(called.json().at("/result/content/0/text").asText()).as("%s", called).containsIgnoringCase("token");
    }

    @Test
    void theListenersClaimHeadersDoNotReachTheOwningRoutesServiceBesideItsAnonymousCaller() {
        RestUpstream.Received received = call("/claims/mcp", Map.of(), listenerToken("/claims/mcp"), "current_weather", "{}");

        assertThat(received.header("x-consumer-username")).isEqualTo("guest");
        assertThat(received.header("x-tenant")).isNull();
        assertThat(received.header("x-sub")).isNull();
    }

    @Test
    void theListenersClaimHeadersDoNotReachTheOwningRoutesServiceBesideTheConsumerItsKeyNamesNorDoTheClientsOwn() {
        RestUpstream.Received received = call("/claims/mcp", Map.of("apikey", "bob-key"), listenerToken("/claims/mcp"),
                "current_weather", "{}");

        assertThat(received.header("x-consumer-username")).isEqualTo("bob");
        assertThat(received.header("x-tenant")).as("neither the listener token's claim nor the client's own").isNull();
        assertThat(received.header("x-sub")).isNull();
        assertThat(received.header("apikey")).isNull();
    }

    @Test
    void aTokenExchangedForTheListenersUpstreamDoesNotReachTheOwningRoutesService() {
        RestUpstream.Received received = call("/exchanging/mcp", Map.of(), listenerToken("/exchanging/mcp"),
                "current_weather", "{}");

        assertThat(received.header("x-consumer-username")).isEqualTo("guest");
        assertThat(received.header("authorization")).isNull();
    }

    /** A token for the listener at {@code listener} alone, with a tenant claim. */
    private static String listenerToken(String listener) {
        return ForgedTokens.signed(as.signingKey(), ForgedTokens.claims(as.issuer(), gateway.proxy(listener).toString(),
                c -> c.claim("tenant", "acme")));
    }

    /** A token the listener at /owned/mcp and the route owning its tools both accept, changed by {@code change}. */
    private static String bothResources(java.util.function.UnaryOperator<com.nimbusds.jwt.JWTClaimsSet.Builder> change) {
        return ForgedTokens.signed(as.signingKey(), ForgedTokens.claims(as.issuer(), gateway.proxy("/owned/mcp").toString(),
                c -> change.apply(c.audience(List.of(gateway.proxy("/owned/mcp").toString(),
                        gateway.proxy("/api/weather").toString())))));
    }

    /** Calls current_weather at {@code path} with {@code credentials}, expecting the owning route's refusal. */
    private static McpHttp.Response refusedCall(String path, Map<String, String> credentials) throws Exception {
        Map<String, String> headers = new HashMap<>(BadTokensIT.headers(credentials));
        McpHttp client = new McpHttp(gateway.proxy(path));
        McpHttp.Response initialized = client.send("POST", BadTokensIT.INITIALIZE, headers);
        assertThat(initialized.status()).as("the listener lets the caller in: %s", initialized).isEqualTo(200);
        headers.put("mcp-session-id", initialized.header("mcp-session-id"));
        headers.put("mcp-protocol-version", "2025-06-18");
        weather.clear();

        McpHttp.Response called = client.send("POST", "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"current_weather\",\"arguments\":{}}}", headers);

        assertThat(called.status()).as("%s", called).isEqualTo(200);
        assertThat(called.json().at("/result/isError").asBoolean()).as("%s", called).isTrue();
        assertThat(weather.quiet(java.time.Duration.ofMillis(300))).as("the weather API was not called").isTrue();
        return called;
    }

    /**
     * Calls {@code tool} at {@code path} with {@code credentials}, a token, and X-Tenant of the client's own;
     * what the weather API received.
     */
    private static RestUpstream.Received call(String path, Map<String, String> credentials, String token, String tool,
                                              String arguments) {
        Map<String, String> sent = new HashMap<>(credentials);
        sent.put("authorization", "Bearer " + token);
        sent.put("X-Tenant", "someone-else");
        Map<String, String> headers = new HashMap<>(BadTokensIT.headers(sent));
        McpHttp client = new McpHttp(gateway.proxy(path));
        McpHttp.Response initialized = client.send("POST", BadTokensIT.INITIALIZE, headers);
        assertThat(initialized.status()).as("%s", initialized).isEqualTo(200);
        headers.put("mcp-session-id", initialized.header("mcp-session-id"));
        headers.put("mcp-protocol-version", "2025-06-18");
        weather.clear();

        McpHttp.Response called = client.send("POST", "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"" + tool + "\",\"arguments\":" + arguments + "}}", headers);

        assertThat(called.json().at("/result/isError").asBoolean()).as("%s", called).isFalse();
        return weather.next();
    }
}
