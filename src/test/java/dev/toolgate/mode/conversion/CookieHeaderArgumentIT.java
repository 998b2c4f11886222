package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Date;
import java.util.Map;

import static dev.toolgate.testing.McpAssertions.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A header parameter named {@code Cookie} (OpenAPI 3 ignores only {@code Accept}, {@code Content-Type} and
 * {@code Authorization} header parameters): its argument is the request's {@code Cookie}, as any header argument
 * replaces the client's header of its name, whether or not a jwt read a token cookie and passed the client's
 * other cookies on; cookie parameters join it, and the client's token cookie never does.
 */
@Timeout(30)
class CookieHeaderArgumentIT {

    static final String SECRET = "cookie-header-argument-secret-32-bytes!";
    static RestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream().json("GET /profile", 200, "{}");
        String tool = """
                                - name: profile
                                  description: The profile of the app's session
                                  method: GET
                                  path: /profile
                                  parameters:
                                    - {name: Cookie, in: header, schema: {type: string}}
                                    - {name: sid, in: cookie, schema: {type: string}}
                                - name: token_session
                                  description: The session of the app's token
                                  method: GET
                                  path: /profile
                                  parameters:
                                    - {name: Cookie, in: header, schema: {type: string}}
                                    - {name: token, in: cookie, schema: {type: string}}
                                - name: service_session
                                  description: The profile under the operator's token
                                  method: GET
                                  path: /profile
                                  headers: {Cookie: ["token=operator-token"]}
                                  parameters:
                                    - {name: sid, in: cookie, schema: {type: string}}
                """;
        String jwt = """
                          - name: jwt
                            config: {cookie_names: [token], header_names: [], uri_param_names: []}
                """;
        gateway = TestGateway.start("""
                _format_version: "3.0"
                consumers:
                  - username: alice
                    jwt_secrets: [{key: alice-iss, algorithm: HS256, secret: "%2$s"}]
                services:
                  - name: api
                    url: %1$s
                    routes:
                      - name: open
                        paths: [/open]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                %3$s
                      - name: jwt
                        paths: [/jwt]
                        plugins:
                %4$s
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                %3$s
                      - name: jwt-isolated
                        paths: [/jwt-isolated]
                        plugins:
                %4$s
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server: {forward_client_headers: false}
                              tools:
                %3$s
                """.formatted(upstream.url(), SECRET, tool, jwt));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void forget() {
        upstream.clear();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/open", "/jwt", "/jwt-isolated"})
    void aCookieHeaderArgumentIsTheUpstreamsCookieWithTheCookieParametersFilledFromTheClientsCookies(String route)
            throws JOSEException {
        JsonNode result = session(route).call("profile", "{\"header_Cookie\":\"app=a1; lang=fr\"}");

        assertThat(result.get("isError").asBoolean()).as(text(result)).isFalse();
        assertThat(upstream.next().headers().getAll("cookie")).as("never the client's token nor its theme")
                .containsExactly("app=a1; lang=fr; sid=client-sid");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/open", "/jwt", "/jwt-isolated"})
    void aCookieArgumentWinsOverTheSameCookieInTheCookieHeaderArgument(String route) throws JOSEException {
        JsonNode result = session(route).call("profile",
                "{\"header_Cookie\":\"sid=from-header; app=a1\",\"cookie_sid\":\"from-argument\"}");

        assertThat(result.get("isError").asBoolean()).as(text(result)).isFalse();
        assertThat(upstream.next().headers().getAll("cookie")).containsExactly("sid=from-argument; app=a1");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/jwt", "/jwt-isolated"})
    void aCookieHeaderArgumentSendsNoCookieOfTheNameJwtReadsATokenFrom(String route) throws JOSEException {
        JsonNode result = session(route).call("profile",
                "{\"header_Cookie\":\"token=forged; app=a1; TOKEN=other; token =spaced; lang=fr token=hidden; token[a]=nested\"}");

        assertThat(result.get("isError").asBoolean()).as(text(result)).isFalse();
        assertThat(upstream.next().headers().getAll("cookie")).as("the token's name is the gateway's to check")
                .containsExactly("app=a1; sid=client-sid");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/jwt", "/jwt-isolated"})
    void aCookieHeaderArgumentOfTheTokenCookieAloneSendsNoCookie(String route) throws JOSEException {
        JsonNode result = session(route, "token=" + token()).call("profile", "{\"header_Cookie\":\"token=forged\"}");

        assertThat(result.get("isError").asBoolean()).as(text(result)).isFalse();
        assertThat(upstream.next().headers().contains("cookie")).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/jwt", "/jwt-isolated"})
    void aCookieParameterArgumentNamedAsTheTokenCookieIsNotSent(String route) throws JOSEException {
        JsonNode result = session(route).call("token_session",
                "{\"header_Cookie\":\"app=a1\",\"cookie_token\":\"forged\"}");

        assertThat(result.get("isError").asBoolean()).as(text(result)).isFalse();
        assertThat(upstream.next().headers().getAll("cookie")).containsExactly("app=a1");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/open", "/jwt", "/jwt-isolated"})
    void aFixedCookieOfTheTokensNameIsTheOperatorsAndIsSent(String route) throws JOSEException {
        JsonNode result = session(route).call("service_session", "{}");

        assertThat(result.get("isError").asBoolean()).as(text(result)).isFalse();
        assertThat(upstream.next().headers().getAll("cookie")).containsExactly("token=operator-token; sid=client-sid");
    }

    /** A session whose client sends its token cookie beside a cookie of its own and one the tool reads. */
    private static McpHttp session(String route) throws JOSEException {
        return session(route, "theme=dark; token=" + token() + "; sid=client-sid");
    }

    private static McpHttp session(String route, String cookie) {
        McpHttp mcp = new McpHttp(gateway.proxy(route), Map.of("cookie", cookie));
        assertThat(mcp.initialize("2025-06-18").status()).isEqualTo(200);
        return mcp;
    }

    private static String token() throws JOSEException {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("alice-iss")
                .expirationTime(new Date(System.currentTimeMillis() + 300_000)).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(SECRET));
        return jwt.serialize();
    }
}
