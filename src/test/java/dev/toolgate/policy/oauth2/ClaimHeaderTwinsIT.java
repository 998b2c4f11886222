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
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A claim header spelled with underscores ({@code claim_to_header: X_User_Id}) before a CGI/WSGI upstream, which
 * reads {@code X_User_Id} and {@code X-User-Id} as one variable ({@code HTTP_X_USER_ID}): a caller sending the
 * claim's value under the gateway's spelling and another user under the dashed one must not be read as that user.
 */
@Timeout(120)
class ClaimHeaderTwinsIT {

    static AuthorizationServer as;
    static RestUpstream weather;
    static RestUpstream mcp;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        as = AuthorizationServer.start();
        weather = OAuthSetup.weatherApi();
        mcp = OAuthSetup.mcpServer();
        String oauth = """
                          - name: ai-mcp-oauth2
                            config:
                              resource: ${proxy}%s
                              authorization_servers: [${issuer}]
                              claim_to_header:
                                - {claim: sub, header: X_User_Id}
                """;
        gateway = OAuthSetup.start("""
                services:
                  - name: weather-api
                    url: ${weather}
                    routes:
                      - name: conversion-listener
                        paths: [/mcp-cl]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - description: Current weather
                                  name: current_weather
                                  method: GET
                                  path: /api/weather/current.json
                                  parameters: [{name: q, in: query, required: true, schema: {type: string}}]
                                - description: Current weather for the user the caller names
                                  name: weather_for
                                  method: GET
                                  path: /api/weather/current.json
                                  parameters: [{name: X-User-Id, in: header, schema: {type: string}}]
                """ + oauth.formatted("/mcp-cl") + """
                  - name: mcp-server
                    url: ${mcp}/mcp
                    routes:
                      - name: passthrough
                        paths: [/mcp-pass]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                """ + oauth.formatted("/mcp-pass"), OAuthSetup.values(as, weather, mcp));
    }

    @AfterAll
    static void stop() throws Exception {
        OAuthSetup.close(gateway, weather, mcp, as);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/mcp-pass", "/mcp-cl"})
    void aCallersDashedTwinOfAnUnderscoreClaimHeaderNeverReachesTheUpstream(String path) {
        String token = as.token(as.issuer(), gateway.proxy(path).toString(), "mcp:tools");
        McpHttp client = new McpHttp(gateway.proxy(path), Map.of("authorization", "Bearer " + token,
                "X_User_Id", "mcp-client", "X-User-Id", "admin"));
        boolean passthrough = path.equals("/mcp-pass");
        RestUpstream upstream = passthrough ? mcp : weather;
        upstream.clear();

        assertThat(client.initialize("2025-06-18").status()).isEqualTo(200);
        client.call(passthrough ? "echo" : "current_weather", passthrough ? "{}" : "{\"query_q\":\"Paris\"}");

        List<RestUpstream.Received> received = upstream.received();
        assertThat(received).isNotEmpty().allSatisfy(r -> {
            assertThat(r.headers().getAll("x_user_id")).as("the gateway's claim").containsExactly("mcp-client");
            assertThat(r.headers().contains("X-User-Id")).as("the caller's dashed twin").isFalse();
        });
    }

    @Test
    void aHeaderArgumentSpelledOtherwiseThanTheClaimHeaderIsNotSentBesideIt() {
        // the argument X-User-Id is the claim's X_User_Id to a CGI/WSGI upstream: it would name another user
        String token = as.token(as.issuer(), gateway.proxy("/mcp-cl").toString(), "mcp:tools");
        McpHttp client = new McpHttp(gateway.proxy("/mcp-cl"), Map.of("authorization", "Bearer " + token));
        weather.clear();

        assertThat(client.initialize("2025-06-18").status()).isEqualTo(200);
        JsonNode result = client.call("weather_for", "{\"header_X-User-Id\":\"admin\"}");

        assertThat(result.get("isError").asBoolean()).as("%s", result).isFalse();
        RestUpstream.Received received = weather.next();
        assertThat(received.headers().getAll("x_user_id")).as("the gateway's claim").containsExactly("mcp-client");
        assertThat(received.headers().contains("X-User-Id")).as("the caller's argument").isFalse();
    }
}
