package dev.toolgate.policy.keyauth;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RawConnection;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kong's {@code key-auth} on MCP routes of all three modes: every bad key gets Kong's 401 (status,
 * message, {@code WWW-Authenticate}) and the next good request is served; the key the gateway
 * consumed never reaches an upstream, wherever it was sent and whatever {@code hide_credentials}
 * says, nor do the route's key names when key-auth lets a request pass without reading them (a
 * preflight, a caller another plugin authenticated), while Kong's consumer headers do; a listener's
 * call replayed on the route owning the tool is authenticated there anew, by that route's own key name
 * or ai-mcp-oauth2, as Kong re-authenticates it; every HTTP method of an endpoint needs the key.
 */
@Timeout(90)
class KeyAuthIT {

    static final String CONSUMER_ID = "94a084d8-c1ca-4197-89dc-a46ff7a6dd33";
    static final String CREDENTIAL_ID = "a46e5790-d10a-45b7-a27d-6c22f0d48b51";
    static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
    static final String NO_KEY = "No API key found in request";
    static final String JWT_SECRET = "alice-hs256-secret-at-least-32-bytes!";

    static RestUpstream upstream;
    /** http-log's receiver for the route with two key names. */
    static RestUpstream logs;
    static TestGateway gateway;
    static String config;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream()
                .json("GET /items", 200, "[\"lamp\"]")
                .json("POST /mcp", 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}")
                .on("OPTIONS /mcp", r -> r.response().setStatusCode(204).end());
        logs = new RestUpstream().on("POST /logs", r -> r.response().setStatusCode(200).end());
        String items = "{name: get_items, description: Items, method: GET, path: items, "
                + "parameters: [{name: q, in: query, schema: {type: string}}]}";
        config = """
                _format_version: "3.0"
                services:
                  - name: api
                    url: %1$s
                    routes:
                      - name: conversion
                        paths: [/conversion]
                        plugins:
                          - {name: key-auth, config: {hide_credentials: false}}
                          - {name: ai-mcp-proxy, config: {mode: conversion-listener, tools: [%2$s]}}
                      - name: no-query
                        paths: [/no-query]
                        plugins:
                          - {name: key-auth, config: {key_in_query: false}}
                          - {name: ai-mcp-proxy, config: {mode: conversion-listener, tools: [%2$s]}}
                      - name: in-body
                        paths: [/in-body]
                        plugins:
                          - {name: key-auth, config: {key_in_body: true}}
                          - {name: request-size-limiting, config: {allowed_payload_size: 1, size_unit: kilobytes}}
                          - {name: ai-mcp-proxy, config: {mode: conversion-listener, tools: [%2$s]}}
                      - name: tagged
                        paths: [/tagged]
                        plugins:
                          - {name: key-auth, config: {key_names: [tenant]}}
                          - {name: ai-mcp-proxy, tags: [keyed], config: {mode: conversion-only, tools: [%2$s]}}
                      - name: guest-owned
                        paths: [/guest-owned]
                        plugins:
                          - {name: key-auth, config: {key_names: [tenant], anonymous: guest}}
                          - {name: ai-mcp-proxy, tags: [guested], config: {mode: conversion-only, tools: [{name: get_guested, description: Items, method: GET, path: items}]}}
                      - name: oauth-owned
                        paths: [/oauth-owned]
                        plugins:
                          - {name: ai-mcp-oauth2, config: {resource: 'http://127.0.0.1/oauth-owned', authorization_servers: ['http://127.0.0.1:9']}}
                          - {name: ai-mcp-proxy, tags: [oauth], config: {mode: conversion-only, tools: [{name: get_owned, description: Items, method: GET, path: items}]}}
                      - name: oauth-exchanged
                        paths: [/oauth-exchanged]
                        plugins:
                          - name: ai-mcp-oauth2
                            config:
                              resource: 'http://127.0.0.1/oauth-exchanged'
                              authorization_servers: ['http://127.0.0.1:9']
                              passthrough_credentials: true
                              token_exchange:
                                enabled: true
                                token_endpoint: 'http://127.0.0.1:9/token'
                                client_auth: none
                                request: {actor_token_source: header, actor_token_header: x-actor}
                          - {name: ai-mcp-proxy, tags: [oauth], config: {mode: conversion-only, tools: [{name: get_exchanged, description: Items, method: GET, path: items}]}}
                  - name: mcp-server
                    url: %1$s/mcp
                    routes:
                      - name: passthrough
                        paths: [/passthrough]
                        plugins:
                          - {name: key-auth}
                          - {name: ai-mcp-proxy, config: {mode: passthrough-listener}}
                      - name: passthrough-body
                        paths: [/passthrough-body]
                        plugins:
                          - {name: key-auth, config: {key_in_body: true, key_in_header: false, key_in_query: false}}
                          - {name: ai-mcp-proxy, config: {mode: passthrough-listener}}
                      - name: realm
                        paths: [/realm]
                        plugins:
                          - {name: key-auth, config: {realm: toolgate}}
                          - {name: ai-mcp-proxy, config: {mode: passthrough-listener}}
                      - name: anonymous
                        paths: [/anonymous]
                        plugins:
                          - {name: key-auth, config: {anonymous: guest}}
                          - {name: ai-mcp-proxy, config: {mode: passthrough-listener}}
                      - name: preflight
                        paths: [/preflight]
                        plugins:
                          - {name: key-auth, config: {key_names: [apikey, tenant], key_in_body: true, run_on_preflight: false}}
                          - {name: ai-mcp-proxy, config: {mode: passthrough-listener}}
                      - name: either
                        paths: [/either]
                        plugins:
                          - {name: jwt, config: {anonymous: guest}}
                          - {name: key-auth, config: {anonymous: guest, key_names: [apikey, tenant], key_in_body: true}}
                          - {name: ai-mcp-proxy, config: {mode: passthrough-listener}}
                      - name: two-names
                        paths: [/two-names]
                        plugins:
                          - {name: key-auth, config: {key_names: [apikey, tenant], key_in_body: true}}
                          - {name: http-log, config: {http_endpoint: '%5$s/logs'}}
                          - {name: ai-mcp-proxy, config: {mode: passthrough-listener}}
                routes:
                  - name: listener
                    paths: [/listener]
                    plugins:
                      - {name: key-auth}
                      - {name: ai-mcp-proxy, config: {mode: listener, server: {tag: keyed}}}
                  - name: guest-listener
                    paths: [/guest-listener]
                    plugins:
                      - {name: key-auth}
                      - {name: ai-mcp-proxy, config: {mode: listener, server: {tag: guested}}}
                  - name: oauth-listener
                    paths: [/oauth-listener]
                    plugins:
                      - {name: key-auth}
                      - {name: ai-mcp-proxy, config: {mode: listener, server: {tag: oauth}}}
                consumers:
                  - id: %3$s
                    username: alice
                    custom_id: cust-1
                    keyauth_credentials: [{id: %4$s, key: alice-key}]
                    jwt_secrets: [{key: alice-iss, algorithm: HS256, secret: "%6$s"}]
                  - {username: guest}
                  - {username: bob, keyauth_credentials: [{key: bob-key}]}
                  - {username: zoe, keyauth_credentials: [{key: "clé-ключ"}]}
                """.formatted(upstream.url(), items, CONSUMER_ID, CREDENTIAL_ID, logs.url(), JWT_SECRET);
        gateway = TestGateway.start(config);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (logs != null) {
            logs.close();
        }
    }

    @BeforeEach
    void forget() {
        upstream.clear();
        logs.clear();
    }

    @Test
    void aMissingKeyIsKongs401AndTheNextRequestWithTheKeyIsServed() {
        assertRefused(post("/passthrough", Map.of()), NO_KEY, "Key");
        assertRefused(post("/conversion", Map.of()), NO_KEY, "Key");
        assertThat(post("/passthrough", Map.of("apikey", "alice-key")).status()).isEqualTo(200);
    }

    @Test
    void aWrongKeyIsKongs401Unauthorized() {
        assertRefused(post("/passthrough", Map.of("apikey", "alice-key2")), "Unauthorized", "Key");
        assertRefused(post("/passthrough?apikey=ALICE-KEY", Map.of()), "Unauthorized", "Key");
        assertThat(post("/passthrough", Map.of("apikey", "alice-key")).status()).isEqualTo(200);
    }

    @Test
    void anEmptyKeyIsNoKey() {
        assertRefused(post("/passthrough", Map.of("apikey", "")), NO_KEY, "Key");
        assertRefused(post("/passthrough?apikey=", Map.of()), NO_KEY, "Key");
        assertThat(post("/passthrough?apikey=alice-key", Map.of()).status()).isEqualTo(200);
    }

    @Test
    void aKeyWhereKeyAuthDoesNotLookIsNoKey() {
        assertRefused(post("/no-query?apikey=alice-key", Map.of()), NO_KEY, "Key");
        assertThat(new McpHttp(gateway.proxy("/no-query"), Map.of("apikey", "alice-key")).initialize("2025-11-25").status())
                .isEqualTo(200);
        // query argument names are case-sensitive, as in Kong: APIKEY is not apikey
        assertRefused(post("/passthrough?APIKEY=alice-key", Map.of()), NO_KEY, "Key");
        assertThat(upstream.pending()).isZero();
    }

    @Test
    void twoKeysAreKongsDuplicateApiKey() {
        RawConnection.Response twoHeaders = raw("POST", "/passthrough", List.of("apikey: alice-key", "apikey: alice-key"), PING);
        assertThat(twoHeaders.status()).as(twoHeaders.toString()).isEqualTo(401);
        assertThat(twoHeaders.text()).contains("Duplicate API key found");
        assertRefused(post("/passthrough?apikey=alice-key&apikey=other", Map.of()), "Duplicate API key found", "Key");
        assertThat(post("/passthrough?apikey=alice-key", Map.of()).status()).isEqualTo(200);
        assertThat(upstream.next().query()).isNull();
    }

    @Test
    void aKeyWithControlCharactersIsRefusedAndTheNextRequestIsServed() {
        RawConnection.Response control = raw("POST", "/passthrough", List.of("apikey: alice\u0001-key"), PING);
        assertThat(control.status()).as(control.toString()).isIn(400, 401);
        RawConnection.Response nul = raw("POST", "/passthrough?apikey=alice%00-key", List.of(), PING);
        assertThat(nul.status()).as(nul.toString()).isEqualTo(401);
        assertThat(nul.text()).contains("Unauthorized");
        assertThat(upstream.pending()).isZero();
        assertThat(raw("POST", "/passthrough", List.of("apikey: alice-key"), PING).status()).isEqualTo(200);
    }

    @Test
    void aKeyWithNonAsciiCharactersAuthenticatesInAHeaderAsInTheQuery() {
        String key = "clé-ключ";
        // RawConnection writes each character as one byte: these are the key's UTF-8 bytes on the wire
        String utf8 = new String(key.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        RawConnection.Response header = raw("POST", "/passthrough", List.of("apikey: " + utf8), PING);
        assertThat(header.status()).as(header.toString()).isEqualTo(200);
        assertThat(upstream.next().header("x-consumer-username")).isEqualTo("zoe");

        RawConnection.Response query = raw("POST", "/passthrough?apikey="
                + java.net.URLEncoder.encode(key, StandardCharsets.UTF_8), List.of(), PING);
        assertThat(query.status()).as(query.toString()).isEqualTo(200);
        assertThat(upstream.next().header("x-consumer-username")).isEqualTo("zoe");

        // bytes that are no UTF-8 are no key on file
        RawConnection.Response malformed = raw("POST", "/passthrough", List.of("apikey: cl\u00e9-key"), PING);
        assertThat(malformed.status()).as(malformed.toString()).isEqualTo(401);
        assertThat(malformed.text()).contains("Unauthorized");
    }

    @Test
    void theRealmIsInTheChallenge() {
        McpHttp.Response refused = post("/realm", Map.of());
        assertRefused(refused, NO_KEY, "Key realm=\"toolgate\"");
    }

    @Test
    void withAnonymousAMissingOrWrongKeyProceedsAsTheAnonymousConsumer() {
        assertThat(post("/anonymous", Map.of("X-Anonymous-Consumer", "false")).status()).isEqualTo(200);
        RestUpstream.Received anonymous = upstream.next();
        assertThat(anonymous.header("x-anonymous-consumer")).isEqualTo("true");
        assertThat(anonymous.header("x-consumer-username")).isEqualTo("guest");
        assertThat(anonymous.headers().contains("x-credential-identifier")).isFalse();

        assertThat(post("/anonymous", Map.of("apikey", "wrong")).status()).isEqualTo(200);
        RestUpstream.Received wrong = upstream.next();
        assertThat(wrong.header("x-consumer-username")).isEqualTo("guest");
        assertThat(wrong.headers().contains("apikey")).as("the key the gateway read goes nowhere").isFalse();

        assertThat(post("/anonymous", Map.of("apikey", "alice-key", "X-Anonymous-Consumer", "true")).status()).isEqualTo(200);
        RestUpstream.Received alice = upstream.next();
        assertThat(alice.header("x-consumer-username")).isEqualTo("alice");
        assertThat(alice.headers().contains("x-anonymous-consumer")).isFalse();
    }

    @Test
    void passthroughNeverForwardsTheKeyFromAHeaderOrTheQueryButSendsKongsConsumerHeaders() {
        Map<String, String> forged = Map.of("X-Consumer-Username", "root", "X-Consumer-Custom-ID", "forged",
                "X-Credential-Identifier", "forged", "X-Consumer-Groups", "admins", "X-Custom", "kept");
        assertThat(post("/passthrough", with(forged, "ApiKey", "alice-key")).status()).isEqualTo(200);
        assertThat(post("/passthrough?x=1&apikey=alice-key&y=%C3%BC", forged).status()).isEqualTo(200);
        // Kong reads arguments separated by & only, with exact names: neither is the key, both go upstream as sent
        assertRefused(post("/passthrough?x=1;apikey=alice-key", forged), NO_KEY, "Key");
        assertRefused(post("/passthrough?APIKEY=alice-key", forged), NO_KEY, "Key");

        assertThat(upstream.pending()).isEqualTo(2);
        for (int i = 0; i < 2; i++) {
            RestUpstream.Received seen = upstream.next();
            assertThat(seen.uri()).doesNotContain("alice-key");
            assertThat(seen.headers().contains("apikey")).isFalse();
            assertThat(seen.header("x-consumer-id")).isEqualTo(CONSUMER_ID);
            assertThat(seen.header("x-consumer-username")).isEqualTo("alice");
            assertThat(seen.header("x-consumer-custom-id")).isEqualTo("cust-1");
            assertThat(seen.header("x-credential-identifier")).isEqualTo(CREDENTIAL_ID);
            assertThat(seen.headers().getAll("x-consumer-username")).hasSize(1);
            assertThat(seen.headers().contains("x-consumer-groups")).isFalse();
            assertThat(seen.header("x-custom")).isEqualTo("kept");
            if (seen.query() != null) {
                assertThat(seen.query()).isEqualTo("x=1&y=%C3%BC");
            }
        }
    }

    /**
     * CGI/WSGI-style servers (PHP, Python WSGI) read {@code X_Consumer_Username} and {@code X-Consumer-Username}
     * as one variable, and some take the client's: a client's underscore twin of a header the gateway sets or
     * strips never reaches an upstream, while other underscore headers pass as Kong passes them.
     */
    @Test
    void aClientsUnderscoreTwinOfAGatewayHeaderNeverReachesAnUpstreamWhileOtherUnderscoreHeadersDo() {
        Map<String, String> twins = Map.of("X_Consumer_Username", "root", "x-consumer_id", "forged",
                "X_Forwarded_For", "10.9.9.9", "X_Authenticated_Userid", "root", "Mcp_Session_Id", "someone-elses",
                "Content_Length", "5", "X_Custom", "kept");
        assertThat(post("/passthrough", with(twins, "apikey", "alice-key")).status()).isEqualTo(200);
        assertTwinsDropped(upstream.next(), twins);

        McpHttp mcp = session("/conversion", with(twins, "apikey", "alice-key"), "");
        McpHttp.Response called = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"get_items\",\"arguments\":{}}}");
        assertThat(called.json().path("result").path("isError").asBoolean()).as(called.toString()).isFalse();
        assertTwinsDropped(upstream.next(), twins);
    }

    private static void assertTwinsDropped(RestUpstream.Received seen, Map<String, String> twins) {
        twins.keySet().stream().filter(name -> !name.equals("X_Custom"))
                .forEach(name -> assertThat(seen.headers().contains(name)).as(name).isFalse());
        assertThat(seen.header("x-consumer-username")).isEqualTo("alice");
        assertThat(seen.header("x_custom")).isEqualTo("kept");
    }

    @Test
    void aKeyInTheJsonBodyAuthenticatesAndIsRemovedFromWhatPassthroughForwards() {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"apikey\":\"alice-key\",\"params\":{\"apikey\":\"kept\"}}";
        assertThat(send("/passthrough-body", body, Map.of()).status()).isEqualTo(200);
        RestUpstream.Received seen = upstream.next();
        assertThat(seen.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"apikey\":\"kept\"}}");
        assertThat(seen.header("x-consumer-username")).isEqualTo("alice");

        // only the body counts here: a key in a header is not looked at, and goes on as any header
        assertRefused(send("/passthrough-body", PING, Map.of("apikey", "alice-key")), NO_KEY, "Key");
        assertRefused(send("/passthrough-body", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"apikey\":[\"a\",\"b\"]}",
                Map.of()), "Duplicate API key found", "Key");
        assertThat(upstream.pending()).isZero();
    }

    @Test
    void withSeveralKeyNamesNoneReachesTheUpstreamWhicheverAuthenticated() {
        // apikey authenticates alice; bob's valid key under the other name, in every place, goes nowhere
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"tenant\":\"bob-key\"}";
        assertThat(send("/two-names?apikey=alice-key&tenant=bob-key&x=1", body, Map.of("tenant", "bob-key")).status())
                .isEqualTo(200);
        RestUpstream.Received alice = upstream.next();
        assertThat(alice.header("x-consumer-username")).isEqualTo("alice");
        assertThat(alice.query()).isEqualTo("x=1");
        assertThat(alice.headers().contains("tenant")).isFalse();
        assertThat(alice.body()).isEqualTo(PING);

        // the second name authenticating from the query, its copy in the body (never read) goes nowhere either
        assertThat(send("/two-names?tenant=bob-key", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"tenant\":\"x\"}",
                Map.of()).status()).isEqualTo(200);
        RestUpstream.Received bob = upstream.next();
        assertThat(bob.header("x-consumer-username")).isEqualTo("bob");
        assertThat(bob.query()).isNull();
        assertThat(bob.body()).isEqualTo(PING);
    }

    @Test
    void aPreflightKeyAuthLetsPassWithoutRunningStillSendsNoKeyUpstream() {
        McpHttp.Response preflight = new McpHttp(gateway.proxy("/preflight?tenant=bob-key&x=1")).send("OPTIONS",
                "{\"apikey\":\"alice-key\",\"kept\":1}", Map.of("Origin", "http://localhost",
                        "Access-Control-Request-Method", "POST", "apikey", "alice-key", "content-type", "application/json"));

        assertThat(preflight.status()).as(preflight.toString()).isEqualTo(204);
        RestUpstream.Received seen = upstream.next();
        assertThat(seen.method()).isEqualTo("OPTIONS");
        assertThat(seen.headers().contains("apikey")).isFalse();
        assertThat(seen.query()).isEqualTo("x=1");
        assertThat(seen.body()).isEqualTo("{\"kept\":1}");
    }

    @Test
    void whenAnotherPluginAuthenticatedTheCallerTheKeysKeyAuthLeftUnreadDoNotReachTheUpstream() throws Exception {
        SignedJWT token = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().issuer("alice-iss").build());
        token.sign(new MACSigner(JWT_SECRET));
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"apikey\":\"bob-key\"}";

        McpHttp.Response admitted = send("/either?tenant=bob-key&x=1", body,
                Map.of("authorization", "Bearer " + token.serialize(), "apikey", "bob-key"));

        assertThat(admitted.status()).as(admitted.toString()).isEqualTo(200);
        RestUpstream.Received seen = upstream.next();
        assertThat(seen.header("x-consumer-username")).as("jwt authenticated, key-auth did not run").isEqualTo("alice");
        assertThat(seen.header("x-credential-identifier")).isEqualTo("alice-iss");
        assertThat(seen.headers().contains("authorization")).isFalse();
        assertThat(seen.headers().contains("apikey")).isFalse();
        assertThat(seen.query()).isEqualTo("x=1");
        assertThat(seen.body()).isEqualTo(PING);
    }

    @Test
    void aListenersToolCallIsAuthenticatedByTheOwningRoutesKeyAndSendsNeitherKey() {
        // as Kong re-authenticates the replayed request: the owning route's key-auth reads its own name, tenant
        McpHttp mcp = session("/listener", Map.of("apikey", "alice-key", "tenant", "bob-key"), "");
        McpHttp.Response called = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"get_items\",\"arguments\":{}}}");

        assertThat(called.json().path("result").path("isError").asBoolean()).as(called.toString()).isFalse();
        RestUpstream.Received seen = upstream.next();
        assertThat(seen.headers().getAll("x-consumer-username")).containsExactly("bob");
        assertThat(seen.headers().contains("tenant")).isFalse();
        assertThat(seen.headers().contains("apikey")).isFalse();
    }

    @Test
    void aListenersCallerWithoutTheOwningRoutesKeyGetsItsRefusalAsTheToolsResult() throws Exception {
        McpHttp mcp = session("/listener", Map.of("apikey", "alice-key"), "");
        McpHttp.Response called = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"get_items\",\"arguments\":{}}}");

        assertThat(called.json().path("result").path("isError").asBoolean()).as(called.toString()).isTrue();
        assertThat(called.json().at("/result/content/0/text").asText())
                .isEqualTo("The tool's route refused the call: HTTP 401: " + NO_KEY);
        assertThat(upstream.quiet(Duration.ofMillis(300))).as("the upstream was not called").isTrue();
    }

    @Test
    void aListenersCallerWithoutTheOwningRoutesKeyIsItsAnonymousConsumerThere() {
        McpHttp mcp = session("/guest-listener", Map.of("apikey", "alice-key"), "");
        McpHttp.Response called = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"get_guested\",\"arguments\":{}}}");

        assertThat(called.json().path("result").path("isError").asBoolean()).as(called.toString()).isFalse();
        RestUpstream.Received seen = upstream.next();
        assertThat(seen.headers().getAll("x-consumer-username")).containsExactly("guest");
        assertThat(seen.header("x-anonymous-consumer")).isEqualTo("true");
        assertThat(seen.headers().contains("x-credential-identifier")).as("alice's key credential").isFalse();
        assertThat(seen.headers().contains("apikey")).isFalse();
    }

    @Test
    void aListenersKeyAuthCallerIsJudgedByTheOwningRoutesOAuthAndNoTokenGoesUpstream() throws Exception {
        // the listener's key-auth identifies alice; the owning routes' ai-mcp-oauth2 still asks for their own token
        McpHttp mcp = session("/oauth-listener", Map.of("apikey", "alice-key", "authorization", "Bearer client-token",
                "x-actor", "Bearer actor-token"), "");

        for (String tool : List.of("get_owned", "get_exchanged")) {
            McpHttp.Response called = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\","
                    + "\"params\":{\"name\":\"" + tool + "\",\"arguments\":{}}}");
            assertThat(called.json().path("result").path("isError").asBoolean()).as(called.toString()).isTrue();
            assertThat(called.json().at("/result/content/0/text").asText()).as(tool).contains("refused the call: HTTP 401");
        }
        assertThat(upstream.quiet(Duration.ofMillis(300))).as("the upstream was not called").isTrue();
    }

    @Test
    void withSeveralKeyNamesTheLogMasksEveryOneOfThemAdmittedOrRefused() {
        assertThat(post("/two-names?apikey=alice-key&tenant=bob-key", Map.of("tenant", "bob-key")).status())
                .isEqualTo(200);
        upstream.next();
        // refused: the first name holds no valid key, the second one's value still is bob's key
        assertRefused(post("/two-names?apikey=wrong-key&tenant=bob-key", Map.of("tenant", "bob-key")),
                "Unauthorized", "Key");

        List<JsonNode> entries = logEntries(2);
        for (JsonNode entry : entries) {
            JsonNode request = entry.path("request");
            assertThat(request.path("querystring").path("tenant").asText()).as("%s", entry).isEqualTo("[redacted]");
            assertThat(request.path("querystring").path("apikey").asText()).isEqualTo("[redacted]");
            assertThat(request.path("headers").path("tenant").asText()).isEqualTo("[redacted]");
            assertThat(request.path("uri").asText()).doesNotContain("bob-key");
        }
        assertThat(entries).extracting(e -> e.path("response").path("status").asInt()).containsExactlyInAnyOrder(200, 401);
        assertThat(entries.toString()).doesNotContain("bob-key").doesNotContain("alice-key").doesNotContain("wrong-key");
    }

    @Test
    void aRefusedRequestIsLoggedWithTheRoutersUpstreamUriAndAnEmptyUpstreamStatusAsKongLogsIt() {
        assertRefused(post("/two-names?apikey=wrong-key&x=1", Map.of()), "Unauthorized", "Key");

        JsonNode entry = logEntries(1).getFirst();
        // Kong's router sets upstream_uri (strip_path, the service's /mcp, the client's query) before key-auth
        // runs; nginx's $upstream_status is empty when nothing was proxied, and Kong's serializer writes ""
        String query = entry.path("request").path("uri").asText().replaceFirst("^[^?]*", "");
        assertThat(query).as("%s", entry).startsWith("?apikey=").endsWith("&x=1");
        assertThat(entry.path("upstream_uri").isTextual()).as("%s", entry).isTrue();
        assertThat(entry.path("upstream_uri").asText()).isEqualTo("/mcp" + query);
        assertThat(entry.path("upstream_status").isTextual()).as("%s", entry).isTrue();
        assertThat(entry.path("upstream_status").asText()).isEmpty();
        assertThat(entry.toString()).doesNotContain("wrong-key");
    }

    @Test
    void aReloadGivingAnotherConsumerAKeyAlreadyHeldIsRefusedAndTheKeyKeepsItsHolder() {
        AdminHttp admin = new AdminHttp(gateway);
        String before = admin.hash();
        AdminHttp.Response refused = admin.postConfig(config.replace("  - {username: guest}\n",
                "  - {username: guest}\n  - {username: mallory, keyauth_credentials: [{key: alice-key}]}\n"));

        assertThat(refused.status()).as("%s", refused).isEqualTo(400);
        assertThat(refused.json().path("problems").toString()).contains("consumers[2].keyauth_credentials[0].key: "
                + "consumer 'alice' already has this key-auth key (consumers[0].keyauth_credentials[0])");
        assertThat(refused.body()).doesNotContain("alice-key");
        assertThat(admin.hash()).isEqualTo(before);
        assertThat(post("/passthrough", Map.of("apikey", "alice-key")).status()).isEqualTo(200);
        assertThat(upstream.next().header("x-consumer-username")).isEqualTo("alice");
    }

    /** The first {@code count} entries http-log sent, each alone (Kong's default queue), in order. */
    static List<JsonNode> logEntries(int count) {
        await().atMost(Duration.ofSeconds(20)).until(() -> logs.pending() >= count);
        List<JsonNode> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            try {
                entries.add(Json.MAPPER.readTree(logs.next().body()));
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }
        return entries;
    }

    @Test
    void aConvertedCallNeverSendsTheKeyButSendsKongsConsumerHeaders() {
        Map<String, McpHttp> clients = new LinkedHashMap<>();
        // the key in the MCP request's query (conversion), in a header (listener), in the JSON body
        clients.put("/conversion", session("/conversion?apikey=alice-key", Map.of(), ""));
        // the listener reads apikey, the route owning its tool tenant: alice sends her key under both
        clients.put("/listener", session("/listener", Map.of("apikey", "alice-key", "tenant", "alice-key"), ""));
        clients.put("/in-body", session("/in-body", Map.of(), ",\"apikey\":\"alice-key\""));
        clients.forEach((endpoint, mcp) -> {
            String key = endpoint.equals("/in-body") ? ",\"apikey\":\"alice-key\"" : "";
            McpHttp.Response called = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\"" + key
                    + ",\"params\":{\"name\":\"get_items\",\"arguments\":{\"query_q\":\"desk\"}}}");
            assertThat(called.status()).as(endpoint + ": " + called).isEqualTo(200);
            assertThat(called.json().path("result").path("isError").asBoolean()).as(called.toString()).isFalse();

            RestUpstream.Received seen = upstream.next();
            assertThat(seen.uri()).as(endpoint).isEqualTo("/items?q=desk");
            assertThat(seen.headers().contains("apikey")).as(endpoint).isFalse();
            assertThat(seen.headers().getAll("x-consumer-username")).as(endpoint).containsExactly("alice");
            assertThat(seen.header("x-consumer-id")).isEqualTo(CONSUMER_ID);
            assertThat(seen.header("x-consumer-custom-id")).isEqualTo("cust-1");
            assertThat(seen.header("x-credential-identifier")).isEqualTo(CREDENTIAL_ID);
        });
    }

    /** An initialized session on a conversion endpoint; {@code bodyKey} is added to each JSON body it sends itself. */
    static McpHttp session(String endpoint, Map<String, String> headers, String bodyKey) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("X-Consumer-Username", "root");
        McpHttp mcp = new McpHttp(gateway.proxy(endpoint), all);
        McpHttp.Response initialized = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\"" + bodyKey
                + ",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"keyauth-tests\",\"version\":\"1\"}}}");
        assertThat(initialized.status()).as(endpoint + ": " + initialized).isEqualTo(200);
        mcp.sessionId(initialized.header("mcp-session-id"));
        return mcp;
    }

    @Test
    void everyMethodOfEveryModesEndpointNeedsTheKey() {
        for (String endpoint : List.of("/conversion", "/listener", "/passthrough")) {
            for (String method : List.of("POST", "GET", "DELETE")) {
                RawConnection.Response refused = raw(method, endpoint, List.of("Mcp-Session-Id: abc"),
                        method.equals("POST") ? PING : null);
                assertThat(refused.status()).as(method + " " + endpoint + ": " + refused).isEqualTo(401);
                assertThat(refused.header("www-authenticate")).isEqualTo("Key");
            }
        }
        assertThat(upstream.pending()).isZero();
        for (String endpoint : List.of("/conversion", "/listener")) {
            McpHttp mcp = new McpHttp(gateway.proxy(endpoint), Map.of("apikey", "alice-key"));
            assertThat(mcp.initialize("2025-11-25").status()).isEqualTo(200);
            try (RawConnection stream = RawConnection.connect(gateway.gateway().proxyPort(), 0)) {
                stream.send("GET", endpoint, List.of("Host: 127.0.0.1", "Accept: text/event-stream",
                        "apikey: alice-key", "Mcp-Session-Id: " + mcp.sessionId()), null);
                assertThat(stream.head().status()).as("GET " + endpoint).isEqualTo(200);
            }
            McpHttp.Response deleted = mcp.send("DELETE", null, Map.of("mcp-session-id", mcp.sessionId()));
            assertThat(deleted.status()).as("DELETE " + endpoint).isBetween(200, 204);
        }
    }

    static void assertRefused(McpHttp.Response response, String message, String challenge) {
        assertThat(response.status()).as(response.toString()).isEqualTo(401);
        assertThat(response.json().path("error").path("message").asText()).isEqualTo(message);
        assertThat(response.header("www-authenticate")).isEqualTo(challenge);
    }

    @Test
    void aKeyInTheBodyBesideASizeLimitServesABodyOfUnknownLengthAndRefusesOneTooLarge() {
        // key-auth reads the body before request-size-limiting (1250, then 951) can bound the read
        String small = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
        String large = small.replace("\"name\":\"t\"", "\"name\":\"" + "t".repeat(2000) + "\"");

        assertThat(chunked("/in-body", small).status()).isEqualTo(200);
        assertThat(chunked("/in-body", large).status()).isEqualTo(413);
        assertThat(chunked("/in-body", small).status()).isEqualTo(200);
    }

    /** A POST whose length is not declared: its body in one chunk. */
    static RawConnection.Response chunked(String path, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        byte[] framed = (Integer.toHexString(body.length) + "\r\n" + json + "\r\n0\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        return RawConnection.exchange(gateway.gateway().proxyPort(), "POST", path,
                List.of("Host: 127.0.0.1", "Content-Type: application/json", "Accept: " + McpHttp.ACCEPT_BOTH,
                        "apikey: alice-key", "Transfer-Encoding: chunked"), framed);
    }

    static McpHttp.Response post(String pathAndQuery, Map<String, String> headers) {
        return send(pathAndQuery, PING, headers);
    }

    static McpHttp.Response send(String pathAndQuery, String body, Map<String, String> headers) {
        Map<String, String> sent = new LinkedHashMap<>(headers);
        sent.put("content-type", "application/json");
        sent.put("accept", McpHttp.ACCEPT_BOTH);
        return new McpHttp(gateway.proxy(pathAndQuery)).send("POST", body, sent);
    }

    static Map<String, String> with(Map<String, String> headers, String name, String value) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put(name, value);
        return all;
    }

    /** One request written byte for byte (header values are sent as ISO-8859-1 bytes). */
    static RawConnection.Response raw(String method, String target, List<String> headers, String body) {
        List<String> all = new ArrayList<>(List.of("Host: 127.0.0.1", "Content-Type: application/json",
                "Accept: " + McpHttp.ACCEPT_BOTH, "Connection: close"));
        all.addAll(headers);
        byte[] bytes = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
        if (bytes != null) {
            all.add("Content-Length: " + bytes.length);
        }
        return RawConnection.exchange(gateway.gateway().proxyPort(), method, target, all, bytes);
    }
}
