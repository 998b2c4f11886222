package dev.toolgate.cluster;

import dev.toolgate.gateway.Limits;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RedisServer;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.SseStream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.toolgate.testing.McpAssertions.assertRpcError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code strategy: client}: the session travels in its id, so any instance with the secrets serves
 * it. Altered, truncated, foreign, expired, retired-secret and ended ids are each answered 404 (never
 * 500), and the next good request is served.
 */
@Timeout(60)
class ClientSessionsIT {

    static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";
    static final String UNKNOWN = "Session not found: it expired or was terminated; send initialize to start a new one";

    private final FakeClock clock = new FakeClock(Instant.parse("2026-11-24T10:00:00Z"));
    private RestUpstream upstream;
    private RedisServer redis;
    private TestGateway first;
    private TestGateway second;

    @BeforeEach
    void upstream() {
        upstream = new RestUpstream();
    }

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[]{first, second, upstream, redis}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    static String config(String upstream, String session) {
        return """
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: one
                        paths: [/one]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server: {session: %s}
                              tools:
                                - {name: ping, description: Ping, method: GET, path: /one/ping}
                      - name: two
                        paths: [/two]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server: {session: %s}
                              tools:
                                - {name: pong, description: Pong, method: GET, path: /two/pong}
                """.formatted(upstream, session, session);
    }

    private String client(String secrets) {
        return config(upstream.url(), "{strategy: client, session_ttl: 60, client: {secrets: " + secrets + "}}");
    }

    private static McpHttp on(TestGateway gateway, String path, String sessionId) {
        McpHttp mcp = new McpHttp(gateway.proxy(path));
        mcp.sessionId(sessionId);
        return mcp;
    }

    private static void assertUnknownThenServed(TestGateway gateway, String badId) {
        assertRpcError(on(gateway, "/one", badId).post(LIST), 404, -32001, UNKNOWN);
        McpHttp fresh = new McpHttp(gateway.proxy("/one"));
        assertThat(fresh.initialize("2025-06-18").status()).isEqualTo(200);
        assertThat(fresh.post(LIST).status()).isEqualTo(200);
    }

