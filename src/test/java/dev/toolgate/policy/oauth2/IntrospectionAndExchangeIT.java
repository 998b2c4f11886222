package dev.toolgate.policy.oauth2;

import com.fasterxml.jackson.databind.JsonNode;
import ch.qos.logback.classic.Level;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.AuthorizationServer;
import dev.toolgate.testing.CapturedLog;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Opaque tokens checked by introspection (RFC 7662) at the real authorization server, and token
 * exchange (RFC 8693): the upstream gets a token the authorization server minted for it, never the
 * client's, and one exchange serves the client's token until the exchanged one expires. Requests that bring
 * the same new token at once share one call to the authorization server.
 */
@Timeout(90)
class IntrospectionAndExchangeIT {

    static AuthorizationServer as;
    static RestUpstream weather;
    static RestUpstream mcp;
    static TestGateway gateway;
    /** A token endpoint answering what the test sets: status, content type, body. */
    static RestUpstream tokens;
    static final java.util.concurrent.atomic.AtomicReference<String[]> TOKEN_ANSWER = new java.util.concurrent.atomic.AtomicReference<>();

    @BeforeAll
    static void start() {
        as = AuthorizationServer.start();
        weather = OAuthSetup.weatherApi();
        mcp = OAuthSetup.mcpServer();
        tokens = new RestUpstream().onBody("POST /token", (r, body) -> {
            String[] answer = TOKEN_ANSWER.get();
            r.response().setStatusCode(Integer.parseInt(answer[0])).putHeader("content-type", answer[1]).end(answer[2]);
        });
        gateway = OAuthSetup.start("""
                services:
                  - name: weather-api
                    url: ${weather}
                    routes:
                      - name: opaque
                        paths: [/opaque]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: current_weather, description: Current weather, method: GET, path: /api/weather/current.json}
                          - name: ai-mcp-oauth2
                            config:
                              resource: ${proxy}/opaque
                              authorization_servers: [${issuer}]
                              introspection_endpoint: ${issuer}/token/introspection
                              client_id: toolgate
                              client_secret: toolgate-secret
                              client_auth: client_secret_post
                  - name: mcp-server
                    url: ${mcp}/mcp
                    routes:
                      - name: exchange
                        paths: [/exchange]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                          - name: ai-mcp-oauth2
                            config:
                              resource: ${proxy}/exchange
                              authorization_servers: [${issuer}]
                              passthrough_credentials: true
                              token_exchange:
                                enabled: true
                                token_endpoint: ${issuer}/token
                                client_id: toolgate
                                client_secret: toolgate-secret
                                request:
                                  audience: [upstream-api]
                      - name: stub-exchange
                        paths: [/stub-exchange]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                          - name: ai-mcp-oauth2
                            config:
                              resource: ${proxy}/stub-exchange
                              authorization_servers: [${issuer}]
                              passthrough_credentials: true
                              token_exchange:
                                enabled: true
                                token_endpoint: ${tokens}/token
                                client_id: toolgate
                                client_secret: toolgate-secret
                """, withTokens(OAuthSetup.values(as, weather, mcp)));
    }

    private static Map<String, String> withTokens(Map<String, String> values) {
        Map<String, String> all = new java.util.HashMap<>(values);
        all.put("tokens", tokens.url());
        return all;
    }

