package dev.toolgate.mode.limit;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.toolgate.cluster.FakeClock;
import dev.toolgate.testing.LiveFeed;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tool's own limit when a listener serves it: counted for the caller the tool's owning route finds, as that
 * route's rate-limiting is, however the listener identified the caller; the listener's own {@code tool_limits}
 * count the listener's caller.
 */
@Timeout(60)
class ListenerToolLimitsIT {

    static final String SECRET = "a-secret-of-at-least-thirty-two-bytes-long";

    private final FakeClock clock = new FakeClock(Instant.parse("2026-11-24T10:00:30Z"));
    private RestUpstream upstream;
    private TestGateway gateway;

    @BeforeEach
    void start() {
        upstream = new RestUpstream().json("GET /ping", 200, "{}").json("GET /pong", 200, "{}")
                .json("GET /files/docs", 200, "{}");
        gateway = TestGateway.start("""
                _format_version: "3.0"
                consumers:
                  - username: guest
                  - username: alice
                    keyauth_credentials: [{key: alice-key}]
                    jwt_secrets: [{key: alice-iss, algorithm: HS256, secret: "%2$s"}]
                  - username: bob
                    keyauth_credentials: [{key: bob-key}]
                    jwt_secrets: [{key: bob-iss, algorithm: HS256, secret: "%2$s"}]
                services:
                  - name: team
                    url: %1$s
                    routes:
                      - name: signed
                        paths: [/signed]
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [signed]
                            config:
                              mode: conversion-listener
                              server: {session: {managed: false}}
                              tool_limits: {minute: 2}
                              tools:
                                - {name: ping, description: Ping, method: GET, path: /ping}
                          - name: jwt
                      - name: open
                        paths: [/open]
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [open]
                            config:
                              mode: conversion-only
                              tools:
                                - {name: pong, description: Pong, method: GET, path: /pong, limit: {minute: 1}}
                      - name: files
                        paths: [/files]
                        plugins:
                          - name: request-transformer
                            config:
                              replace: {uri: "/files/$(query_params.folder or \\"shared\\")"}
                          - name: ai-mcp-proxy
                            tags: [files]
                            config:
                              mode: conversion-only
                              tools:
                                - {name: listFiles, description: Files, method: GET, path: /files, limit: {minute: 1}}
                  - name: front
                    url: %1$s
                    routes:
                      - name: front
                        paths: [/front]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: listener, server: {tag: signed, session: {managed: false}}}
                          - name: key-auth
                            config: {anonymous: guest}
                      - name: counted
                        paths: [/counted]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: listener
                              tool_limits: {minute: 3}
                              server: {tag: signed, session: {managed: false}}
                          - name: key-auth
                            config: {anonymous: guest}
                      - name: folders
                        paths: [/folders]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: listener, server: {tag: files, session: {managed: false}}}
                      - name: keyed
                        paths: [/keyed]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: listener, server: {tag: open, session: {managed: false}}}
                          - name: key-auth
                """.formatted(upstream.url(), SECRET), clock);
    }

    @AfterEach
    void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void twoUsersOfOneSharedListenerCallerEachHaveTheirOwnCountOfTheToolsOwnLimit() throws JOSEException {
        assertThat(isError(call("/front", "ping", bearer("alice-iss")))).isFalse();
        assertThat(isError(call("/front", "ping", bearer("alice-iss")))).isFalse();
        JsonNode limited = call("/front", "ping", bearer("alice-iss"));

        assertThat(isError(limited)).isTrue();
        assertThat(limited.at("/result/content/0/text").asText())
                .isEqualTo("Rate limit reached: tool 'ping' allows 2 calls per minute per caller. Retry in 30 seconds.");
        assertThat(limited.at("/result/_meta/dev.toolgate~1rateLimit/limit").asLong()).isEqualTo(2);
        // the listener lets both in as its anonymous guest; the owning route's jwt tells them apart
        JsonNode bobs = call("/front", "ping", bearer("bob-iss"));
        assertThat(isError(bobs)).as("%s", bobs).isFalse();
        assertThat(upstream.count("GET /ping")).as("the limited call never reached the API").isEqualTo(3);
        // the operator sees the refusal as the limit's on the live traffic page
        JsonNode seen = LiveFeed.event(gateway, e -> "ping".equals(e.path("tool").asText())
                && "reject".equals(e.path("rate_limit").asText()));
        assertThat(seen.path("status").asText()).as("%s", seen).isEqualTo("error");
    }

