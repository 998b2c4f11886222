package dev.toolgate.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.GatewayProcess;
import dev.toolgate.testing.NodeClients;
import dev.toolgate.testing.RedisServer;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.RoundRobinProxy;
import dev.toolgate.testing.Sdk;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several real instances ({@code target/toolgate.jar}, each its own process) behind a round-robin
 * balancer without affinity: a client's requests land on every instance in turn. One instance is
 * killed with SIGKILL mid-session and the session goes on; every instance is restarted in turn and
 * no call fails.
 */
@Timeout(240)
class FleetIT {

    private final List<AutoCloseable> running = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : running.reversed()) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T keep(T closeable) {
        running.add(closeable);
        return closeable;
    }

    private Path config(RestUpstream upstream, String session) throws IOException {
        Path file = Files.createTempDirectory("toolgate-fleet").resolve("kong.yaml");
        Files.writeString(file, """
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
                              server: {session: %s}
                              tools:
                                - {name: echo, description: Echo, method: GET, path: /mcp/echo}
                """.formatted(upstream.url(), session));
        return file;
    }

    private List<GatewayProcess> instances(Path config, int count) {
        List<GatewayProcess> instances = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            instances.add(keep(GatewayProcess.start(config)));
        }
        return instances;
    }

    @Test
    void aTypeScriptClientKeepsItsSessionAcrossThreeInstancesWhenOneIsKilled() throws IOException {
        NodeClients node = NodeClients.require();
        RestUpstream upstream = keep(new RestUpstream().json("GET /echo", 200, "{\"ok\":true}"));
        List<GatewayProcess> fleet = instances(config(upstream,
                "{strategy: client, client: {secrets: [fleet-secret-1]}}"), 3);
        RoundRobinProxy balancer = keep(new RoundRobinProxy(fleet.stream().map(GatewayProcess::proxyPort).toList()));
        AtomicBoolean killed = new AtomicBoolean();
        balancer.onAnswered(n -> {
            if (n == 5 && killed.compareAndSet(false, true)) {
                fleet.getFirst().kill();
            }
        });

        NodeClients.Run run = node.script("src/test/node/ts-sdk-session.mjs", java.time.Duration.ofSeconds(120),
                balancer.uri("/mcp").toString(), "echo", "{}", "8", "300");

        JsonNode output = run.ok();
        assertThat(killed).as("an instance was killed mid-session").isTrue();
        assertThat(output.get("results")).hasSize(8).allSatisfy(r -> assertThat(r.path("isError").asBoolean()).isFalse());
        String session = output.get("sessionId").asText();
        assertThat(output.get("sessionIds")).allSatisfy(id -> assertThat(id.asText()).isEqualTo(session));
        assertThat(balancer.failures()).isEmpty();
    }

    @Test
    void aJavaSdkClientSeesNoFailedCallThroughARollingRestartOfBothInstances() throws Exception {
        RedisServer redis = keep(RedisServer.start());
        RestUpstream upstream = keep(new RestUpstream().json("GET /echo", 200, "{\"ok\":true}"));
        List<GatewayProcess> fleet = instances(config(upstream, "{strategy: redis, redis: " + redis.block() + "}"), 2);
        RoundRobinProxy balancer = keep(new RoundRobinProxy(fleet.stream().map(GatewayProcess::proxyPort).toList()));
        AtomicInteger served = new AtomicInteger();
        List<String> failed = new CopyOnWriteArrayList<>();
        AtomicBoolean calling = new AtomicBoolean(true);

        try (McpSyncClient client = Sdk.connect(balancer.uri("/mcp"))) {
            Thread caller = Thread.ofVirtual().start(() -> {
                while (calling.get()) {
                    try {
                        McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("echo", Map.of()));
                        if (Boolean.TRUE.equals(result.isError())) {
                            failed.add(result.toString());
                        } else {
                            served.incrementAndGet();
                        }
                    } catch (RuntimeException e) {
                        failed.add(e.toString());
                    }
                }
            });
            for (GatewayProcess instance : fleet) {
                int before = served.get();
                instance.stop();
                instance.startAgain();
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                        .until(() -> served.get() > before + 5);
            }
            calling.set(false);
            caller.join();
        }

        assertThat(failed).isEmpty();
        assertThat(served.get()).isGreaterThan(10);
        assertThat(balancer.failures()).isEmpty();
    }
}
