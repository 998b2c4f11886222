package dev.toolgate.policy.ratelimit;

import dev.toolgate.cluster.FakeClock;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RawConnection;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Kong's rate-limiting with the local policy, on a conversion route, on a clock the test moves. */
@Timeout(60)
class RateLimitingIT {

    static final String CALL = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"ping\"}}";

    private final FakeClock clock = new FakeClock(Instant.parse("2026-11-24T10:00:30Z"));
    private RestUpstream upstream;
    private TestGateway gateway;

    static String config(String upstream, String limits) {
        return """
                _format_version: "3.0"
                consumers:
                  - username: alice
                    keyauth_credentials: [{key: alice-key}]
                  - username: bob
                    keyauth_credentials: [{key: bob-key}]
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: tools
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server: {session: {managed: false}}
                              tools:
                                - {name: ping, description: Ping, method: GET, path: /mcp/ping}
                          - name: rate-limiting
                            config: %s
                  - name: keyed
                    url: %s
                    routes:
                      - name: keyed
                        paths: [/keyed]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server: {session: {managed: false}}
                              tools:
                                - {name: ping, description: Ping, method: GET, path: /keyed/ping}
                          - name: key-auth
                          - name: rate-limiting
                            config: {minute: 2}
                """.formatted(upstream, limits, upstream);
    }

    @BeforeEach
    void start() {
        upstream = new RestUpstream().json("GET /ping", 200, "{\"pong\":true}");
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
    }

    private McpHttp.Response call(String path, Map<String, String> extra) {
        Map<String, String> headers = new java.util.LinkedHashMap<>(Map.of("content-type", "application/json",
                "accept", McpHttp.ACCEPT_BOTH));
        headers.putAll(extra);
        return new McpHttp(gateway.proxy(path)).send("POST", CALL, headers);
    }

    private McpHttp.Response call() {
        return call("/mcp", Map.of());
    }