    @Test
    void aSessionBegunOnOneInstanceGoesOnOnAnotherThatKeepsNothing() {
        first = TestGateway.start(client("[first-secret]"), clock);
        second = TestGateway.start(client("[first-secret]"), clock);
        McpHttp mcp = new McpHttp(first.proxy("/one"));
        mcp.initialize("2025-06-18");

        McpHttp.Response listed = on(second, "/one", mcp.sessionId()).post(LIST);

        assertThat(mcp.sessionId()).startsWith("t1.");
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.json().at("/result/tools/0/name").asText()).isEqualTo("ping");
        assertThat(new AdminHttp(second).get("/status").json().at("/server/mcp_sessions").asInt()).isZero();
    }

    @Test
    void alteredTruncatedAndForeignIdsAre404AndTheNextGoodRequestIsServed() {
        first = TestGateway.start(client("[first-secret]"), clock);
        McpHttp mcp = new McpHttp(first.proxy("/one"));
        mcp.initialize("2025-06-18");
        String id = mcp.sessionId();
        char c = id.charAt(10);

        assertUnknownThenServed(first, id.substring(0, 10) + (c == 'A' ? 'B' : 'A') + id.substring(11));
        assertUnknownThenServed(first, id.substring(0, id.length() - 6));
        assertUnknownThenServed(first, "t1.");
        assertUnknownThenServed(first, "t1.%%%not-base64");
        McpHttp other = new McpHttp(first.proxy("/two"));
        other.initialize("2025-06-18");
        assertUnknownThenServed(first, other.sessionId());
        assertThat(on(first, "/one", id).post(LIST).status()).isEqualTo(200);
    }

    @Test
    void anIdSealedWithARetiredSecretIs404WhileOneStillListedOpens() {
        first = TestGateway.start(client("[old-secret]"), clock);
        McpHttp mcp = new McpHttp(first.proxy("/one"));
        mcp.initialize("2025-06-18");
        AdminHttp admin = new AdminHttp(first);

        assertThat(admin.postConfig(client("[new-secret, old-secret]")).status()).isEqualTo(200);
        assertThat(on(first, "/one", mcp.sessionId()).post(LIST).status()).isEqualTo(200);
        McpHttp rotated = new McpHttp(first.proxy("/one"));
        rotated.initialize("2025-06-18");

        assertThat(admin.postConfig(client("[new-secret]")).status()).isEqualTo(200);
        assertUnknownThenServed(first, mcp.sessionId());
        assertThat(on(first, "/one", rotated.sessionId()).post(LIST).status()).isEqualTo(200);
    }

    @Test
    void oneClientAddressOpensNoMoreGetStreamsThanItMayHoldSessionsAndAClosedOneFreesItsPlace() throws Exception {
        // client sessions cost nothing, so initialize in a loop is free: the streams are what is bounded
        Limits twoPerClient = new Limits(Limits.DEFAULT.proxy(), Limits.DEFAULT.admin(), 100_000, 2, 3_600, 256,
                5_000, false, false, List.of());
        first = TestGateway.start(client("[first-secret]"), Map.of(), false, Map.of(), twoPerClient);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            McpHttp mcp = new McpHttp(first.proxy(i == 1 ? "/two" : "/one"));
            assertThat(mcp.initialize("2025-06-18").status()).as("client sessions are not capped").isEqualTo(200);
            ids.add(mcp.sessionId());
        }
        try (SseStream one = SseStream.open(first.proxy("/one"), ids.get(0));
             SseStream two = SseStream.open(first.proxy("/two"), ids.get(1))) {
            assertThat(one.status()).isEqualTo(200);
            assertThat(two.status()).isEqualTo(200);

            try (SseStream refused = SseStream.open(first.proxy("/one"), ids.get(2))) {
                assertThat(refused.status()).as("a third stream for one client address").isEqualTo(503);
                assertThat(refused.header("retry-after")).isEqualTo("30");
                await().atMost(Duration.ofSeconds(10)).until(refused::ended);
                var error = dev.toolgate.mcp.Json.parse(String.join("", refused.lines())).path("error");
                assertThat(error.path("code").asInt()).isEqualTo(-32000);
                assertThat(error.path("message").asText()).isEqualTo("Service Unavailable: this client address "
                        + "already has 2 open GET streams or passthrough requests here, as many as allowed; close one or retry in 30 s");
            }

            one.close();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
                try (SseStream again = SseStream.open(first.proxy("/one"), ids.get(2))) {
                    return again.status() == 200;
                }
            });
        }
    }

    @Test
    void anIdIs404OnceItsLifetimeHasPassedEvenIfUsed() {
        first = TestGateway.start(client("[first-secret]"), clock);
        McpHttp mcp = new McpHttp(first.proxy("/one"));
        mcp.initialize("2025-06-18");

        clock.advance(Duration.ofSeconds(59));
        assertThat(mcp.post(LIST).status()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(1));
        assertUnknownThenServed(first, mcp.sessionId());
    }

    @Test
    void aDeletedSessionIsRefusedByTheInstanceThatEndedItWithoutRedis() {
        first = TestGateway.start(client("[first-secret]"), clock);
        McpHttp mcp = new McpHttp(first.proxy("/one"));
        mcp.initialize("2025-06-18");

        assertThat(mcp.send("DELETE", null, java.util.Map.of("mcp-session-id", mcp.sessionId())).status())
                .isEqualTo(200);
        assertUnknownThenServed(first, mcp.sessionId());
    }

    @Test
    void withRedisADeletedSessionIsRefusedEverywhereAndWhileRedisIsDownNoSessionIsServedUnchecked() {
        redis = RedisServer.start();
        String config = config(upstream.url(), "{strategy: client, client: {secrets: [first-secret]}, redis: "
                + redis.block() + "}");
        first = TestGateway.start(config, clock);
        second = TestGateway.start(config, clock);
        McpHttp ended = new McpHttp(first.proxy("/one"));
        ended.initialize("2025-06-18");
        McpHttp live = new McpHttp(first.proxy("/one"));
        live.initialize("2025-06-18");

        assertThat(on(second, "/one", ended.sessionId()).send("DELETE", null,
                java.util.Map.of("mcp-session-id", ended.sessionId())).status()).isEqualTo(200);
        assertUnknownThenServed(first, ended.sessionId());

        redis.kill();
        // only Redis knows the first instance's session was ended on the second: it is not served again
        McpHttp.Response endedElsewhere = on(first, "/one", ended.sessionId()).post(LIST);
        assertRpcError(endedElsewhere, 503, -32000,
                "Service Unavailable: the session store cannot be reached; try again shortly");
        assertThat(endedElsewhere.header("retry-after")).isEqualTo("1");
        assertThat(on(second, "/one", live.sessionId()).post(LIST).status()).isEqualTo(503);
        McpHttp fresh = new McpHttp(second.proxy("/one"));
        assertThat(fresh.initialize("2025-06-18").status()).isEqualTo(200);
        McpHttp.Response cannotEnd = fresh.send("DELETE", null, java.util.Map.of("mcp-session-id", fresh.sessionId()));
        assertThat(cannotEnd.status()).as("a session that cannot be ended for everyone is not said to be ended")
                .isEqualTo(503);

        redis.startAgain();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(on(second, "/one", live.sessionId()).post(LIST).status()).isEqualTo(200));
    }

    /** Sessions one client address may end an hour (Revocations.PER_CLIENT_PER_HOUR). */
    private static final int ENDS_PER_HOUR = 1_000;

    @Test
    void aClientThatEndedAThousandSessionsThisHourIsToldToWaitAndNothingMoreIsWrittenToRedis() {
        redis = RedisServer.start();
        first = TestGateway.start(config(upstream.url(), "{strategy: client, client: {secrets: [first-secret]}, redis: "
                + redis.block() + "}"), clock);
        for (int i = 0; i < ENDS_PER_HOUR; i++) {
            McpHttp.Response ended = endNew(first);
            assertThat(ended.status()).as("session %d", i).isEqualTo(200);
        }
        McpHttp kept = new McpHttp(first.proxy("/one"));
        kept.initialize("2025-06-18");

        McpHttp.Response refused = kept.send("DELETE", null, Map.of("mcp-session-id", kept.sessionId()));

        assertRpcError(refused, 429, -32000, "Too Many Requests: this client ended as many sessions as it may this "
                + "hour; the session was not ended (it ends by itself after its TTL); retry in 3600 s");
        assertThat(refused.header("retry-after")).isEqualTo("3600");
        assertThat(redis.keys()).filteredOn(key -> key.startsWith("toolgate:revoked:"))
                .hasSize(ENDS_PER_HOUR);
        assertThat(kept.post(LIST).status()).isEqualTo(200);
        clock.advance(Duration.ofHours(1));
        assertThat(kept.send("DELETE", null, Map.of("mcp-session-id", kept.sessionId())).status()).isEqualTo(200);
    }

    /** A new session ended at once: initialize, then DELETE. */
    private static McpHttp.Response endNew(TestGateway gateway) {
        McpHttp mcp = new McpHttp(gateway.proxy("/one"));
        String id = mcp.post("""
                {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18",
                 "capabilities":{},"clientInfo":{"name":"loop","version":"1"}}}""").header("mcp-session-id");
        return mcp.send("DELETE", null, Map.of("mcp-session-id", id));
    }
}
