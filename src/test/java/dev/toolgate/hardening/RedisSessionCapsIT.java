package dev.toolgate.hardening;

import dev.toolgate.cluster.FakeClock;
import dev.toolgate.gateway.Limits;
import dev.toolgate.http.ListenerLimits;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RawConnection;
import dev.toolgate.testing.RedisServer;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.toolgate.testing.McpAssertions.assertRpcErrorStartingWith;
import static dev.toolgate.testing.McpAssertions.assertStillServes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session caps with {@code strategy: redis}, on two gateways sharing a real redis-server: sessions
 * are counted per client address and per endpoint over the fleet, so {@code initialize} in a loop
 * (spread over instances or not) cannot fill Redis; the caller past a cap gets 503 with Retry-After,
 * sessions already open keep working, and ended or expired sessions make room again.
 */
@Timeout(90)
class RedisSessionCapsIT {

    static final String PER_CLIENT = "Service Unavailable: this client address has as many live sessions";
    static final String PER_ENDPOINT = "Service Unavailable: this endpoint has as many live sessions";

    private final FakeClock clock = new FakeClock();
    private RedisServer redis;
    private RestUpstream upstream;
    private TestGateway first;
    private TestGateway second;
    private String config;
    private Limits limits;

    @BeforeEach
    void start() {
        redis = RedisServer.start();
        upstream = new RestUpstream();
        config = """
                _format_version: "3.0"
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
                              server: {session: {strategy: redis, redis: %s}}
                              tools:
                                - {name: one, description: One, method: GET, path: /mcp/one}
                      - name: short
                        paths: [/short]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server: {session: {strategy: redis, session_ttl: 2, redis: %s}}
                              tools:
                                - {name: one, description: One, method: GET, path: /short/one}
                """.formatted(upstream.url(), redis.block(), redis.block());
        limits = new Limits(new ListenerLimits(64, 5_000, 2_000, 2_000), new ListenerLimits(8, 5_000, 2_000, 2_000),
                5, 3, 3_600, 256, 1_000, false, false, List.of());
        first = TestGateway.start(config, Map.of(), false, Map.of(), clock, limits);
        second = TestGateway.start(config, Map.of(), false, Map.of(), clock, limits);
    }

    @AfterEach
    void stop() {
        for (AutoCloseable closing : new AutoCloseable[] {first, second, upstream, redis}) {
            try {
                if (closing != null) {
                    closing.close();
                }
            } catch (Exception ignored) {
                // the next one is still closed
            }
        }
    }

    @Test
    void aClientAddressPastItsCapOnTheWholeFleetGets503WhileItsSessionsKeepWorking() throws IOException {
        List<McpHttp> sessions = new ArrayList<>();
        for (TestGateway instance : List.of(first, second, first)) {
            McpHttp mcp = new McpHttp(instance.proxy("/mcp"));
            assertThat(mcp.initialize("2025-06-18").status()).isEqualTo(200);
            sessions.add(mcp);
        }
        for (TestGateway instance : List.of(first, second)) {
            McpHttp.Response refused = new McpHttp(instance.proxy("/mcp")).post(INITIALIZE);
            assertRpcErrorStartingWith(refused, 503, -32000, PER_CLIENT);
            assertThat(refused.header("retry-after")).isEqualTo("30");
            assertThat(refused.header("mcp-session-id")).isNull();
        }
        sessions.forEach(s -> assertStillServes(s));
        RawConnection.Response other = ListenerLimitsIT.initializeFrom(second.gateway().proxyPort(), "/mcp", "127.0.0.2");
        assertThat(other.status()).as("another address is not counted against this one").isEqualTo(200);

        McpHttp ended = sessions.getFirst();
        assertThat(ended.send("DELETE", null, Map.of("mcp-session-id", ended.sessionId())).status()).isEqualTo(200);
        assertThat(new McpHttp(second.proxy("/mcp")).initialize("2025-06-18").status())
                .as("an ended session leaves its address's count at once").isEqualTo(200);
        assertRpcErrorStartingWith(new McpHttp(first.proxy("/mcp")).post(INITIALIZE), 503, -32000, PER_CLIENT);
    }