    @Test
    void theFourthRequestOfAMinuteIsRefusedWithKongsAnswerUntilTheNextMinute() {
        gateway = TestGateway.start(config(upstream.url(), "{minute: 3}"), clock);

        for (int left = 2; left >= 0; left--) {
            McpHttp.Response ok = call();
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.header("X-RateLimit-Limit-Minute")).isEqualTo("3");
            assertThat(ok.header("X-RateLimit-Remaining-Minute")).isEqualTo(Integer.toString(left));
            assertThat(ok.header("RateLimit-Limit")).isEqualTo("3");
            assertThat(ok.header("RateLimit-Remaining")).isEqualTo(Integer.toString(left));
            assertThat(ok.header("RateLimit-Reset")).isEqualTo("30");
        }
        McpHttp.Response refused = call();
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.json().at("/error/message").asText()).isEqualTo("API rate limit exceeded");
        assertThat(refused.header("Retry-After")).isEqualTo("30");
        assertThat(refused.header("X-RateLimit-Remaining-Minute")).isEqualTo("0");

        clock.set(Instant.parse("2026-11-24T10:00:59.999Z"));
        assertThat(call().status()).isEqualTo(429);
        clock.set(Instant.parse("2026-11-24T10:01:00Z"));
        McpHttp.Response next = call();
        assertThat(next.status()).isEqualTo(200);
        assertThat(next.header("X-RateLimit-Remaining-Minute")).isEqualTo("2");
        assertThat(next.header("RateLimit-Reset")).isEqualTo("60");
    }

    @Test
    void severalWindowsAreCountedTogetherAndTheClosestToRunningOutIsReported() {
        gateway = TestGateway.start(config(upstream.url(), "{minute: 2, hour: 2}"), clock);

        McpHttp.Response first = call();
        assertThat(first.header("X-RateLimit-Remaining-Minute")).isEqualTo("1");
        assertThat(first.header("X-RateLimit-Remaining-Hour")).isEqualTo("1");
        // Kong: on a tie the larger window is reported
        assertThat(first.header("RateLimit-Reset")).isEqualTo("3570");
        call();
        McpHttp.Response refused = call();
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).isEqualTo("3570");

        clock.set(Instant.parse("2026-11-24T10:01:00Z"));
        assertThat(call().status()).as("the hour is still used up").isEqualTo(429);
    }

    @Test
    void ipLimitsCountTheConnectionNotAForgedXForwardedFor() {
        gateway = TestGateway.start(config(upstream.url(), "{minute: 2, limit_by: ip}"), clock);

        assertThat(call("/mcp", Map.of("X-Forwarded-For", "203.0.113.1")).status()).isEqualTo(200);
        assertThat(call("/mcp", Map.of("X-Forwarded-For", "203.0.113.2")).status()).isEqualTo(200);
        assertThat(call("/mcp", Map.of("X-Forwarded-For", "203.0.113.3", "X-Real-IP", "198.51.100.9")).status())
                .isEqualTo(429);
    }

    @Test
    void aPathLimitCountsThePathAsRoutedWhateverDotSegmentsTheClientSpellsItWith() {
        gateway = TestGateway.start(config(upstream.url(), "{minute: 2, limit_by: path, path: /mcp}"), clock);

        assertThat(call("/mcp", Map.of()).status()).isEqualTo(200);
        assertThat(call("/%2e/mcp", Map.of()).status()).isEqualTo(200);
        McpHttp.Response third = call("/./mcp", Map.of());
        assertThat(third.status()).as("/./mcp is the limited path, not a count of its own: " + third).isEqualTo(429);
        assertThat(call("/%2E/mcp", Map.of()).status()).isEqualTo(429);
    }

    @Test
    void aHeaderLimitCountsTheConsumerHeaderTheGatewaySetsNotOneTheClientForges() {
        String limit = "{minute: 1, limit_by: header, header_name: X-Consumer-Username}";
        gateway = TestGateway.start(config(upstream.url(), limit).replace("config: {minute: 2}", "config: " + limit),
                clock);

        assertThat(call("/keyed", Map.of("apikey", "alice-key", "X-Consumer-Username", "mallory-1")).status())
                .isEqualTo(200);
        assertThat(call("/keyed", Map.of("apikey", "alice-key", "X-Consumer-Username", "mallory-2")).status())
                .as("alice's second call: a forged name is no fresh count").isEqualTo(429);
        assertThat(call("/keyed", Map.of("apikey", "bob-key", "X-Consumer-Username", "alice")).status())
                .as("bob's call spends bob's count, not alice's").isEqualTo(200);
        // without authentication the gateway sends no consumer header: the client's falls back to its address
        assertThat(call("/mcp", Map.of("X-Consumer-Username", "mallory-1")).status()).isEqualTo(200);
        assertThat(call("/mcp", Map.of("X-Consumer-Username", "mallory-2")).status()).isEqualTo(429);
    }

    @Test
    void aHeaderLimitOnTheKeyKeyAuthConsumesCountsEachKeyAsKongDoesNotTheAddress() {
        String limit = "{minute: 1, limit_by: header, header_name: apikey}";
        gateway = TestGateway.start(config(upstream.url(), limit).replace("config: {minute: 2}", "config: " + limit),
                clock);

        assertThat(call("/keyed", Map.of("apikey", "alice-key")).status()).isEqualTo(200);
        assertThat(call("/keyed", Map.of("apikey", "alice-key")).status()).as("alice's key is used up")
                .isEqualTo(429);
        assertThat(call("/keyed", Map.of("apikey", "bob-key")).status())
                .as("bob's key, from the same address, has its own count").isEqualTo(200);
    }

    @Test
    void aHeaderLimitOnTheTokenJwtConsumesCountsEachTokenAsKongDoesNotTheSecretThatSignedThem() throws Exception {
        String limit = "{minute: 1, limit_by: header, header_name: Authorization}";
        gateway = TestGateway.start(config(upstream.url(), limit).replace("config: {minute: 2}", "config: " + limit)
                .replace("keyauth_credentials: [{key: alice-key}]", "keyauth_credentials: [{key: alice-key}]\n"
                        + "    jwt_secrets: [{key: alice-iss, algorithm: HS256, secret: '" + JWT_SECRET + "'}]")
                .replace("- name: key-auth\n", "- name: jwt\n"), clock);
        String first = "Bearer " + token("first");
        String second = "Bearer " + token("second");

        McpHttp.Response admitted = call("/keyed", Map.of("authorization", first));
        assertThat(admitted.status()).as("%s", admitted).isEqualTo(200);
        assertThat(call("/keyed", Map.of("authorization", first)).status()).as("the first token is used up")
                .isEqualTo(429);
        // Kong's rate-limiting reads the Authorization the client sent: another token of the same secret counts apart
        assertThat(call("/keyed", Map.of("authorization", second)).status())
                .as("a second token signed by alice's secret has its own count").isEqualTo(200);
    }

    @Test
    void aHeaderLimitOnAJwtCountsTheTokenHoweverTheClientSpacesOrCasesTheScheme() throws Exception {
        String limit = "{minute: 1, limit_by: header, header_name: Authorization}";
        gateway = TestGateway.start(config(upstream.url(), limit).replace("config: {minute: 2}", "config: " + limit)
                .replace("keyauth_credentials: [{key: alice-key}]", "keyauth_credentials: [{key: alice-key}]\n"
                        + "    jwt_secrets: [{key: alice-iss, algorithm: HS256, secret: '" + JWT_SECRET + "'}]")
                .replace("- name: key-auth\n", "- name: jwt\n"), clock);
        String token = token("alice");

        McpHttp.Response admitted = call("/keyed", Map.of("authorization", "Bearer " + token));
        assertThat(admitted.status()).as("%s", admitted).isEqualTo(200);
        // jwt reads the same token out of each: one more space a request must not be a fresh count
        for (String spelled : List.of("Bearer  " + token, "bearer " + token, " Bearer   " + token)) {
            assertThat(call("/keyed", Map.of("authorization", spelled)).status()).as("'%s'", spelled.substring(0, 10))
                    .isEqualTo(429);
        }
    }

    private static final String JWT_SECRET = "a-secret-of-at-least-thirty-two-bytes-long";

    private static String token(String subject) throws Exception {
        var jwt = new com.nimbusds.jwt.SignedJWT(new com.nimbusds.jose.JWSHeader(com.nimbusds.jose.JWSAlgorithm.HS256),
                new com.nimbusds.jwt.JWTClaimsSet.Builder().issuer("alice-iss").subject(subject).build());
        jwt.sign(new com.nimbusds.jose.crypto.MACSigner(JWT_SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    @Test
    void eachConsumerHasItsOwnCountAndRefusedCallsNeverReachTheApi() throws InterruptedException {
        gateway = TestGateway.start(config(upstream.url(), "{minute: 100}"), clock);
        upstream.clear();

        assertThat(call("/keyed", Map.of("apikey", "alice-key")).status()).isEqualTo(200);
        assertThat(call("/keyed", Map.of("apikey", "alice-key")).status()).isEqualTo(200);
        assertThat(call("/keyed", Map.of("apikey", "alice-key")).status()).isEqualTo(429);
        assertThat(call("/keyed", Map.of("apikey", "bob-key")).status()).isEqualTo(200);
        assertThat(upstream.pending()).isEqualTo(3);
    }

    @Test
    void kongsErrorCodeMessageAndHiddenHeadersAreHonoured() {
        gateway = TestGateway.start(config(upstream.url(),
                "{minute: 1, error_code: 503, error_message: Slow down, hide_client_headers: true}"), clock);

        McpHttp.Response ok = call();
        assertThat(ok.header("X-RateLimit-Limit-Minute")).isNull();
        assertThat(ok.header("RateLimit-Remaining")).isNull();
        McpHttp.Response refused = call();
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.json().at("/error/message").asText()).isEqualTo("Slow down");
        assertThat(refused.header("Retry-After")).isNull();
    }

    @Test
    void anErrorCodeWhoseStatusCarriesNoBodyAnswersTheRefusalWithoutOneAndTheConnectionServesOn() {
        // Kong's schema takes them (gt = 0); such a status has no body (RFC 9110), so the refusal is its head alone
        for (int code : new int[] {204, 205, 304}) {
            gateway = TestGateway.start(config(upstream.url(), "{minute: 1, error_code: " + code + "}"), clock);
            byte[] body = CALL.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            java.util.List<String> headers = java.util.List.of("Host: 127.0.0.1", "Content-Type: application/json",
                    "Accept: " + McpHttp.ACCEPT_BOTH, "Content-Length: " + body.length);
            try (RawConnection http = RawConnection.connect(gateway.gateway().proxyPort(), 0)) {
                assertThat(http.send("POST", "/mcp", headers, body).readAll().status()).isEqualTo(200);
                for (int refusal = 0; refusal < 2; refusal++) {
                    RawConnection.Head refused = http.nextResponse().send("POST", "/mcp", headers, body).head();
                    // a body written after it would be read as the next answer's status line
                    assertThat(refused.statusLine()).as("error_code %d, refusal %d", code, refusal)
                            .startsWith("HTTP/1.1 " + code + " ");
                    assertThat(refused.header("Retry-After")).isNotNull();
                    assertThat(refused.header("Content-Length")).isIn(null, "0");
                    assertThat(refused.header("Transfer-Encoding")).isNull();
                }
            }
            gateway.close();
            gateway = null;
        }
    }

    @Test
    void aReloadThatKeepsThePluginKeepsItsCounts() {
        String document = config(upstream.url(), "{minute: 2}");
        gateway = TestGateway.start(document, clock);
        AdminHttp admin = new AdminHttp(gateway);
        call();
        call();

        assertThat(admin.postConfig(document + "\n# reloaded\n").status()).isEqualTo(200);
        assertThat(call().status()).isEqualTo(429);
    }

    @Test
    void aRaisedLimitGivesACallerWhoUsedTheOldOneUpExactlyTheDifference() {
        gateway = TestGateway.start(config(upstream.url(), "{minute: 3}"), clock);
        AdminHttp admin = new AdminHttp(gateway);
        for (int i = 0; i < 3; i++) {
            assertThat(call().status()).isEqualTo(200);
        }
        assertThat(call().status()).isEqualTo(429);

        assertThat(admin.postConfig(config(upstream.url(), "{minute: 5}")).status()).isEqualTo(200);
        McpHttp.Response fourth = call();
        assertThat(fourth.status()).isEqualTo(200);
        assertThat(fourth.header("X-RateLimit-Limit-Minute")).isEqualTo("5");
        assertThat(fourth.header("X-RateLimit-Remaining-Minute")).isEqualTo("1");
        assertThat(call().status()).isEqualTo(200);
        assertThat(call().status()).isEqualTo(429);
    }

    @Test
    void aLoweredLimitRefusesAtOnceACallerOverItAndRestoringItGivesNothingMore() {
        String ten = config(upstream.url(), "{minute: 10}");
        gateway = TestGateway.start(ten, clock);
        AdminHttp admin = new AdminHttp(gateway);
        for (int i = 0; i < 8; i++) {
            assertThat(call().status()).isEqualTo(200);
        }

        assertThat(admin.postConfig(config(upstream.url(), "{minute: 5}")).status()).isEqualTo(200);
        McpHttp.Response lowered = call();
        assertThat(lowered.status()).as("8 used of a minute now allowing 5").isEqualTo(429);
        assertThat(lowered.header("X-RateLimit-Remaining-Minute")).isEqualTo("0");

        assertThat(admin.postConfig(ten).status()).isEqualTo(200);
        assertThat(call().status()).isEqualTo(200);
        assertThat(call().status()).isEqualTo(200);
        assertThat(call().status()).as("the lowered limit in between gave nothing back").isEqualTo(429);

        clock.set(Instant.parse("2026-11-24T10:01:00Z"));
        assertThat(call().header("X-RateLimit-Remaining-Minute")).isEqualTo("9");
    }

    @Test
    void aListenersCallsAreCountedByTheRateLimitOfTheRouteThatOwnsTheTool() {
        gateway = TestGateway.start(listenerOverALimitedOwner(), clock);

        McpHttp.Response first = call("/front", Map.of());
        McpHttp.Response second = call("/front", Map.of());

        assertThat(first.json().at("/result/isError").asBoolean()).isFalse();
        assertThat(first.header("X-RateLimit-Limit-Minute")).as("the owning route's headers stay with it").isNull();
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().at("/result/isError").asBoolean()).isTrue();
        assertThat(second.json().at("/result/content/0/text").asText())
                .isEqualTo("The tool's route refused the call: HTTP 429: API rate limit exceeded");
    }

    /** A listener at /front over the tool ping, owned by team-tools (rate-limiting 1 a minute, ping 2 an hour). */
    private String listenerOverALimitedOwner() {
        return """
                _format_version: "3.0"
                services:
                  - name: team
                    url: %1$s
                    routes:
                      - name: team-tools
                        paths: [/team]
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [shared]
                            config:
                              mode: conversion-only
                              tool_limits: {hour: 2}
                              tools:
                                - {name: ping, description: Ping, method: GET, path: /team/ping}
                          - name: rate-limiting
                            config: {minute: 1}
                  - name: front
                    url: %1$s
                    routes:
                      - name: front
                        paths: [/front]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: listener
                              server: {tag: shared, session: {managed: false}}
                """.formatted(upstream.url());
    }

    @Test
    void aListenersCallThatTheOwningRouteRefusesCountsAgainstNoToolLimit() {
        gateway = TestGateway.start(listenerOverALimitedOwner(), clock);

        assertThat(call("/front", Map.of()).json().at("/result/isError").asBoolean()).isFalse();
        for (int i = 0; i < 3; i++) {
            assertThat(call("/front", Map.of()).json().at("/result/content/0/text").asText())
                    .isEqualTo("The tool's route refused the call: HTTP 429: API rate limit exceeded");
        }
        clock.set(Instant.parse("2026-11-24T10:01:00Z"));

        McpHttp.Response second = call("/front", Map.of());
        assertThat(second.json().at("/result/isError").asBoolean()).as("the second call made this hour: " + second)
                .isFalse();
    }

    @Test
    void kongsClusterPolicyIsRefusedWithItsPath() {
        var checked = dev.toolgate.testing.Configs.check(config("http://127.0.0.1:1", "{minute: 2, policy: cluster}"),
                java.nio.file.Path.of("."));

        assertThat(checked.problems()).anySatisfy(p -> assertThat(p).contains("config.policy")
                .contains("database"));
    }
}
