package dev.toolgate.cluster;

import dev.toolgate.gateway.Limits;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RedisServer;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.SseStream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static dev.toolgate.testing.McpAssertions.assertRpcError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code strategy: redis} on two gateways sharing a real redis-server: a session, its GET stream, its
 * cancellations and its end work on whichever instance a request lands; a tool change on one reaches
 * the streams open on the other; with Redis down, new and unknown sessions get a clear 503.
 */
@Timeout(90)
class RedisSessionsIT {

    static final String LIST = ClientSessionsIT.LIST;
    private final Map<String, CompletableFuture<Void>> upstreamClosed = new ConcurrentHashMap<>();
    private RedisServer redis;
    private RestUpstream upstream;
    private TestGateway first;
    private TestGateway second;
    private String config;

    @BeforeEach
    void start() {
        redis = RedisServer.start();
        upstream = new RestUpstream().on("GET /ping", r -> {
            String tag = r.getParam("tag");
            r.connection().closeHandler(v -> closed(tag).complete(null));
            Vertx.currentContext().owner().setTimer(20_000, t -> {
                if (!r.response().closed()) {
                    r.response().putHeader("content-type", "application/json").end("{}");
                }
            });
        });
        config = config("ping");
        first = TestGateway.start(config);
        second = TestGateway.start(config);
    }