    @Test
    void aToolsOwnLimitIsOneCountPerCallerOfItsRouteWhicheverEndpointServesTheCall() throws JOSEException {
        assertThat(isError(call("/signed", "ping", bearer("alice-iss")))).isFalse();
        assertThat(isError(call("/front", "ping", bearer("alice-iss")))).isFalse();

        assertThat(call("/front", "ping", bearer("alice-iss")).at("/result/content/0/text").asText())
                .startsWith("Rate limit reached: tool 'ping' allows 2 calls per minute per caller.");
        assertThat(isError(call("/signed", "ping", bearer("bob-iss")))).as("bob's own count").isFalse();
    }

    @Test
    void theListenersOwnToolLimitsCountItsCallerAndACallTheToolsLimitRefusesSpendsNoneOfThem() throws JOSEException {
        assertThat(isError(call("/counted", "ping", bearer("alice-iss")))).isFalse();
        assertThat(isError(call("/counted", "ping", bearer("alice-iss")))).isFalse();
        assertThat(call("/counted", "ping", bearer("alice-iss")).at("/result/content/0/text").asText())
                .contains("'ping' allows 2 calls");

        assertThat(isError(call("/counted", "ping", bearer("bob-iss")))).as("the guest's third call").isFalse();
        JsonNode fourth = call("/counted", "ping", bearer("bob-iss"));
        assertThat(fourth.at("/result/content/0/text").asText()).as("the listener counts its guest, whoever signed")
                .isEqualTo("Rate limit reached: tool 'ping' allows 3 calls per minute per caller. Retry in 30 seconds.");
    }

    @Test
    void anOwningRouteWithoutAuthenticationCountsTheCallerTheListenerFound() {
        assertThat(isError(call("/keyed", "pong", Map.of("apikey", "alice-key")))).isFalse();
        assertThat(call("/keyed", "pong", Map.of("apikey", "alice-key")).at("/result/content/0/text").asText())
                .isEqualTo("Rate limit reached: tool 'pong' allows 1 call per minute per caller. Retry in 30 seconds.");
        assertThat(isError(call("/keyed", "pong", Map.of("apikey", "bob-key")))).as("bob's own count").isFalse();
    }

    @Test
    void aCallTheOwningRoutesTransformerRefusesSpendsNothingOfTheToolsOwnLimit() {
        JsonNode refused = call("/folders?folder=..", "listFiles", Map.of());
        assertThat(refused.at("/result/content/0/text").asText()).as("%s", refused).contains("HTTP 400")
                .contains("dot segment");

        JsonNode listed = call("/folders?folder=docs", "listFiles", Map.of());
        assertThat(isError(listed)).as("the one call a minute allows: %s", listed).isFalse();
        assertThat(call("/folders?folder=docs", "listFiles", Map.of()).at("/result/content/0/text").asText())
                .startsWith("Rate limit reached: tool 'listFiles' allows 1 call per minute");
    }

    private JsonNode call(String path, String tool, Map<String, String> credentials) {
        Map<String, String> headers = new HashMap<>(Map.of("content-type", "application/json",
                "accept", McpHttp.ACCEPT_BOTH));
        headers.putAll(credentials);
        McpHttp.Response response = new McpHttp(gateway.proxy(path)).send("POST",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\"}}", headers);
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        return response.json();
    }

    private static boolean isError(JsonNode answer) {
        assertThat(answer.has("result")).as("%s", answer).isTrue();
        return answer.at("/result/isError").asBoolean();
    }

    /** An Authorization header with a token the owning route's jwt finds the key's consumer in. */
    private static Map<String, String> bearer(String issuer) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
                new JWTClaimsSet.Builder().issuer(issuer).subject("user").build());
        jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        return Map.of("authorization", "Bearer " + jwt.serialize());
    }
}
