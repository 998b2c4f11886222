package dev.toolgate.cluster;

import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RedisServer;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code strategy: redis} through a real Sentinel that lets in only an ACL user: Kong's {@code sentinel_username}. */
@Timeout(60)
class RedisSentinelIT {

    private RedisServer redis;
    private RedisServer sentinel;
    private RestUpstream upstream;
    private TestGateway gateway;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[]{gateway, upstream, sentinel, redis}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void sessionsAreKeptThroughASentinelThatOnlyItsSentinelUsernameMayAsk() {
        redis = RedisServer.start();
        sentinel = redis.sentinel("watcher", "w4tch");
        upstream = new RestUpstream().on("GET /ping", r -> r.response().end("{}"));
        gateway = TestGateway.start("""
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
                              server:
                                session:
                                  strategy: redis
                                  redis: {sentinel_master: mymaster, sentinel_nodes: [{host: 127.0.0.1, port: %d}],
                                          sentinel_username: watcher, sentinel_password: w4tch,
                                          connect_timeout: 500, read_timeout: 500}
                              tools:
                                - {name: ping, description: Ping, method: GET, path: /one/ping}
                """.formatted(upstream.url(), sentinel.port()));

        McpHttp mcp = new McpHttp(gateway.proxy("/one"));
        McpHttp.Response initialized = mcp.initialize("2025-06-18");

        assertThat(initialized.status()).as(initialized.body()).isEqualTo(200);
        assertThat(mcp.post(ClientSessionsIT.LIST).status()).isEqualTo(200);
        assertThat(redis.keys()).anyMatch(key -> key.startsWith("toolgate:"));
    }
}
