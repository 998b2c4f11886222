package dev.toolgate.policy.oauth2;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.AuthorizationServer;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.NodeClients;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One route trusting two authorization servers (a workforce and a partner identity provider), tokens
 * checked with signing keys: each server's keys are discovered from its own metadata, and a token is
 * checked only with the keys of the server its {@code iss} names. Two real servers that publish the
 * same key id ({@code trusted-key-1}) with different keys: a merged key set would let one's token pass
 * as the other's.
 */
@Timeout(120)
class SeveralAuthorizationServersIT {

    static AuthorizationServer workforce;
    static AuthorizationServer partner;
    static RestUpstream mcp;
    static RestUpstream weather;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        workforce = AuthorizationServer.start();
        partner = AuthorizationServer.start();
        mcp = OAuthSetup.mcpServer();
        weather = OAuthSetup.weatherApi();
        gateway = OAuthSetup.start(route("m", "${workforce}, ${partner}", "") + route("down", "${workforce}, ${partner}", "")
                        .replaceFirst("(?s)^services:\n", "") + TOOLS,
                Map.of("workforce", workforce.issuer(), "partner", partner.issuer(), "mcp", mcp.url(), "weather", weather.url()));
    }

    /** Gateway sessions bound to their caller ({@code /who}) and one request an hour per credential ({@code /counted}). */
    private static final String TOOLS = """
              - name: weather
                url: ${weather}
                routes:
                  - name: who
                    paths: [/who]
                    plugins:
                      - name: ai-mcp-proxy
                        config:
                          mode: conversion-listener
                          tools:
                            - {name: current_weather, description: Weather, method: GET, path: /api/weather/current.json}
                      - name: ai-mcp-oauth2
                        config:
                          resource: ${proxy}/who
                          authorization_servers: [${workforce}, ${partner}]
                  - name: counted
                    paths: [/counted]
                    plugins:
                      - name: ai-mcp-proxy
                        config:
                          mode: conversion-listener
                          tools:
                            - {name: current_weather, description: Weather, method: GET, path: /api/weather/current.json}
                      - name: ai-mcp-oauth2
                        config:
                          resource: ${proxy}/counted
                          authorization_servers: [${workforce}, ${partner}]
                      - name: rate-limiting
                        config: {hour: 1, limit_by: credential}
            """;

    private static final String CALL = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
            + "{\"name\":\"current_weather\",\"arguments\":{}}}";

    @AfterAll
    static void stop() throws Exception {
        OAuthSetup.close(gateway, mcp, weather, workforce, partner);
    }

    @Test
    void thePartnersAliceCannotUseTheWorkforceAlicesSessionAndEachReachesTheUpstreamUnderHerOwnIssuer() {
        McpHttp client = new McpHttp(gateway.proxy("/who"));
        McpHttp.Response workforceSession = initialize("/who", alice(workforce, "/who"));
        assertThat(workforceSession.status()).as("%s", workforceSession).isEqualTo(200);
        String session = workforceSession.header("mcp-session-id");

        McpHttp.Response taken = client.send("POST", CALL, inSession(alice(partner, "/who"), session));

        assertThat(taken.status()).as("the partner's alice on the workforce's alice's session: %s", taken).isEqualTo(404);
        assertThat(taken.body()).contains("Session not found");
        weather.clear();
        McpHttp.Response own = client.send("POST", CALL, inSession(alice(workforce, "/who"), session));
        assertThat(own.json().at("/result/isError").asBoolean()).as("%s", own).isFalse();
        String partnerSession = initialize("/who", alice(partner, "/who")).header("mcp-session-id");
        McpHttp.Response partners = client.send("POST", CALL, inSession(alice(partner, "/who"), partnerSession));
        assertThat(partners.json().at("/result/isError").asBoolean()).as("%s", partners).isFalse();
        assertThat(weather.received()).extracting(received -> received.header("x-credential-identifier")).containsExactly(
                ServerMetadata.trim(workforce.issuer()) + " alice", ServerMetadata.trim(partner.issuer()) + " alice");
    }

    @Test
    void theSameSubjectAtTheTwoServersIsCountedAsTwoCallers() {
        assertThat(initialize("/counted", alice(workforce, "/counted")).status()).isEqualTo(200);
        assertThat(initialize("/counted", alice(workforce, "/counted")).status()).as("one request an hour").isEqualTo(429);

        McpHttp.Response partners = initialize("/counted", alice(partner, "/counted"));

        assertThat(partners.status()).as("the partner's alice has a count of her own: %s", partners).isEqualTo(200);
    }

    @Test
    void aConsumerClaimWithSeveralAuthorizationServersIsRefusedAtLoad() throws Exception {
        HttpResponse<String> refused = post(route("m", workforce.issuer() + ", " + partner.issuer(),
                " ".repeat(14) + "consumer_claim: [sub]\n"));

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(refused.body()).contains("consumer_claim").contains("authorization_servers lists 2");
    }

    @Test
    void tokenExchangeWithSeveralAuthorizationServersIsRefusedAtLoad() throws Exception {
        HttpResponse<String> refused = post(route("m", workforce.issuer() + ", " + partner.issuer(), """
                              passthrough_credentials: true
                              token_exchange:
                                enabled: true
                                token_endpoint: %s/token
                                client_id: toolgate
                                client_secret: toolgate-secret
                """.formatted(workforce.issuer())));

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(refused.body()).contains("token_exchange.enabled").contains("authorization_servers lists 2")
                .contains("one token_endpoint");
    }

    /** A token {@code server} signs for {@code path}, whose subject is alice. */
    private static String alice(AuthorizationServer server, String path) {
        return ForgedTokens.signed(server.signingKey(), ForgedTokens.claims(server.issuer(), gateway.proxy(path).toString(),
                c -> c.subject("alice")));
    }

    private static Map<String, String> inSession(String token, String session) {
        Map<String, String> headers = new HashMap<>(BadTokensIT.headers(Map.of("authorization", "Bearer " + token)));
        headers.put("mcp-session-id", session);
        headers.put("mcp-protocol-version", "2025-06-18");
        return headers;
    }

    /** A passthrough route {@code /name} trusting {@code servers}; {@code extra}: more of its ai-mcp-oauth2 config, indented. */
    static String route(String name, String servers, String extra) {
        return """
                services:
                  - name: mcp-%1$s
                    url: ${mcp}/mcp
                    routes:
                      - name: %1$s
                        paths: [/%1$s]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                          - name: ai-mcp-oauth2
                            config:
                              resource: ${proxy}/%1$s
                              authorization_servers: [%2$s]
                """.formatted(name, servers) + extra;
    }

    @Test
    void theTypeScriptSdkListsToolsWithATokenOfEitherAuthorizationServer() {
        String resource = gateway.proxy("/m").toString();
        for (AuthorizationServer server : List.of(workforce, partner)) {
            String token = server.token(server.issuer(), resource, "mcp:tools");

            JsonNode listed = NodeClients.require().typescriptSdk(gateway.proxy("/m"),
                    Map.of("authorization", "Bearer " + token), "list").ok();

            List<String> tools = new ArrayList<>();
            listed.get("tools").forEach(tool -> tools.add(tool.get("name").asText()));
            assertThat(tools).as("with a token of %s", server.issuer()).contains("echo");
        }
    }

    @Test
    void aTokenSignedByOneServerNamingTheOtherAsIssuerIsRefusedThoughBothPublishItsKeyId() {
        assertThat(workforce.signingKey().getKeyID()).isEqualTo(partner.signingKey().getKeyID());
        String resource = gateway.proxy("/m").toString();
        assertThat(initialize("/m", partner.token(partner.issuer(), resource, "mcp:tools")).status())
                .as("the partner's keys are known to the gateway").isEqualTo(200);
        assertThat(initialize("/m", workforce.token(workforce.issuer(), resource, "mcp:tools")).status()).isEqualTo(200);

        for (var forged : Map.of(workforce, partner, partner, workforce).entrySet()) {
            String token = ForgedTokens.signed(forged.getKey().signingKey(),
                    ForgedTokens.claims(forged.getValue().issuer(), resource, c -> c));

            McpHttp.Response refused = initialize("/m", token);

            assertThat(refused.status()).as("signed by %s, naming %s", forged.getKey().issuer(),
                    forged.getValue().issuer()).isEqualTo(401);
            assertThat(refused.header("www-authenticate")).contains("error=\"invalid_token\"")
                    .contains("signature does not verify");
        }
    }

    @Test
    void aTokenOfAnIssuerNotListedIsRefusedWithoutFetchingAnyKeys() {
        String resource = gateway.proxy("/m").toString();
        String unlisted = workforce.token(workforce.otherIssuer(), resource, "mcp:tools");
        int[] before = {workforce.otherJwksRequests(), workforce.jwksRequests(), partner.jwksRequests()};

        McpHttp.Response refused = initialize("/m", unlisted);

        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.header("www-authenticate")).contains("not issued by a trusted authorization server");
        assertThat(new int[]{workforce.otherJwksRequests(), workforce.jwksRequests(), partner.jwksRequests()})
                .as("key sets asked for: the unlisted issuer's, then the listed ones'").containsExactly(before);
    }

    @Test
    void aListedServersTokenWhoseClaimsDoNotParseIsRefusedAsMalformedNotAsUntrusted() {
        String resource = gateway.proxy("/m").toString();
        String token = ForgedTokens.signed(partner.signingKey(), ForgedTokens.claims(partner.issuer(), resource,
                c -> c.claim("sub", Map.of("a", 1))));

        McpHttp.Response refused = initialize("/m", token);

        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.header("www-authenticate")).contains("error=\"invalid_token\"")
                .contains("the token's claims are malformed");
    }

    @Test
    void whileOneServerIsDownTheOthersTokensPassAndItsOwnGet503() {
        String resource = gateway.proxy("/down").toString();
        String workforceToken = workforce.token(workforce.issuer(), resource, "mcp:tools");
        String partnerToken = partner.token(partner.issuer(), resource, "mcp:tools");
        partner.down();
        try {
            McpHttp.Response unavailable = initialize("/down", partnerToken);

            assertThat(unavailable.status()).as("the partner's keys were never fetched for this route").isEqualTo(503);
            assertThat(unavailable.header("retry-after")).isEqualTo("5");
            assertThat(unavailable.json().at("/error/message").asText()).contains("authorization server could not be reached")
                    .doesNotContain("127.0.0.1");
            assertThat(initialize("/down", workforceToken).status()).isEqualTo(200);
        } finally {
            partner.up();
        }
    }

    @Test
    void theProtectedResourceMetadataNamesEveryAuthorizationServer() throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    gateway.proxy("/.well-known/oauth-protected-resource/m")).GET().build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            List<String> servers = new ArrayList<>();
            Json.MAPPER.readTree(response.body()).get("authorization_servers").forEach(s -> servers.add(s.asText()));
            assertThat(servers).containsExactly(workforce.issuer(), partner.issuer());
        }
    }

    @Test
    void oneKeySourceForSeveralAuthorizationServersIsRefusedAtLoadAndTheRunningConfigKeepsServing() throws Exception {
        for (String field : List.of("jwks_endpoint: %s/jwks", "metadata_discovery_endpoint: %s/.well-known/openid-configuration")) {
            HttpResponse<String> refused = post(route("m", workforce.issuer() + ", " + partner.issuer(),
                    " ".repeat(14) + field.formatted(workforce.issuer()) + "\n"));

            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
            assertThat(refused.body()).contains(field.substring(0, field.indexOf(':')))
                    .contains("authorization_servers lists 2");
        }
        String resource = gateway.proxy("/m").toString();
        assertThat(initialize("/m", partner.token(partner.issuer(), resource, "mcp:tools")).status()).isEqualTo(200);
    }

    @Test
    void twoAuthorizationServersWithIntrospectionLoad() throws Exception {
        HttpResponse<String> loaded = post(route("m", workforce.issuer() + ", " + partner.issuer(), """
                              introspection_endpoint: %s/token/introspection
                              client_id: toolgate
                              client_secret: toolgate-secret
                """.formatted(workforce.issuer())));
        try {
            assertThat(loaded.statusCode()).as(loaded.body()).isEqualTo(200);
        } finally {
            assertThat(post(route("m", workforce.issuer() + ", " + partner.issuer(), "")
                    + route("down", workforce.issuer() + ", " + partner.issuer(), "").replaceFirst("(?s)^services:\n", "")
                    + TOOLS).statusCode()).isEqualTo(200);
        }
    }

    private static HttpResponse<String> post(String yaml) throws Exception {
        String document = "_format_version: \"3.0\"\n" + yaml.replace("${proxy}", "http://127.0.0.1:"
                + gateway.gateway().proxyPort()).replace("${mcp}", mcp.url()).replace("${weather}", weather.url())
                .replace("${workforce}", workforce.issuer()).replace("${partner}", partner.issuer());
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(HttpRequest.newBuilder(gateway.admin("/config"))
                    .POST(HttpRequest.BodyPublishers.ofString(document)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private static McpHttp.Response initialize(String path, String token) {
        return new McpHttp(gateway.proxy(path)).send("POST", BadTokensIT.INITIALIZE,
                BadTokensIT.headers(Map.of("authorization", "Bearer " + token)));
    }
}