    @Test
    void anIpv6ClientIsCountedByItsSlash64SoRotatingAddressesNeitherPassesItsCapNorFillsTheEndpoint() {
        try (TestGateway behindFirst = TestGateway.behindTrustedProxy(config, clock, limits);
             TestGateway behindSecond = TestGateway.behindTrustedProxy(config, clock, limits)) {
            for (int i = 0; i < 3; i++) {
                assertThat(initializeAs(behindFirst, "2001:db8::1").status()).isEqualTo(200);
            }
            // one subscriber holds the whole /64: its other addresses, on any instance, are the same client
            for (String sameNetwork : List.of("2001:db8::2", "2001:db8::ffff:3")) {
                assertRpcErrorStartingWith(initializeAs(behindSecond, sameNetwork), 503, -32000, PER_CLIENT);
            }
            assertThat(initializeAs(behindSecond, "198.51.100.7").status()).as("the endpoint still has room")
                    .isEqualTo(200);
            assertThat(initializeAs(behindFirst, "2001:db8:0:1::1").status()).as("another /64").isEqualTo(200);
            assertThat(redis.keys()).as("the keys of the per-client counts")
                    .filteredOn(key -> key.contains("sessions-of-client"))
                    .noneMatch(key -> key.endsWith("2001:db8::1") || key.endsWith("2001:db8::2"));
        }
    }

    @Test
    void anAddressCountLeavesRedisWithItsLastSessionWhetherDeletedOrIdle() throws Exception {
        try (TestGateway idleFast = withIdleSeconds(2)) {
            List<McpHttp> deleted = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                McpHttp mcp = new McpHttp(idleFast.proxy("/mcp"));
                assertThat(mcp.initialize("2025-06-18").status()).isEqualTo(200);
                deleted.add(mcp);
            }
            assertThat(addressCounts()).hasSize(1);
            for (McpHttp mcp : deleted) {
                assertThat(mcp.send("DELETE", null, Map.of("mcp-session-id", mcp.sessionId())).status()).isEqualTo(200);
            }
            assertThat(addressCounts()).as("no session left: no count kept for the address").isEmpty();

            assertThat(ListenerLimitsIT.initializeFrom(idleFast.gateway().proxyPort(), "/mcp", "127.0.0.3").status())
                    .isEqualTo(200);
            assertThat(addressCounts()).hasSize(1);
            Thread.sleep(3_000);
            assertThat(addressCounts()).as("the session idled out, and its address's count with it").isEmpty();
        }
    }

    @Test
    void aSessionKeptAliveByUsePastTheIdleTimeStaysCountedAgainstItsAddressCap() throws Exception {
        try (TestGateway idleFast = withIdleSeconds(2)) {
            List<McpHttp> sessions = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                McpHttp mcp = new McpHttp(idleFast.proxy("/mcp"));
                assertThat(mcp.initialize("2025-06-18").status()).isEqualTo(200);
                sessions.add(mcp);
            }
            for (int round = 0; round < 6; round++) {
                Thread.sleep(700);
                sessions.forEach(s -> assertStillServes(s));
            }
            assertRpcErrorStartingWith(new McpHttp(idleFast.proxy("/mcp")).post(INITIALIZE), 503, -32000, PER_CLIENT);
        }
    }

    /** A third gateway on the same Redis whose sessions end after {@code seconds} unused. */
    private TestGateway withIdleSeconds(long seconds) {
        Limits idle = new Limits(limits.proxy(), limits.admin(), limits.maxSessionsPerEndpoint(),
                limits.maxSessionsPerClient(), seconds, 256, 1_000, false, false, List.of());
        return TestGateway.start(config, Map.of(), false, Map.of(), clock, idle);
    }

    private List<String> addressCounts() {
        return redis.keys().stream().filter(key -> key.startsWith("toolgate:sessions-of-client:")).toList();
    }

    private static McpHttp.Response initializeAs(TestGateway gateway, String address) {
        return new McpHttp(gateway.proxy("/mcp")).send("POST", INITIALIZE, Map.of("content-type", "application/json",
                "accept", McpHttp.ACCEPT_BOTH, "X-Real-IP", address));
    }

    @Test
    void anEndpointPastItsCapGets503FromEveryAddressUntilSessionsExpire() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            TestGateway instance = i % 2 == 0 ? first : second;
            statuses.add(ListenerLimitsIT.initializeFrom(instance.gateway().proxyPort(), "/short", "127.0.1." + (i + 1)).status());
        }
        assertThat(statuses).containsExactly(200, 200, 200, 200, 200, 503);
        assertRpcErrorStartingWith(new McpHttp(first.proxy("/short")).post(INITIALIZE), 503, -32000, PER_ENDPOINT);

        Thread.sleep(2_500);
        clock.advance(Duration.ofSeconds(11));
        assertThat(new McpHttp(first.proxy("/short")).initialize("2025-06-18").status())
                .as("sessions past their session_ttl leave the count").isEqualTo(200);
    }

    static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
}
