package dev.toolgate.policy.oauth2;

import dev.toolgate.cluster.FakeClock;
import dev.toolgate.testing.AuthorizationServer;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An introspection answer is reused until the token's {@code exp} and not a second longer, however
 * large {@code jwt_claims_leeway} is: past {@code exp} the authorization server is asked again, on a
 * clock the test moves.
 */
@Timeout(90)
class IntrospectionExpiryIT {

    /** The authorization server's opaque tokens live 300 s of real time: the gateway's clock starts now. */
    static final FakeClock clock = new FakeClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    static AuthorizationServer as;
    static RestUpstream weather;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        as = AuthorizationServer.start();
        weather = OAuthSetup.weatherApi();
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
                              jwt_claims_leeway: 3600
                """, Map.of("issuer", as.issuer(), "weather", weather.url()), clock);
    }

    @AfterAll
    static void stop() throws Exception {
        OAuthSetup.close(gateway, weather, as);
    }

    @Test
    void aCachedIntrospectionIsNotServedPastTheTokensExpiryWhateverTheLeeway() {
        String endpoint = gateway.proxy("/opaque").toString();
        Instant issued = clock.instant();
        String opaque = as.token(as.issuer(), endpoint, "mcp:tools");
        int before = as.introspections();

        assertThat(initialize(endpoint, opaque).status()).isEqualTo(200);
        clock.set(issued.plusSeconds(290));
        assertThat(initialize(endpoint, opaque).status()).isEqualTo(200);
        assertThat(as.introspections() - before).as("before exp, the cached answer").isEqualTo(1);

        clock.set(issued.plusSeconds(310));
        initialize(endpoint, opaque);
        assertThat(as.introspections() - before).as("past exp, the authorization server is asked again").isEqualTo(2);
    }

    private static McpHttp.Response initialize(String endpoint, String token) {
        return new McpHttp(java.net.URI.create(endpoint)).send("POST", BadTokensIT.INITIALIZE,
                BadTokensIT.headers(Map.of("authorization", "Bearer " + token)));
    }
}
