package dev.toolgate.interop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.EverythingServer;
import dev.toolgate.testing.NodeClients;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.RoundRobinProxy;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateway instances with the same configuration and no shared store, behind a round-robin balancer
 * without affinity, serving one modern client: each request reaches the other instance than the one
 * before. A conversion-listener keeps nothing between 2026-07-28 requests; a bridged passthrough route
 * seals each input_required round into its requestState ({@code server.session.strategy: client}), so
 * the instance the retry reaches continues the call the other one started.
 */
@Timeout(180)
class TwoInstancesModernIT {

    static final String CONFIG = """
            _format_version: "3.0"
            services:
              - name: api
                url: %s
                routes:
                  - name: conversion
                    paths: [/conversion]
                    plugins:
                      - name: ai-mcp-proxy
                        config:
                          mode: conversion-listener
                          tools:
                            - {name: list_users, description: List users, method: GET, path: /users}
              - name: everything
                url: %s
                routes:
                  - name: bridged
                    paths: [/mcp]
                    strip_path: false
                    plugins:
                      - name: ai-mcp-proxy
                        config:
                          mode: passthrough-listener
                          server:
                            session:
                              strategy: client
                              client: {secrets: [both-instances-know-this-secret]}
            """;

    static NodeClients node;
    static RestUpstream upstream;
    static EverythingServer everything;
    static TestGateway first;
    static TestGateway second;
    static RoundRobinProxy balancer;

    @BeforeAll
    static void start() {
        node = NodeClients.require();
        upstream = new RestUpstream().json("GET /users", 200, "[{\"name\":\"Ada\"}]");
        everything = EverythingServer.start();
        String config = CONFIG.formatted(upstream.url(), everything.url());
        first = TestGateway.start(config);
        second = TestGateway.start(config);
        balancer = new RoundRobinProxy(List.of(first.gateway().proxyPort(), second.gateway().proxyPort()));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closing : new AutoCloseable[] {balancer, first, second, everything, upstream}) {
            try {
                if (closing != null) {
                    closing.close();
                }
            } catch (Exception ignored) {
                // the rest still closes
            }
        }
    }

    @Test
    void aConversionListenerServesOneModernClientFromBothInstances() {
        JsonNode out = node.typescriptSdkV2(balancer.uri("/conversion"), "modern", Map.of(), "call",
                "list_users", "{}", "list_users", "{}", "list_users", "{}").ok();

        assertThat(out.path("results").findValuesAsText("text")).hasSize(3).allMatch(text -> text.contains("Ada"));
        assertThat(balancer.failures()).isEmpty();
    }

    @Test
    void aBridgedCallStartedOnOneInstanceIsFinishedByTheOther() {
        // discover and list take one instance each; the call starts on the first, its retry reaches the second
        JsonNode out = node.typescriptSdkV2(balancer.uri("/mcp"), "modern", Map.of(), "call",
                "trigger-sampling-request", "{\"prompt\":\"two instances\"}").ok();

        assertThat(out.at("/inputRequests/0/method").asText()).isEqualTo("sampling/createMessage");
        assertThat(out.at("/results/0").toString()).contains("sampled: ").contains("two instances");
        assertThat(balancer.failures()).isEmpty();
    }
}
