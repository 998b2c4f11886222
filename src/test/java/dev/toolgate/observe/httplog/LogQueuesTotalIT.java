package dev.toolgate.observe.httplog;

import dev.toolgate.gateway.Limits;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.CapturedLog;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * All log queues of the gateway together hold at most {@code --max-log-queue-bytes}: a document with an
 * http-log on each of many routes, all to one endpoint that accepts connections and never answers, would
 * otherwise hold each queue's own bound (64 MiB) per route, gigabytes, from an outage of its log sink.
 */
@Timeout(120)
class LogQueuesTotalIT {

    private static final int ROUTES = 30;
    private static final long TOTAL = 1L << 20;
    /** Request headers the log entries carry: about 6 KiB each (the listener takes 8 KiB of head), so that
     * 30 queues pass 1 MiB quickly. */
    private static final String FILLER = "f".repeat(3000);

    @Test
    void manyRoutesLoggingToADeadEndpointHoldNoMoreThanTheTotalTogetherAndTheirDropsAreCountedAndLogged()
            throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             RestUpstream api = new RestUpstream().json("GET /one", 200, "{\"ok\":true}");
             CapturedLog log = CapturedLog.everything();
             TestGateway gateway = TestGateway.start(document(api, blackHole.getLocalPort()), Map.of(), false,
                     Map.of(), Limits.DEFAULT.withMaxLogQueueBytes(TOTAL))) {
            Thread.ofPlatform().daemon().start(() -> {
                while (!blackHole.isClosed()) {
                    try {
                        held.add(blackHole.accept());
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<?>> calls = new ArrayList<>();
                for (int r = 0; r < ROUTES; r++) {
                    URI route = gateway.proxy("/mcp" + r);
                    calls.add(pool.submit(() -> {
                        McpHttp client = new McpHttp(route, Map.of("x-filler-a", FILLER, "x-filler-b", FILLER));
                        client.initialize("2025-06-18");
                        for (int i = 0; i < 15; i++) {
                            client.call("one", "{}");
                        }
                    }));
                }
                for (Future<?> call : calls) {
                    call.get();
                }
            } finally {
                pool.shutdownNow();
            }

            // 30 routes × 17 entries of 6 KiB: about 3 MiB offered, none of it delivered
            AdminHttp admin = new AdminHttp(gateway);
            assertThat(metric(admin, "toolgate_observe_queued_bytes")).as("bytes all queues hold")
                    .isGreaterThan(TOTAL / 2).isLessThanOrEqualTo(TOTAL + 6 * 16 * 1024);
            assertThat(metric(admin, "toolgate_observe_queues_full_dropped_total")).isGreaterThan(100);
            assertThat(admin.dropped("http-log")).isGreaterThanOrEqualTo(
                    metric(admin, "toolgate_observe_queues_full_dropped_total"));
            await().atMost(Duration.ofSeconds(20)).until(() -> log.text().contains(
                    "all log queues together hold their total (1048576 bytes, --max-log-queue-bytes)"));
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    private static String document(RestUpstream api, int port) {
        StringBuilder routes = new StringBuilder();
        for (int r = 0; r < ROUTES; r++) {
            routes.append("""
                          - name: mcp%d
                            paths: [/mcp%d]
                            plugins:
                              - name: http-log
                                config: {http_endpoint: 'http://127.0.0.1:%d/logs', timeout: 60000}
                              - name: ai-mcp-proxy
                                config:
                                  mode: conversion-listener
                                  tools:
                                    - {name: one, description: One, method: GET, path: /one}
                    """.formatted(r, r, port));
        }
        return """
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                %s""".formatted(api.url(), routes);
    }

    /** A series without labels on {@code /metrics}, 0 when it is not there. */
    private static double metric(AdminHttp admin, String name) {
        return admin.get("/metrics").body().lines().filter(l -> l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
