package dev.toolgate.policy.jwt;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.CapturedLog;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RawConnection;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URI;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kong's {@code jwt} plugin with consumers' {@code jwt_secrets} (HS256, RS256, PS256, ES256): a token
 * signed with a consumer's secret identifies the consumer; every refusal is Kong's 401 and words; the
 * token never reaches the upstream, wherever it was found (header, query argument, cookie), nor does
 * anything under the configured names when jwt lets a request pass without reading it (a preflight, a
 * listener's tool call replayed on the route that owns the tool); logs mask those names.
 */
@Timeout(60)
class JwtPluginIT {

    static final String HMAC = "alice-hs256-secret-at-least-32-bytes!";
    static RSAKey rsa;
    static ECKey ec;
    static RestUpstream upstream;
    /** http-log's receiver for the route with names no one would take for secret ones. */
    static RestUpstream logs;
    static TestGateway gateway;

    @BeforeAll
    static void start() throws JOSEException {
        rsa = new RSAKeyGenerator(2048).generate();
        ec = new ECKeyGenerator(Curve.P_256).generate();
        upstream = new RestUpstream().json("GET /api/weather", 200, "{\"temp_c\":11}")
                .on("OPTIONS /mcp", r -> r.response().setStatusCode(204).end())
                .json("POST /mcp", 200, "{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":{}}");
        logs = new RestUpstream().on("POST /logs", r -> r.response().setStatusCode(200).end());
        gateway = TestGateway.start("""
                _format_version: "3.0"
                consumers:
                  - username: alice
                    jwt_secrets: [{key: alice-iss, algorithm: HS256, secret: "%s"}]
                  - username: bob
                    acls: [{group: partners}]
                    jwt_secrets:
                      - {key: bob-iss, algorithm: RS256, rsa_public_key: "%s"}
                      - {key: bob-ps, algorithm: PS256, rsa_public_key: "%s"}
                  - username: carol
                    jwt_secrets: [{key: carol-iss, algorithm: ES256, rsa_public_key: "%s"}]
                  - {username: guest, acls: [{group: guests}]}
                  - {username: dora, keyauth_credentials: [{key: dora-key}]}
                  - {username: pat, acls: [{group: partners}], keyauth_credentials: [{key: pat-key}]}
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools: [{name: weather, description: Weather, method: GET, path: /api/weather}]
                          - name: jwt
                            config: {claims_to_verify: [exp], realm: toolgate}
                      - name: cookie
                        paths: [/cookie]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools: [{name: weather, description: Weather, method: GET, path: /api/weather}]
                          - name: jwt
                            config: {cookie_names: [token], uri_param_names: []}
                      - name: php-cookie
                        paths: [/php-cookie]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools: [{name: weather, description: Weather, method: GET, path: /api/weather}]
                          - name: jwt
                            config: {cookie_names: [my_token], uri_param_names: []}
                      - name: cookie-arguments
                        paths: [/cookie-arguments]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server: {forward_client_headers: false}
                              tools:
                                - name: weather
                                  description: Weather
                                  method: GET
                                  path: /api/weather
                                  parameters:
                                    - {name: token, in: cookie, schema: {type: string}}
                                    - {name: other, in: cookie, schema: {type: string}}
                          - name: jwt
                            config: {cookie_names: [token], uri_param_names: []}
                      - name: owner
                        paths: [/owner]
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [owned]
                            config:
                              mode: conversion-only
                              tools: [{name: weather, description: Weather, method: GET, path: /api/weather}]
                          - name: jwt
                            config: {header_names: [x-token], cookie_names: [session]}
                      - name: cookie-owner
                        paths: [/cookie-owner]
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [cookied]
                            config:
                              mode: conversion-only
                              tools: [{name: weather, description: Weather, method: GET, path: /api/weather}]
                          - {name: jwt, config: {cookie_names: [session], header_names: [], uri_param_names: []}}
                      - name: open-almanac
                        paths: [/open-almanac]
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [cookied]
                            config:
                              mode: conversion-only
                              tools:
                                - name: almanac
                                  description: Almanac
                                  method: GET
                                  path: /api/weather
                                  parameters:
                                    - {name: session, in: cookie, schema: {type: string}}
                                    - {name: other, in: cookie, schema: {type: string}}
                      - name: partner-owner
                        paths: [/partner-owner]
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [partnered]
                            config:
                              mode: conversion-only
                              tools: [{name: forecast, description: Forecast, method: GET, path: /api/weather}]
                          - {name: jwt, config: {header_names: [x-token]}}
                          - {name: acl, config: {allow: [partners]}}
                      - name: logged
                        paths: [/logged]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools: [{name: weather, description: Weather, method: GET, path: /api/weather}]
                          - {name: jwt, config: {header_names: [x-pass], uri_param_names: [pass]}}
                          - {name: http-log, config: {http_endpoint: '%6$s/logs'}}
                  - name: either
                    url: %5$s
                    plugins:
                      - {name: key-auth, config: {anonymous: guest}}
                    routes:
                      - name: either-owner
                        paths: [/either-owner]
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [either]
                            config:
                              mode: conversion-only
                              tools: [{name: outlook, description: Outlook, method: GET, path: /api/weather}]
                          - {name: jwt, config: {header_names: [x-token], anonymous: guest}}
                          - {name: acl, config: {allow: [partners]}}
                      - name: either-listener
                        paths: [/either-listener]
                        plugins:
                          - {name: ai-mcp-proxy, config: {mode: listener, server: {tag: either}}}
                  - name: mcp-server
                    url: %5$s/mcp
                    routes:
                      - name: preflight
                        paths: [/preflight]
                        plugins:
                          - {name: ai-mcp-proxy, config: {mode: passthrough-listener}}
                          - name: jwt
                            config:
                              run_on_preflight: false
                              uri_param_names: [jwt, token]
                              cookie_names: [session]
                              header_names: [authorization, x-token]
                routes:
                  - name: listener
                    paths: [/listener]
                    plugins:
                      - {name: ai-mcp-proxy, config: {mode: listener, server: {tag: owned}}}
                      - {name: jwt}
                  - name: cookie-listener
                    paths: [/cookie-listener]
                    plugins:
                      - {name: ai-mcp-proxy, config: {mode: listener, server: {tag: cookied}}}
                      - {name: jwt, config: {cookie_names: [token], header_names: [], uri_param_names: []}}
                  - name: isolated-cookie-listener
                    paths: [/isolated-cookie-listener]
                    plugins:
                      - name: ai-mcp-proxy
                        config: {mode: listener, server: {tag: cookied, forward_client_headers: false}}
                      - {name: jwt, config: {cookie_names: [token], header_names: [], uri_param_names: []}}
                  - name: partner-listener
                    paths: [/partner-listener]
                    plugins:
                      - {name: ai-mcp-proxy, config: {mode: listener, server: {tag: partnered}}}
                      - {name: jwt}
                  - name: guest-listener
                    paths: [/guest-listener]
                    plugins:
                      - {name: ai-mcp-proxy, config: {mode: listener, server: {tag: owned}}}
                      - {name: key-auth, config: {anonymous: guest}}
                      - {name: acl, config: {allow: [guests]}}
                """.formatted(HMAC, pem(rsa.toRSAPublicKey()), pem(rsa.toRSAPublicKey()), pem(ec.toECPublicKey()),
                upstream.url(), logs.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
        logs.close();
    }

    @BeforeEach
    void forget() {
        upstream.clear();
        logs.clear();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"alice-iss", "bob-iss", "bob-ps", "carol-iss"})
    void aTokenSignedWithAConsumersSecretIdentifiesTheConsumer(String key) throws Exception {
        String token = sign(key, claims(key, 300));

        McpHttp.Response result = callWeather("/mcp", Map.of("authorization", "Bearer " + token));

        assertThat(result.status()).as("%s", result).isEqualTo(200);
        RestUpstream.Received received = upstream.next();
        assertThat(received.header("x-consumer-username")).isEqualTo(key.startsWith("alice") ? "alice"
                : key.startsWith("bob") ? "bob" : "carol");
        assertThat(received.header("x-credential-identifier")).isEqualTo(key);
        assertThat(received.header("authorization")).isNull();
    }

    @Test
    void refusalsAreKongs() throws Exception {
        assertRefused(Map.of(), "Unauthorized", "Bearer realm=\"toolgate\"");
        String invalid = "Bearer realm=\"toolgate\" error=\"invalid_token\"";
        assertRefused(bearer(sign("alice-iss", claims("alice-iss", -60))), "exp: token expired", invalid);
        assertRefused(bearer(sign("alice-iss", claims("nobody-iss", 300))), "No credentials found for given 'iss'", invalid);
        assertRefused(bearer(sign("alice-iss", new JWTClaimsSet.Builder().subject("x")
                .expirationTime(new Date(System.currentTimeMillis() + 60_000)).build())), "No mandatory 'iss' in claims", invalid);
        assertRefused(bearer(hmacWithPublicKey()), "Invalid algorithm", invalid);
        String good = sign("bob-iss", claims("bob-iss", 300));
        assertRefused(bearer(good.substring(0, good.length() - 8) + "AAAAAAAA"), "Invalid signature", invalid);
        assertRefused(bearer("garbage"), "Bad token; invalid JSON", invalid);
        assertRefused(bearer(new PlainJWT(claims("alice-iss", 300)).serialize()), "Bad token; invalid alg", invalid);
        // claims of the wrong type are Kong's claim errors, not a token that is no JSON
        assertRefused(bearer(signRaw("{\"iss\":\"alice-iss\",\"exp\":\"tomorrow\"}")), "exp: must be a number", invalid);
        assertRefused(bearer(signRaw("{\"iss\":\"alice-iss\",\"exp\":60,\"aud\":5,\"sub\":[]}")), "exp: token expired", invalid);
        assertThat(callWeather("/mcp", bearer(good)).status()).as("the next good request").isEqualTo(200);
    }

    @Test
    void aTokenInTheQueryIsReadAndNotForwarded() throws Exception {
        String token = sign("alice-iss", claims("alice-iss", 300));

        McpHttp.Response result = callWeatherAt(URI.create(gateway.proxy("/mcp") + "?jwt=" + token), Map.of());

        assertThat(result.status()).isEqualTo(200);
        assertThat(upstream.next().uri()).doesNotContain(token).doesNotContain("jwt=");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"x=1;jwt=", "JWT="})
    void aQueryTokenIsReadOnlyWhereTheUpstreamQueryIsCut(String before) throws Exception {
        // names are case-sensitive and only & separates arguments, as in Kong and in the query sent upstream
        URI endpoint = URI.create(gateway.proxy("/preflight") + "?" + before + sign("alice-iss", claims("alice-iss", 300)));

        McpHttp.Response refused = new McpHttp(endpoint).send("POST", INITIALIZE, headers(Map.of()));

        assertThat(refused.status()).as("%s; upstream query: %s", refused,
                upstream.pending() == 0 ? "none" : upstream.next().query()).isEqualTo(401);
        assertThat(upstream.pending()).isZero();
    }

    @Test
    void twoDifferentTokensAreRefused() throws Exception {
        URI withQuery = URI.create(gateway.proxy("/mcp") + "?jwt=" + sign("bob-iss", claims("bob-iss", 300)));

        McpHttp.Response refused = new McpHttp(withQuery).send("POST", INITIALIZE,
                headers(bearer(sign("alice-iss", claims("alice-iss", 300)))));

        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json().at("/error/message").asText()).isEqualTo("Multiple tokens provided");
    }

    @Test
    void aTokenCookieIsReadAndTheOtherCookiesGoOn() throws Exception {
        String token = sign("carol-iss", claims("carol-iss", 300));

        McpHttp.Response result = callWeather("/cookie", Map.of("cookie", "theme=dark; token=" + token + "; lang=fr"));

        assertThat(result.status()).as("%s", result).isEqualTo(200);
        RestUpstream.Received received = upstream.next();
        assertThat(received.header("x-consumer-username")).isEqualTo("carol");
        assertThat(received.header("cookie")).isEqualTo("theme=dark; lang=fr");
    }

    @Test
    void aTokenCookieIsFoundWhateverTheCaseOfItsNameAndNotForwarded() throws Exception {
        // nginx's $cookie_<name>, which Kong reads, matches names in any case
        String token = sign("carol-iss", claims("carol-iss", 300));

        McpHttp.Response result = callWeather("/cookie", Map.of("cookie", "theme=dark; TOKEN=" + token));

        assertThat(result.status()).as("%s", result).isEqualTo(200);
        RestUpstream.Received received = upstream.next();
        assertThat(received.header("x-consumer-username")).isEqualTo("carol");
        assertThat(received.header("cookie")).isEqualTo("theme=dark");
    }

    @Test
    void aSecondCookieOfTheTokensNameInAnotherCaseIsNoSecondTokenButIsWithheldToo() throws Exception {
        // nginx's $cookie_token is the first such cookie: another application's TOKEN is not "multiple tokens"
        String token = sign("carol-iss", claims("carol-iss", 300));

        McpHttp.Response result = callWeather("/cookie", Map.of("cookie", "token=" + token + "; theme=dark; TOKEN=other-app"));

        assertThat(result.status()).as("%s", result).isEqualTo(200);
        RestUpstream.Received received = upstream.next();
        assertThat(received.header("x-consumer-username")).isEqualTo("carol");
        assertThat(received.header("cookie")).isEqualTo("theme=dark");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"token =", "token\t=", "TOKEN  ="})
    void aCookieOfTheTokensNameWithSpacesBeforeItsEqualsSignIsNoTokenButIsWithheldAndFillsNoParameter(String name)
            throws Exception {
        // nginx reads no token there, but Node's cookie and Python's SimpleCookie read the name trimmed: the
        // upstream would take the client's forged value for the token the gateway checked and withheld
        String token = sign("carol-iss", claims("carol-iss", 300));

        McpHttp.Response plain = callWeather("/cookie", Map.of("cookie", "token=" + token + "; " + name + "forged; theme=dark"));
        McpHttp.Response filling = callWeather("/cookie-arguments",
                Map.of("cookie", "token=" + token + "; " + name + "forged; other=o1"));

        assertThat(plain.status()).as("%s", plain).isEqualTo(200);
        assertThat(filling.json().at("/result/isError").asBoolean()).as("%s", filling).isFalse();
        RestUpstream.Received passedOn = upstream.next();
        assertThat(upstream.next().headers().getAll("cookie")).as("no cookie parameter token").containsExactly("other=o1");
        assertThat(passedOn.header("cookie")).isEqualTo("theme=dark");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"theme=x token=forged", "theme=x, token=forged", "theme=x,TOKEN=forged",
            "theme=x\ttoken =forged", "theme token=forged", "theme=\"x token=forged\""})
    void aCookieHidingATokenCookieAfterASpaceOrCommaIsWithheldWhole(String cookie) throws Exception {
        // Python's SimpleCookie (aiohttp, Bottle) splits at the space, RFC 2965-style parsers at the comma: the
        // upstream would read token=forged beside the token the gateway checked and withheld
        String token = sign("carol-iss", claims("carol-iss", 300));

        McpHttp.Response result = callWeather("/cookie", Map.of("cookie", "token=" + token + "; " + cookie + "; lang=fr"));

        assertThat(result.status()).as("%s", result).isEqualTo(200);
        RestUpstream.Received received = upstream.next();
        assertThat(received.header("x-consumer-username")).isEqualTo("carol");
        assertThat(received.header("cookie")).isEqualTo("lang=fr");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"my.token", "my token", "my[token", "MY.Token", "my_token[a]", "my.token[]", "my_token ",
            "%6Dy_token", "my%5Ftoken", "my%2Etoken"})
    void aCookieThatPhpReadsAsTheTokenCookieIsWithheld(String name) throws Exception {
        // PHP registers . and space (and an unmatched [) as _, and token[a] as an entry of $_COOKIE['token']; Rack 2,
        // ASP.NET Core 3 and PHP before 7.4.11 percent-decode names: such an upstream would read the forged one as
        // the token cookie the gateway checked and withheld
        String token = sign("carol-iss", claims("carol-iss", 300));

        McpHttp.Response result = callWeather("/php-cookie",
                Map.of("cookie", "my_token=" + token + "; " + name + "=forged; lang=fr"));

        assertThat(result.status()).as("%s", result).isEqualTo(200);
        RestUpstream.Received received = upstream.next();
        assertThat(received.header("x-consumer-username")).isEqualTo("carol");
        assertThat(received.header("cookie")).isEqualTo("lang=fr");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"theme=x tokens=1", "theme=x,mytoken=1", "theme=a b", "theme=x token", "theme=x,y"})
    void aCookieWithASpaceOrCommaButNoTokenCookieAfterItGoesOnAsSent(String cookie) throws Exception {
        String token = sign("carol-iss", claims("carol-iss", 300));

        McpHttp.Response result = callWeather("/cookie", Map.of("cookie", "token=" + token + "; " + cookie + "; lang=fr"));

        assertThat(result.status()).as("%s", result).isEqualTo(200);
        assertThat(upstream.next().header("cookie")).isEqualTo(cookie + "; lang=fr");
    }

    @Test
    void aTokenCookieDoesNotFillAToolsCookieParameterOfTheSameName() throws Exception {
        String token = sign("carol-iss", claims("carol-iss", 300));

        McpHttp.Response result = callWeather("/cookie-arguments", Map.of("cookie", "token=" + token + "; other=o1"));

        assertThat(result.status()).as("%s", result).isEqualTo(200);
        RestUpstream.Received received = upstream.next();
        assertThat(received.header("x-consumer-username")).isEqualTo("carol");
        assertThat(received.header("cookie")).as("the other cookie parameter is still filled from the client's cookies")
                .isEqualTo("other=o1");
    }

    @Test
    void whereClientHeadersAreNotForwardedTheCookiesBesideATokenCookieDoNotGoUpstreamButStillFillCookieParameters()
            throws Exception {
        String token = sign("carol-iss", claims("carol-iss", 300));

        McpHttp.Response result = callWeather("/cookie-arguments",
                Map.of("cookie", "theme=dark; token=" + token + "; other=o1", "x-note", "n1"));

        assertThat(result.json().at("/result/isError").asBoolean()).as("%s", result).isFalse();
        RestUpstream.Received received = upstream.next();
        assertThat(received.header("x-consumer-username")).isEqualTo("carol");
        assertThat(received.headers().contains("x-note")).isFalse();
        assertThat(received.headers().getAll("cookie")).as("only the cookie parameter, not the client's theme")
                .containsExactly("other=o1");
    }

    @Test
    void aListenerThatForwardsNoClientHeadersSendsNoneOfTheCookiesLeftBesideTheTokenCookiesItsRoutesRead()
            throws Exception {
        String listeners = sign("alice-iss", claims("alice-iss", 300));
        String owners = sign("carol-iss", claims("carol-iss", 300));

        McpHttp.Response result = callWeather("/isolated-cookie-listener",
                Map.of("cookie", "token=" + listeners + "; session=" + owners + "; theme=dark"));

        assertThat(result.json().at("/result/isError").asBoolean()).as("%s", result).isFalse();
        RestUpstream.Received received = upstream.next();
        assertThat(received.header("x-consumer-username")).isEqualTo("carol");
        assertThat(received.headers().contains("cookie")).as("%s", received.headers()).isFalse();
    }

    @Test
    void aPreflightJwtLetsPassWithoutRunningStillSendsNoTokenUpstream() throws Exception {
        String token = sign("alice-iss", claims("alice-iss", 300));
        URI preflight = URI.create(gateway.proxy("/preflight") + "?jwt=" + token + "&token=" + token + "&x=1");

        McpHttp.Response answered = new McpHttp(preflight).send("OPTIONS", "", Map.of("Origin", "http://localhost",
                "Access-Control-Request-Method", "POST", "authorization", "Bearer " + token, "x-token", "Bearer " + token,
                "cookie", "theme=dark; session=" + token));

        assertThat(answered.status()).as("%s", answered).isEqualTo(204);
        RestUpstream.Received received = upstream.next();
        assertThat(received.method()).isEqualTo("OPTIONS");
        assertThat(received.header("x-consumer-username")).as("jwt did not run").isNull();
        assertThat(received.headers().contains("authorization")).isFalse();
        assertThat(received.headers().contains("x-token")).isFalse();
        assertThat(received.header("cookie")).isEqualTo("theme=dark");
        assertThat(received.query()).isEqualTo("x=1");
    }

    @Test
    void aTokenCookieInASecondCookieHeaderIsWithheldToo() throws Exception {
        String token = sign("alice-iss", claims("alice-iss", 300));

        RawConnection.Response answered = RawConnection.exchange(gateway.gateway().proxyPort(), "OPTIONS", "/preflight",
                List.of("Host: 127.0.0.1", "Origin: http://localhost", "Access-Control-Request-Method: POST",
                        "Cookie: theme=dark", "Cookie: session=" + token, "Connection: close"), null);

        assertThat(answered.status()).as("%s", answered).isEqualTo(204);
        RestUpstream.Received received = upstream.next();
        assertThat(received.headers().getAll("cookie")).containsExactly("theme=dark");
    }

    @Test
    void aListenersToolCallIsAuthenticatedByTheOwningRoutesJwtAndSendsNoTokenUpstream() throws Exception {
        // the listener's jwt reads alice's token; the owning route's reads its own names, where carol's is
        String other = sign("carol-iss", claims("carol-iss", 300));
        McpHttp.Response result = callWeather("/listener", Map.of("authorization", "Bearer " + sign("alice-iss",
                claims("alice-iss", 300)), "x-token", "Bearer " + other, "cookie", "theme=dark; session=" + other));

        assertThat(result.status()).as("%s", result).isEqualTo(200);
        assertThat(result.json().at("/result/isError").asBoolean()).as("%s", result).isFalse();
        RestUpstream.Received received = upstream.next();
        assertThat(received.header("x-consumer-username")).isEqualTo("carol");
        assertThat(received.headers().contains("authorization")).isFalse();
        assertThat(received.headers().contains("x-token")).isFalse();
        assertThat(received.header("cookie")).isEqualTo("theme=dark");
    }

    @Test
    void aListenersTokenCookieRemovedByItsJwtDoesNotComeBackWhenTheOwningRoutesJwtReadsAnotherCookie()
            throws Exception {
        // the listener's jwt reads the token cookie; the owning route's jwt reads session, and keeps what is left
        McpHttp.Response result = callWeather("/cookie-listener", Map.of("cookie", "token="
                + sign("alice-iss", claims("alice-iss", 300)) + "; session=" + sign("carol-iss", claims("carol-iss", 300))
                + "; theme=dark"));

        assertThat(result.json().at("/result/isError").asBoolean()).as("%s", result).isFalse();
        RestUpstream.Received received = upstream.next();
        assertThat(received.header("x-consumer-username")).isEqualTo("carol");
        assertThat(received.header("cookie")).as("neither token cookie, the other cookie still").isEqualTo("theme=dark");
    }

    @Test
    void aListenersCallOfAnOpenRoutesToolSendsNoCookieAnotherOwningRoutesJwtReadsNorFillsAParameterWithIt()
            throws Exception {
        // almanac's route reads no credential; cookie-owner, another route the listener serves, reads session
        McpHttp caller = new McpHttp(gateway.proxy("/cookie-listener"), Map.of("cookie", "token="
                + sign("alice-iss", claims("alice-iss", 300)) + "; session=" + sign("carol-iss", claims("carol-iss", 300))
                + "; theme=dark; other=o1"));
        caller.initialize("2025-11-25");

        JsonNode result = caller.call("almanac", "{}");

        assertThat(result.path("isError").asBoolean()).as("%s", result).isFalse();
        String cookies = upstream.next().header("cookie");
        assertThat(cookies).as("the session cookie, as such and as the session parameter, goes to no other route")
                .doesNotContainIgnoringCase("session").doesNotContain("token=");
        assertThat(cookies).as("cookies no route reads still go, and fill parameters").contains("theme=dark")
                .contains("other=o1");
    }

    @Test
    void aListenersCallerWithoutATokenTheOwningRoutesJwtReadsGetsItsRefusalAsTheToolsResult() throws Exception {
        McpHttp.Response result = callWeather("/listener", Map.of("authorization", "Bearer " + sign("alice-iss",
                claims("alice-iss", 300))));

        assertThat(result.json().at("/result/isError").asBoolean()).as("%s", result).isTrue();
        assertThat(result.json().at("/result/content/0/text").asText())
                .isEqualTo("The tool's route refused the call: HTTP 401: Unauthorized");
        assertThat(upstream.quiet(Duration.ofMillis(300))).as("the upstream was not called").isTrue();
    }

    @Test
    void aListenersCallTheOwningRouteAuthenticatesAnewCarriesNoGroupsOfTheListenersCaller() throws Exception {
        // the listener admits the anonymous guest (its acl names guest's group); the owning route's jwt finds alice
        McpHttp.Response result = callWeather("/guest-listener",
                Map.of("x-token", "Bearer " + sign("alice-iss", claims("alice-iss", 300))));

        assertThat(result.json().at("/result/isError").asBoolean()).as("%s", result).isFalse();
        RestUpstream.Received received = upstream.next();
        assertThat(received.header("x-consumer-username")).isEqualTo("alice");
        assertThat(received.headers().contains("x-anonymous-consumer")).isFalse();
        assertThat(received.headers().contains("x-consumer-groups")).as("guest's groups, not alice's").isFalse();
        assertThat(received.headers().contains("x-authenticated-groups")).isFalse();
    }

    @Test
    void aListenerDoesNotShowOrAdmitAToolWhoseOwningRoutesOwnJwtFindsACallerItsAclRefuses() throws Exception {
        // the listener's jwt reads alice's token in authorization; the owning route's reads x-token
        URI endpoint = gateway.proxy("/partner-listener");
        String alice = "Bearer " + sign("alice-iss", claims("alice-iss", 300));
        McpHttp refused = new McpHttp(endpoint, Map.of("authorization", alice, "x-token", alice));
        refused.initialize("2025-11-25");
        assertThat(refused.post(TOOLS_LIST).body()).as("alice is no partner").doesNotContain("forecast");
        McpHttp.Response hidden = refused.post(CALL.formatted("forecast"));
        McpHttp.Response unknown = refused.post(CALL.formatted("no-such-tool"));
        assertThat(hidden.status()).isEqualTo(unknown.status());
        assertThat(hidden.body().replace("forecast", "no-such-tool")).as("as a name that does not exist")
                .isEqualTo(unknown.body());
        assertThat(upstream.quiet(Duration.ofMillis(300))).as("the upstream was not called").isTrue();

        McpHttp partner = new McpHttp(endpoint, Map.of("authorization", alice,
                "x-token", "Bearer " + sign("bob-iss", claims("bob-iss", 300))));
        partner.initialize("2025-11-25");
        assertThat(partner.post(TOOLS_LIST).body()).as("bob is a partner").contains("\"forecast\"");
        assertThat(partner.call("forecast", "{}").path("isError").asBoolean()).isFalse();
        assertThat(upstream.next().header("x-consumer-username")).isEqualTo("bob");
    }

    @Test
    void aListenerShowsAndAdmitsAToolToTheCallerItsOwningRouteFindsFirstWhenItsAuthenticationIsAnOrWithAnonymous()
            throws Exception {
        // the listener's key-auth (the service's, also the owning route's) finds dora; on the owning route jwt
        // runs first and finds bob, so key-auth, with anonymous set, lets the request pass unread: bob calls
        String bob = "Bearer " + sign("bob-iss", claims("bob-iss", 300));
        URI endpoint = gateway.proxy("/either-listener");
        McpHttp partner = new McpHttp(endpoint, Map.of("x-token", bob, "apikey", "dora-key"));
        partner.initialize("2025-11-25");
        assertThat(partner.post(TOOLS_LIST).body()).as("bob is a partner").contains("\"outlook\"");
        assertThat(partner.call("outlook", "{}").path("isError").asBoolean()).isFalse();
        assertThat(upstream.next().header("x-consumer-username")).isEqualTo("bob");

        // and the other way round: pat's key lets pat into the listener, alice's token is who calls
        String alice = "Bearer " + sign("alice-iss", claims("alice-iss", 300));
        McpHttp refused = new McpHttp(endpoint, Map.of("x-token", alice, "apikey", "pat-key"));
        refused.initialize("2025-11-25");
        assertThat(refused.post(TOOLS_LIST).body()).as("alice is no partner").doesNotContain("outlook");
        McpHttp.Response hidden = refused.post(CALL.formatted("outlook"));
        McpHttp.Response unknown = refused.post(CALL.formatted("no-such-tool"));
        assertThat(hidden.body().replace("outlook", "no-such-tool")).as("as a name that does not exist")
                .isEqualTo(unknown.body());
        assertThat(upstream.quiet(Duration.ofMillis(300))).as("the upstream was not called").isTrue();
    }

    @Test
    void aBatchOfListsFromAListenerOfManyRoutesWithTheirOwnJwtIsAnsweredPerCallerWithoutBlockingAnEventLoop()
            throws Exception {
        // each owning route has its own jwt instance reading the same token: every list of the batch asks each
        StringBuilder routes = new StringBuilder();
        for (int i = 0; i < OWNERS; i++) {
            routes.append("""
                          - name: owner%1$d
                            paths: [/owner%1$d]
                            plugins:
                              - {name: jwt, config: {header_names: [x-token]}}
                              - {name: acl, config: {allow: [partners]}}
                              - name: ai-mcp-proxy
                                tags: [many]
                                config:
                                  mode: conversion-only
                                  tools: [{name: tool%1$d, description: T, method: GET, path: /api/weather}]
                    """.formatted(i));
        }
        String yaml = """
                _format_version: "3.0"
                consumers:
                  - username: bob
                    acls: [{group: partners}]
                    jwt_secrets: [{key: bob-iss, algorithm: RS256, rsa_public_key: "%s"}]
                  - username: carol
                    jwt_secrets: [{key: carol-iss, algorithm: ES256, rsa_public_key: "%s"}]
                services:
                  - name: api
                    url: %s
                    routes:
                %s      - name: listener
                        paths: [/many]
                        plugins:
                          - {name: ai-mcp-proxy, config: {mode: listener, server: {tag: many}}}
                """.formatted(pem(rsa.toRSAPublicKey()), pem(ec.toECPublicKey()), upstream.url(), routes);
        try (CapturedLog log = CapturedLog.everything(); TestGateway many = TestGateway.start(yaml)) {
            JsonNode refused = listsInABatch(many, sign("carol-iss", claims("carol-iss", 300)), LISTS);
            assertThat(refused).as("carol is no partner").hasSize(LISTS)
                    .allSatisfy(answer -> assertThat(answer.path("result").path("tools")).isEmpty());
            JsonNode partner = listsInABatch(many, sign("bob-iss", claims("bob-iss", 300)), 3);
            assertThat(partner).allSatisfy(answer -> assertThat(answer.path("result").path("tools")).hasSize(OWNERS));
            assertThat(log.text()).as("no event loop was blocked").doesNotContain("has been blocked");
        }
    }

    static final int OWNERS = 60;
    static final int LISTS = 100;

    /** The answers to {@code lists} tools/list messages in one batch, with {@code token} in x-token. */
    private static JsonNode listsInABatch(TestGateway gateway, String token, int lists) throws IOException {
        McpHttp client = new McpHttp(gateway.proxy("/many"), Map.of("x-token", "Bearer " + token));
        client.initialize("2025-03-26");
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < lists; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"jsonrpc\":\"2.0\",\"id\":").append(i)
                    .append(",\"method\":\"tools/list\"}");
        }
        McpHttp.Response answered = client.post(batch.append(']').toString());
        assertThat(answered.status()).as("%s", answered).isEqualTo(200);
        return Json.MAPPER.readTree(answered.body());
    }

    static final String TOOLS_LIST = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";
    static final String CALL = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"%s\","
            + "\"arguments\":{}}}";

    @Test
    void theLogMasksTheConfiguredNamesEvenOnARequestRefusedBeforeJwtRan() throws IOException {
        // a path below the endpoint is refused before any plugin runs: nothing consumed the names
        McpHttp.Response refused = new McpHttp(URI.create(gateway.proxy("/logged/below") + "?pass=not-a-token&x=1"))
                .send("POST", INITIALIZE, headers(Map.of("x-pass", "Bearer not-a-token")));
        assertThat(refused.status()).as("%s", refused).isEqualTo(404);

        await().atMost(Duration.ofSeconds(20)).until(() -> logs.pending() >= 1);
        JsonNode request = Json.MAPPER.readTree(logs.next().body()).path("request");
        assertThat(request.path("querystring").path("pass").asText()).as("%s", request).isEqualTo("[redacted]");
        assertThat(request.path("headers").path("x-pass").asText()).isEqualTo("[redacted]");
        assertThat(request.toString()).doesNotContain("not-a-token");
    }

    private void assertRefused(Map<String, String> credentials, String message, String challenge) {
        McpHttp.Response refused = new McpHttp(gateway.proxy("/mcp")).send("POST", INITIALIZE, headers(credentials));
        assertThat(refused.status()).as("%s", refused).isEqualTo(401);
        assertThat(refused.json().at("/error/message").asText()).isEqualTo(message);
        assertThat(refused.header("www-authenticate")).isEqualTo(challenge);
    }

    private static McpHttp.Response callWeather(String path, Map<String, String> credentials) {
        return callWeatherAt(gateway.proxy(path), credentials);
    }

    private static McpHttp.Response callWeatherAt(URI endpoint, Map<String, String> credentials) {
        McpHttp client = new McpHttp(endpoint);
        McpHttp.Response initialized = client.send("POST", INITIALIZE, headers(credentials));
        if (initialized.status() != 200) {
            return initialized;
        }
        Map<String, String> headers = headers(credentials);
        headers.put("mcp-session-id", initialized.header("mcp-session-id"));
        headers.put("mcp-protocol-version", "2025-06-18");
        return client.send("POST", "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"weather\","
                + "\"arguments\":{}}}", headers);
    }

    private static Map<String, String> headers(Map<String, String> credentials) {
        Map<String, String> headers = new HashMap<>(Map.of("content-type", "application/json", "accept", McpHttp.ACCEPT_BOTH));
        headers.putAll(credentials);
        return headers;
    }

    private static Map<String, String> bearer(String token) {
        return Map.of("authorization", "Bearer " + token);
    }

    private static JWTClaimsSet claims(String issuer, long expiresIn) {
        return new JWTClaimsSet.Builder().issuer(issuer).subject("someone")
                .expirationTime(new Date(System.currentTimeMillis() + expiresIn * 1000)).build();
    }

    private static String sign(String key, JWTClaimsSet claims) throws JOSEException {
        JWSAlgorithm alg = switch (key) {
            case "alice-iss" -> JWSAlgorithm.HS256;
            case "bob-ps" -> JWSAlgorithm.PS256;
            case "carol-iss" -> JWSAlgorithm.ES256;
            default -> JWSAlgorithm.RS256;
        };
        JWSSigner signer = switch (key) {
            case "alice-iss" -> new MACSigner(HMAC);
            case "carol-iss" -> new ECDSASigner(ec);
            default -> new RSASSASigner(rsa);
        };
        SignedJWT jwt = new SignedJWT(new JWSHeader(alg), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    /** Alice's HS256 signature over a payload as written, whatever its claims' types. */
    private static String signRaw(String payload) throws JOSEException {
        JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.HS256), new Payload(payload));
        jws.sign(new MACSigner(HMAC));
        return jws.serialize();
    }

    /** Bob's RSA key claimed as an HS256 secret (key confusion): Kong checks the algorithm is the secret's. */
    private static String hmacWithPublicKey() throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims("bob-iss", 300));
        jwt.sign(new MACSigner(pem(rsa.toRSAPublicKey()).getBytes()));
        return jwt.serialize();
    }

    private static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\\n" + Base64.getEncoder().encodeToString(key.getEncoded()) + "\\n-----END PUBLIC KEY-----";
    }

    static final String INITIALIZE = """
            {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},
             "clientInfo":{"name":"jwt","version":"1"}}}""";
}
