package dev.toolgate.cluster;

import dev.toolgate.testing.GatewayProcess;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RawHttp;
import dev.toolgate.testing.RedisServer;
import dev.toolgate.testing.RestUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real instance ({@code target/toolgate.jar}) that used Redis, stopped as a service manager stops it
 * (SIGTERM): its Redis connections, on the proxy's event loops and on the side loop, close before those
 * loops stop, and the operator's log says so quietly.
 */
@Timeout(180)
class RedisStopIT {

    /**
     * Stops in a row, each after every proxy loop's connection and the pub/sub one have been used. Whether the
     * closing sockets lost their race with Lettuce's ending threads was a matter of timing (2 stops in 11 by hand,
     * on a busy machine); ReloadedRedisLinksIT holds the side loop to lose it every time.
     */
    private static final int STOPS = 2;
    /** Clients on connections of their own: the listener hands new connections to its event loops in turn. */
    private static final int CLIENTS = 6;

    private RedisServer redis;
    private RestUpstream upstream;
    private GatewayProcess gateway;

    @BeforeEach
    void start() {
        redis = RedisServer.start();
        upstream = new RestUpstream().json("GET /limited/ping", 200, "{\"pong\":true}");
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
        redis.close();
    }

    private Path config() throws IOException {
        Path file = Files.createTempDirectory("toolgate-redis-stop").resolve("kong.yaml");
        return Files.writeString(file, """
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    plugins:
                      - name: rate-limiting
                        config: {minute: 100000, policy: redis, redis: %s}
                    routes:
                      - name: limited
                        paths: [/limited]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server: {session: {strategy: redis, redis: %s}}
                              tools:
                                - {name: ping, description: Ping, method: GET, path: /limited/ping}
                """.formatted(upstream.url(), redis.block(), redis.block()));
    }

    @Test
    void aGatewayThatUsedRedisStopsOnSigtermWithoutAnErrorOrAStackTraceInItsLog() throws IOException {
        gateway = GatewayProcess.start(config());
        for (int stop = 1; stop <= STOPS; stop++) {
            if (stop > 1) {
                gateway.startAgain();
            }
            initializeOnConnectionsOfTheirOwn();

            gateway.stop();

            assertThat(gateway.exitValue()).as(gateway.log()).isZero();
        }

        String log = gateway.log();
        assertThat(log.lines().filter(line -> line.endsWith("Gateway - stopped"))).as(log).hasSize(STOPS);
        // before: "ERROR rejectedExecution - Failed to submit a listener notification task. Event loop shut down?"
        // with a RejectedExecutionException's stack, from Lettuce's sockets closing after its threads had ended
        assertThat(log.lines()).as(log).noneMatch(line -> line.contains(" ERROR ") || line.contains("Exception")
                || line.startsWith("\tat "));
    }

    private void initializeOnConnectionsOfTheirOwn() {
        byte[] body = """
                {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},
                 "clientInfo":{"name":"toolgate-tests","version":"1"}}}""".getBytes(StandardCharsets.UTF_8);
        for (int client = 0; client < CLIENTS; client++) {
            RawHttp.Response started = RawHttp.exchange(gateway.proxy("/limited"),
                    RawHttp.start("POST", gateway.proxy("/limited")) + "Content-Type: application/json\r\nAccept: "
                            + McpHttp.ACCEPT_BOTH + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n",
                    body);
            assertThat(started.status()).as("%s", started).isEqualTo(200);
        }
    }
}