    private String config(String tool) {
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
                              server: {session: {strategy: redis, redis: %s}}
                              tools:
                                - name: %s
                                  description: Slow
                                  method: GET
                                  path: /one/ping
                                  parameters:
                                    - {name: tag, in: query, schema: {type: string}}
                """.formatted(upstream.url(), redis.block(), tool);
    }

    private CompletableFuture<Void> closed(String tag) {
        return upstreamClosed.computeIfAbsent(tag, t -> new CompletableFuture<>());
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

    private static McpHttp on(TestGateway gateway, String sessionId) {
        McpHttp mcp = new McpHttp(gateway.proxy("/one"));
        mcp.sessionId(sessionId);
        return mcp;
    }

    @Test
    void aSessionBegunOnOneInstanceIsServedEndedAndRefusedOnAnother() {
        McpHttp mcp = new McpHttp(first.proxy("/one"));
        mcp.initialize("2025-06-18");

        assertThat(on(second, mcp.sessionId()).post(LIST).status()).isEqualTo(200);
        assertThat(on(second, mcp.sessionId()).send("DELETE", null, Map.of("mcp-session-id", mcp.sessionId())).status())
                .isEqualTo(200);
        assertRpcError(mcp.post(LIST), 404, -32001, ClientSessionsIT.UNKNOWN);
    }

    @Test
    void aSessionUnusedForTheIdleTimeoutEndsThoughItsSessionTtlIsLongerAndUseKeepsItAlive() throws Exception {
        // session_ttl is Kong's default (a day); --session-idle-timeout 3 s must end it after 3 s unused
        Limits idle = new Limits(Limits.DEFAULT.proxy(), Limits.DEFAULT.admin(), 100_000, 1_000, 3, 256, 5_000,
                false, false, List.of());
        first.close();
        second.close();
        first = TestGateway.start(config, Map.of(), false, Map.of(), idle);
        second = TestGateway.start(config, Map.of(), false, Map.of(), idle);
        McpHttp mcp = new McpHttp(first.proxy("/one"));
        mcp.initialize("2025-06-18");

        for (int i = 0; i < 5; i++) {
            Thread.sleep(1_000);
            assertThat(on(i % 2 == 0 ? second : first, mcp.sessionId()).post(LIST).status())
                    .as("used every second, still alive after %d s", i + 1).isEqualTo(200);
        }
        Thread.sleep(4_500);
        assertRpcError(on(second, mcp.sessionId()).post(LIST), 404, -32001, ClientSessionsIT.UNKNOWN);
    }

    @Test
    void aSessionIdPresentedOnAnotherRouteOrByAnotherConsumerDoesNotKeepTheSessionAlive() throws Exception {
        Limits idle = new Limits(Limits.DEFAULT.proxy(), Limits.DEFAULT.admin(), 100_000, 1_000, 3, 256, 5_000,
                false, false, List.of());
        first.close();
        second.close();
        String session = "{session: {strategy: redis, redis: " + redis.block() + "}}";
        first = TestGateway.start("""
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
                      - name: one
                        paths: [/one]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: conversion-listener, server: %s, tools: [{name: ping, description: Ping, method: GET, path: /one/ping}]}
                      - name: two
                        paths: [/two]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: conversion-listener, server: %s, tools: [{name: ping, description: Ping, method: GET, path: /two/ping}]}
                      - name: keyed
                        paths: [/keyed]
                        plugins:
                          - name: key-auth
                          - name: ai-mcp-proxy
                            config: {mode: conversion-listener, server: %s, tools: [{name: ping, description: Ping, method: GET, path: /keyed/ping}]}
                """.formatted(upstream.url(), session, session, session), Map.of(), false, Map.of(), idle);
        McpHttp one = new McpHttp(first.proxy("/one"));
        one.initialize("2025-06-18");
        McpHttp alice = new McpHttp(first.proxy("/keyed"), Map.of("apikey", "alice-key"));
        alice.initialize("2025-06-18");

        for (int i = 0; i < 5; i++) {
            Thread.sleep(1_000);
            McpHttp stranger = new McpHttp(first.proxy("/two"));
            stranger.sessionId(one.sessionId());
            assertThat(stranger.post(LIST).status()).isEqualTo(404);
            McpHttp bob = new McpHttp(first.proxy("/keyed"), Map.of("apikey", "bob-key"));
            bob.sessionId(alice.sessionId());
            assertThat(bob.post(LIST).status()).isEqualTo(404);
        }

        assertRpcError(one.post(LIST), 404, -32001, ClientSessionsIT.UNKNOWN);
        assertRpcError(alice.post(LIST), 404, -32001, ClientSessionsIT.UNKNOWN);
    }

    @Test
    void aStreamOpenOnOneInstanceHearsOfToolChangesAndEndsOnAnother() throws InterruptedException {
        McpHttp mcp = new McpHttp(first.proxy("/one"));
        mcp.initialize("2025-06-18");
        try (SseStream stream = SseStream.open(second.proxy("/one"), mcp.sessionId())) {
            assertThat(stream.status()).isEqualTo(200);

            assertThat(new AdminHttp(first).postConfig(config("ping_renamed")).status()).isEqualTo(200);
            assertThat(stream.nextData(Duration.ofSeconds(10))).contains("notifications/tools/list_changed");

            on(first, mcp.sessionId()).send("DELETE", null, Map.of("mcp-session-id", mcp.sessionId()));
            await().atMost(Duration.ofSeconds(10)).until(stream::ended);
        }
    }

    @Test
    void anInstanceStartedWhileRedisWasDownHearsTheOthersOnceRedisIsBack() {
        // a rolling restart during a Redis outage: the instance comes up first, Redis after
        second.close();
        redis.kill();
        second = TestGateway.start(config);
        redis.startAgain();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() ->
                new McpHttp(second.proxy("/one")).initialize("2025-06-18").status() == 200);

        // pub/sub is best effort while the instance resubscribes: a DELETE on the first must soon end streams on it
        await().atMost(Duration.ofSeconds(20)).until(this::aDeleteOnTheFirstEndsAStreamOnTheSecond);
    }

    private boolean aDeleteOnTheFirstEndsAStreamOnTheSecond() throws Exception {
        McpHttp mcp = new McpHttp(first.proxy("/one"));
        mcp.initialize("2025-06-18");
        try (SseStream stream = SseStream.open(second.proxy("/one"), mcp.sessionId())) {
            assertThat(stream.status()).isEqualTo(200);
            on(first, mcp.sessionId()).send("DELETE", null, Map.of("mcp-session-id", mcp.sessionId()));
            try {
                await().atMost(Duration.ofSeconds(2)).until(stream::ended);
                return true;
            } catch (org.awaitility.core.ConditionTimeoutException notHeard) {
                return false;
            }
        }
    }

    @Test
    void aCancellationSentToAnotherInstanceStopsTheCallWhereItRuns() throws Exception {
        McpHttp mcp = new McpHttp(first.proxy("/one"));
        mcp.initialize("2025-06-18");
        CompletableFuture<McpHttp.Response> call = CompletableFuture.supplyAsync(() -> mcp.post(
                "{\"jsonrpc\":\"2.0\",\"id\":\"slow-1\",\"method\":\"tools/call\",\"params\":{\"name\":\"ping\","
                        + "\"arguments\":{\"query_tag\":\"c1\"}}}"));
        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.pending() > 0);

        McpHttp.Response accepted = on(second, mcp.sessionId()).post("{\"jsonrpc\":\"2.0\",\"method\":"
                + "\"notifications/cancelled\",\"params\":{\"requestId\":\"slow-1\",\"reason\":\"user\"}}");

        assertThat(accepted.status()).isEqualTo(202);
        closed("c1").get(10, TimeUnit.SECONDS);
        call.cancel(true);
    }

    @Test
    void aCancellationWhoseRequestIdNoCallCanHaveIsNotToldToTheOtherInstances() throws Exception {
        McpHttp mcp = new McpHttp(first.proxy("/one"));
        mcp.initialize("2025-06-18");
        List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(
                io.lettuce.core.RedisURI.create("127.0.0.1", redis.port()));
        try (var listening = client.connectPubSub()) {
            listening.addListener(new io.lettuce.core.pubsub.RedisPubSubAdapter<String, String>() {
                @Override
                public void message(String channel, String message) {
                    told.add(message);
                }
            });
            listening.sync().subscribe(SessionBus.CHANNEL);

            for (String requestId : List.of("{\"n\":1}", "1.5", "null", "[1]", "true",
                    "\"" + "x".repeat(200_000) + "\"")) {
                assertThat(mcp.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":"
                        + "{\"requestId\":" + requestId + "}}").status()).isEqualTo(202);
            }
            // a call id that runs nowhere here is asked of the others: it marks the end of what was told
            assertThat(mcp.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":"
                    + "{\"requestId\":\"elsewhere-7\"}}").status()).isEqualTo(202);

            await().atMost(Duration.ofSeconds(10)).until(() -> told.stream().anyMatch(m -> m.contains("elsewhere-7")));
            assertThat(told.stream().filter(m -> m.contains("\"k\":\"cancelled\""))).hasSize(1);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void withRedisDownNewAndUnknownSessionsGetA503AndServiceResumesAfter() {
        McpHttp live = new McpHttp(first.proxy("/one"));
        live.initialize("2025-06-18");
        redis.kill();

        McpHttp.Response refused = new McpHttp(second.proxy("/one")).post("""
                {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},
                 "clientInfo":{"name":"t","version":"1"}}}""");
        assertRpcError(refused, 503, -32000, "Service Unavailable: the session store cannot be reached; try again shortly");
        assertThat(refused.header("retry-after")).isEqualTo("1");
        assertThat(on(second, live.sessionId()).post(LIST).status()).isEqualTo(503);

        redis.startAgain();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() ->
                new McpHttp(second.proxy("/one")).initialize("2025-06-18").status() == 200);
    }
}