    @AfterAll
    static void stop() throws Exception {
        OAuthSetup.close(gateway, weather, mcp, tokens, as);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} {1}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "400 | text/html | <html>blocked by the firewall</html> | 503",
            "400 | application/json | {} | 503",
            "401 | application/json | {\"error\":\"invalid_client\"} | 503",
            "401 | application/json | {\"error\":\"invalid_token\"} | 503",
            "429 | application/json | {\"error\":\"invalid_request\"} | 503",
            "403 | application/json | {\"error\":\"access_denied\"} | 403",
            "400 | application/json | {\"error\":\"invalid_grant\"} | 403"})
    void aTokenEndpointsRefusalIs403AndAnythingElseIsAnOutage(int status, String type, String body, int expected) {
        TOKEN_ANSWER.set(new String[] {String.valueOf(status), type, body});
        String endpoint = gateway.proxy("/stub-exchange").toString();

        McpHttp.Response answer = initialize(endpoint, as.token(as.issuer(), endpoint, "mcp:tools"));

        assertThat(answer.status()).as("%s", answer).isEqualTo(expected);
        if (expected == 503) {
            assertThat(answer.header("retry-after")).isEqualTo("5");
        }
    }

    @Test
    void anOpaqueTokenIsAcceptedAfterIntrospectionAndAnUnknownOneIsRefused() {
        String endpoint = gateway.proxy("/opaque").toString();
        String opaque = as.token(as.issuer(), endpoint, "mcp:tools");
        assertThat(opaque).doesNotContain(".");

        assertThat(initialize(endpoint, opaque).status()).isEqualTo(200);
        assertThat(initialize(endpoint, opaque).status()).as("the second time from the cache").isEqualTo(200);
        McpHttp.Response refused = initialize(endpoint, "not-a-token-the-server-issued");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.header("www-authenticate")).contains("the token is not active");
        assertThat(weather.received()).allSatisfy(r -> assertThat(r.header("authorization")).isNull());
    }

    @Test
    void requestsThatBringOneNewTokenAtOnceShareOneIntrospection() throws Exception {
        String endpoint = gateway.proxy("/opaque").toString();
        String opaque = as.token(as.issuer(), endpoint, "mcp:tools");
        int before = as.introspections();
        int clients = 16;
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                statuses.add(pool.submit(() -> {
                    go.await();
                    return initialize(endpoint, opaque).status();
                }));
            }
            go.countDown();
            for (Future<Integer> status : statuses) {
                assertThat(status.get()).isEqualTo(200);
            }
        }
        assertThat(as.introspections() - before).as("introspections for %d requests at once", clients).isEqualTo(1);
    }

    @Test
    void theUpstreamReceivesAnExchangedTokenAndNeverTheClients() {
        String endpoint = gateway.proxy("/exchange").toString();
        String client = as.token(as.issuer(), endpoint, "mcp:tools");
        int before = as.exchanges();

        assertThat(initialize(endpoint, client).status()).isEqualTo(200);
        assertThat(initialize(endpoint, client).status()).isEqualTo(200);

        assertThat(as.exchanges() - before).as("one exchange, then the cached token").isEqualTo(1);
        assertThat(mcp.received()).hasSizeGreaterThanOrEqualTo(2).allSatisfy(received -> {
            String upstreamToken = received.header("authorization").substring("Bearer ".length());
            assertThat(upstreamToken).isNotEqualTo(client);
            JsonNode claims = payload(upstreamToken);
            assertThat(claims.get("azp").asText()).isEqualTo("toolgate");
            assertThat(claims.get("aud").asText()).isEqualTo("upstream-api");
            assertThat(claims.get("sub").asText()).isEqualTo("mcp-client");
        });
    }

    @Test
    void whileTheAuthorizationServerAnswers503ExchangesAndIntrospectionsAre503WithOneWarningEach() {
        String exchange = gateway.proxy("/exchange").toString();
        String opaque = gateway.proxy("/opaque").toString();
        assertThat(initialize(exchange, as.token(as.issuer(), exchange, "mcp:tools")).status())
                .as("the signing keys are known before the outage").isEqualTo(200);
        List<String> exchangeTokens = new ArrayList<>();
        List<String> opaqueTokens = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            exchangeTokens.add(as.token(as.issuer(), exchange, "mcp:tools"));
            opaqueTokens.add(as.token(as.issuer(), opaque, "mcp:tools"));
        }
        try (CapturedLog log = CapturedLog.of("dev.toolgate.policy.oauth2", Level.INFO)) {
            as.down();
            for (int i = 0; i < 3; i++) {
                for (McpHttp.Response refused : List.of(initialize(exchange, exchangeTokens.get(i)),
                        initialize(opaque, opaqueTokens.get(i)))) {
                    assertThat(refused.status()).as("%s", refused).isEqualTo(503);
                    assertThat(refused.header("retry-after")).isEqualTo("5");
                    assertThat(refused.json().at("/error/message").asText()).doesNotContain("127.0.0.1");
                }
            }
            assertThat(log.since(0)).as("one warning for each plugin's outage, not one a request: %s", log.text())
                    .hasSize(2).allSatisfy(line -> assertThat(line.getLevel()).isEqualTo(Level.WARN));
        } finally {
            as.up();
        }
        assertThat(initialize(exchange, exchangeTokens.get(0)).status()).as("served again after the outage").isEqualTo(200);
    }

    private static JsonNode payload(String jwt) {
        try {
            return Json.parse(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static McpHttp.Response initialize(String endpoint, String token) {
        return new McpHttp(URI.create(endpoint)).send("POST", BadTokensIT.INITIALIZE,
                BadTokensIT.headers(Map.of("authorization", "Bearer " + token)));
    }
}
