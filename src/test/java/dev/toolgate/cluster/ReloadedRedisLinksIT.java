package dev.toolgate.cluster;

import dev.toolgate.gateway.Gateway;
import ch.qos.logback.classic.Level;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.CapturedLog;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RawHttp;
import dev.toolgate.testing.RedisServer;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The gateway's connections to Redis, counted on the server ({@code CLIENT LIST}): one per event loop, which
 * sends and answers its own requests' commands; a reload that drops or changes a {@code redis} block closes
 * its connections, one that keeps it keeps them.
 */
@Timeout(90)
class ReloadedRedisLinksIT {

    private RedisServer redis;
    private RestUpstream upstream;
    private TestGateway gateway;
    private AdminHttp admin;

    @BeforeEach
    void start() {
        redis = RedisServer.start();
        upstream = new RestUpstream().json("GET /ping", 200, "{\"pong\":true}");
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
        redis.close();
    }

    private String config(String session) {
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
                """.formatted(upstream.url(), session);
    }

    private String withRedis(int database) {
        return config("{strategy: redis, redis: {host: 127.0.0.1, port: %d, database: %d}}"
                .formatted(redis.port(), database));
    }

    /** The ids of the gateway's connections the server holds now (Toolgate names its clients {@code toolgate}). */
    private Set<String> gatewayConnections() {
        RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", redis.port()));
        try (var connection = client.connect()) {
            return connection.sync().clientList().lines().filter(l -> l.contains(" name=toolgate "))
                    .map(l -> l.substring(0, l.indexOf(' '))).collect(Collectors.toSet());
        } finally {
            client.shutdown();
        }
    }

    /** The gateway's connections that send commands, not the one listening to the fleet's session events. */
    private Set<String> gatewayCommandConnections() {
        RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", redis.port()));
        try (var connection = client.connect()) {
            return connection.sync().clientList().lines().filter(l -> l.contains(" name=toolgate ")
                            && l.contains(" sub=0 ") && l.contains(" psub=0 "))
                    .map(l -> l.substring(0, l.indexOf(' '))).collect(Collectors.toSet());
        } finally {
            client.shutdown();
        }
    }

    private void startWithSessionsInRedis() {
        gateway = TestGateway.start(withRedis(0));
        admin = new AdminHttp(gateway);
        assertThat(new McpHttp(gateway.proxy("/one")).initialize("2025-06-18").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> gatewayConnections().size() >= 2);
    }

    @Test
    void requestsOnDifferentEventLoopsSendTheirCommandsOnTheirLoopsOwnConnections() {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "the proxy listens on one event loop per core");
        gateway = TestGateway.start(withRedis(0));

        initializeOnConnectionsOfTheirOwn(8);

        // Lettuce on threads of its own sends every loop's commands down one connection, and each answer back
        // through a thread hand-off
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(gatewayCommandConnections()).as("the gateway's command connections").hasSizeGreaterThan(1));
    }

    @Test
    void stoppingTheGatewayClosesEachRedisConnectionOnceWithoutWarnings() {
        startWithSessionsInRedis();
        initializeOnConnectionsOfTheirOwn(4);

        try (CapturedLog lettuce = CapturedLog.of("io.lettuce", Level.WARN)) {
            gateway.close();
            gateway = null;
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(gatewayConnections()).isEmpty());
            // closing a connection, then shutting its client down (which closes it again), logged "Connection is
            // already closed" for each
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .untilAsserted(() -> assertThat(lettuce.text()).isEmpty());
        }
    }

    @Test
    void stoppingTheGatewayWhileTheSideLoopIsBusyLogsNoErrorAndNoStackTrace() throws Exception {
        startWithSessionsInRedis();
        initializeOnConnectionsOfTheirOwn(4);
        await().atMost(Duration.ofSeconds(10)).until(() -> sessionChannelSubscribers() == 1);
        CountDownLatch held = new CountDownLatch(1);

        try (CapturedLog everything = CapturedLog.everything()) {
            // the pub/sub connection's socket closes on the side loop, busy here with its last work as the stop
            // begins: its close came after Lettuce's threads had ended, and Netty logged "Failed to submit a
            // listener notification task. Event loop shut down?" at ERROR with a RejectedExecutionException's stack
            gateway.gateway().telemetry().sending().runOnContext(v -> {
                held.countDown();
                sleep(SIDE_LOOP_BUSY_MS);
            });
            assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
            gateway.close();
            gateway = null;

            assertThat(everything.since(0)).as(everything.text())
                    .noneMatch(line -> line.getLevel().isGreaterOrEqual(Level.ERROR) || line.getThrowableProxy() != null);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(gatewayConnections()).isEmpty());
    }

    /** Long enough that the stop reaches Redis well before the side loop is free again. */
    private static final long SIDE_LOOP_BUSY_MS = 1000;

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sessions started on connections of their own: the listener hands new connections to its event loops in turn. */
    private void initializeOnConnectionsOfTheirOwn(int clients) {
        byte[] body = """
                {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},
                 "clientInfo":{"name":"toolgate-tests","version":"1"}}}""".getBytes(StandardCharsets.UTF_8);
        for (int client = 0; client < clients; client++) {
            RawHttp.Response started = RawHttp.exchange(gateway.proxy("/one"), RawHttp.start("POST", gateway.proxy("/one"))
                    + "Content-Type: application/json\r\nAccept: " + McpHttp.ACCEPT_BOTH + "\r\nContent-Length: "
                    + body.length + "\r\nConnection: close\r\n", body);
            assertThat(started.status()).as("%s", started).isEqualTo(200);
            assertThat(started.header("mcp-session-id")).isNotBlank();
        }
    }

    @Test
    void aReloadWithoutTheRedisBlockClosesItsConnections() {
        startWithSessionsInRedis();

        AdminHttp.Response reloaded = admin.postConfig(config("{}"));

        assertThat(reloaded.status()).as("%s", reloaded).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(gatewayConnections()).isEmpty());
    }

    @Test
    void reloadsThatChangeTheRedisBlockDoNotPileUpConnections() {
        startWithSessionsInRedis();
        int atStart = gatewayConnections().size();

        for (int round = 1; round <= 4; round++) {
            AdminHttp.Response reloaded = admin.postConfig(withRedis(round));
            assertThat(reloaded.status()).as("%s", reloaded).isEqualTo(200);
            assertThat(new McpHttp(gateway.proxy("/one")).initialize("2025-06-18").status()).isEqualTo(200);
        }

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(gatewayConnections().size()).isLessThanOrEqualTo(atStart));
    }

    @Test
    void aRefusedConfigLeavesNoConnectionToItsRedis() {
        gateway = TestGateway.start(config("{}"));
        admin = new AdminHttp(gateway);

        // a problem found only while the tools are built: the endpoints, and their session stores, were made
        AdminHttp.Response refused = admin.postConfig(withRedis(0).replace("path: /one/ping}",
                "path: /one/ping, parameters: [{name: id, in: path, required: true}]}"));

        assertThat(refused.status()).as("%s", refused).isEqualTo(400);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(gatewayConnections()).isEmpty());
        assertThat(admin.get("/status").json().get("redis")).isEmpty();
    }

    @Test
    void aRefusedConfigNeverConnectsToItsRedis() {
        gateway = TestGateway.start(config("{}"));
        admin = new AdminHttp(gateway);

        try (ConnectionsReceived received = new ConnectionsReceived()) {
            AdminHttp.Response refused = admin.postConfig(withRedis(0).replace("path: /one/ping}",
                    "path: /one/ping, parameters: [{name: id, in: path, required: true}]}"));

            assertThat(refused.status()).as("%s", refused).isEqualTo(400);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(received.since()).as("connections the server received").isZero());
        }
    }

    @Test
    void validatingAConfigWithSessionsSharedInRedisNeverConnectsToIt() {
        try (ConnectionsReceived received = new ConnectionsReceived()) {
            for (String session : List.of("{strategy: redis, redis: %s}", "{strategy: client, client: {secrets: "
                    + "[0123456789abcdef0123456789abcdef]}, redis: %s}")) {
                String shared = session.formatted(redis.block());
                // a conversion route and a passthrough one (whose era bridge keeps its rounds as the sessions are
                // kept), then endpoints built after them: what a large file's validation does next
                String document = config(shared) + """
                              - name: pt
                                paths: [/pt]
                                plugins:
                                  - name: ai-mcp-proxy
                                    config: {mode: passthrough-listener, server: {session: %s}}
                        """.formatted(shared) + LATER_ROUTES;
                Gateway.check(document.getBytes(StandardCharsets.UTF_8), Path.of("."), System::getenv);
            }

            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(received.since()).as("connections the server received").isZero());
        }
    }

    private static final String LATER_ROUTES = java.util.stream.IntStream.range(0, 500)
            .mapToObj(n -> """
                      - name: later-%d
                        paths: [/later-%d]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                """.formatted(n, n)).collect(Collectors.joining());

    /**
     * How many connections the server has received since this was made, counted by the server
     * ({@code INFO stats}), over one connection of its own made before: a connection made and closed at
     * once leaves nothing in {@code CLIENT LIST}, but is counted here.
     */
    private final class ConnectionsReceived implements AutoCloseable {

        private final RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", redis.port()));
        private final StatefulRedisConnection<String, String> connection = client.connect();
        private final long before = total();

        long since() {
            return total() - before;
        }

        private long total() {
            return connection.sync().info("stats").lines().filter(l -> l.startsWith("total_connections_received:"))
                    .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).trim())).findFirst().orElseThrow();
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown();
        }
    }

    @Test
    void aReloadThatStopsSharingSessionsButKeepsTheRedisForRateLimitingLeavesTheSessionChannel() {
        String rateLimited = """
                    plugins:
                      - name: rate-limiting
                        config: {minute: 1000, policy: redis, redis: {host: 127.0.0.1, port: %d, database: 0}}
                """.formatted(redis.port());
        gateway = TestGateway.start(withRedis(0).replace("    routes:", rateLimited + "    routes:"));
        admin = new AdminHttp(gateway);
        assertThat(new McpHttp(gateway.proxy("/one")).initialize("2025-06-18").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> sessionChannelSubscribers() == 1);

        AdminHttp.Response reloaded = admin.postConfig(
                config("{}").replace("    routes:", rateLimited + "    routes:"));

        assertThat(reloaded.status()).as("%s", reloaded).isEqualTo(200);
        assertThat(new McpHttp(gateway.proxy("/one")).initialize("2025-06-18").status()).isEqualTo(200);
        // sessions are this instance's own now: it hears no other instance's, and the Redis it still uses is kept
        await().atMost(Duration.ofSeconds(10)).until(() -> sessionChannelSubscribers() == 0);
        assertThat(gatewayConnections()).isNotEmpty();
    }

    /** How many connections listen to the channel of the fleet's session events ({@code PUBSUB NUMSUB}). */
    private long sessionChannelSubscribers() {
        RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", redis.port()));
        try (var connection = client.connect()) {
            return connection.sync().pubsubNumsub(SessionBus.CHANNEL).get(SessionBus.CHANNEL);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void aReloadThatKeepsTheRedisBlockKeepsItsConnections() {
        startWithSessionsInRedis();
        Set<String> atStart = gatewayConnections();

        AdminHttp.Response reloaded = admin.postConfig(withRedis(0).replace("description: Ping", "description: Pong"));

        assertThat(reloaded.status()).as("%s", reloaded).isEqualTo(200);
        assertThat(new McpHttp(gateway.proxy("/one")).initialize("2025-06-18").status()).isEqualTo(200);
        assertThat(gatewayConnections()).containsAll(atStart);
    }
}
