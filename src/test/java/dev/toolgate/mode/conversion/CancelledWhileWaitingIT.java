package dev.toolgate.mode.conversion;

import dev.toolgate.gateway.Limits;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tool call cancelled while it waits for a pooled upstream connection never goes out: the request is
 * dropped when the connection comes, not sent and reset after. One connection per upstream here, so the
 * second call of a batch waits for the first's.
 */
@Timeout(30)
class CancelledWhileWaitingIT {

    static RestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream().on("GET /work", r -> {
            long delay = Long.parseLong(r.getParam("delay"));
            Vertx.currentContext().owner().setTimer(Math.max(1, delay), t -> {
                if (!r.response().closed()) {
                    r.response().putHeader("content-type", "application/json").end("{\"done\":true}");
                }
            });
        });
        Limits limits = Limits.DEFAULT;
        gateway = TestGateway.start("""
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
                              tools:
                                - name: work
                                  description: Slow work
                                  method: GET
                                  path: /mcp/work
                                  parameters:
                                    - {name: tag, in: query, required: true, schema: {type: string}}
                                    - {name: delay, in: query, required: true, schema: {type: integer}}
                """.formatted(upstream.url()), Map.of(), false, Map.of(),
                new Limits(limits.proxy(), limits.admin(), limits.maxSessionsPerEndpoint(), limits.maxSessionsPerClient(),
                        limits.sessionIdleSeconds(), 1, 10_000, limits.upstreamIdleMs(), false, false,
                        limits.adminHostNames()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void aCallCancelledWhileWaitingForAnUpstreamConnectionIsNeverSent() throws Exception {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        mcp.initialize("2025-03-26");
        CompletableFuture<McpHttp.Response> batch = CompletableFuture.supplyAsync(() -> mcp.post("["
                + call(1, "holding", 1_500) + "," + call(2, "waiting", 1) + "]"));
        assertThat(upstream.next().query()).startsWith("tag=holding");
        Thread.sleep(200); // the second call is waiting for the one connection by now

        assertThat(mcp.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":2}}")
                .status()).isEqualTo(202);

        assertThat(batch.get(10, TimeUnit.SECONDS).body()).contains("\"id\":1");
        Thread.sleep(500); // the connection is free: a request that was going to be sent has been by now
        assertThat(upstream.pending()).as("requests the upstream received after the first").isZero();
    }

    private static String call(int id, String tag, long delayMs) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"work\","
                + "\"arguments\":{\"query_tag\":\"" + tag + "\",\"query_delay\":" + delayMs + "}}}";
    }
}
