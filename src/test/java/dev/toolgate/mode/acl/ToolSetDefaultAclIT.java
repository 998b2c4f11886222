package dev.toolgate.mode.acl;

import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code conversion-only} plugin's {@code default_acl} (with its {@code include_consumer_groups}) is the
 * ACL of each of its tools without one of its own, wherever a listener serves them: a caller it refuses
 * is not shown the tool and gets 403 calling it, and nothing reaches the upstream.
 */
@Timeout(60)
class ToolSetDefaultAclIT {

    static RestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream().json("GET /api/orders", 200, "{\"orders\":[]}");
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: orders
                    url: %s
                    routes:
                      - name: orders-route
                        paths: [/api]
                        strip_path: false
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [team-tools]
                            config:
                              mode: conversion-only
                              include_consumer_groups: true
                              default_acl: [{scope: tools, allow: [admin]}]
                              tools: [{name: list_orders, description: Orders, method: GET, path: /api/orders}]
                routes:
                  - name: listener-route
                    paths: [/mcp]
                    plugins:
                      - name: key-auth
                      - name: ai-mcp-proxy
                        config: {mode: listener, server: {tag: team-tools}}
                consumer_groups:
                  - name: admin
                consumers:
                  - {username: alice, groups: [{name: admin}], keyauth_credentials: [{key: alice-key}]}
                  - {username: bob, keyauth_credentials: [{key: bob-key}]}
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void aCallerTheToolSetsDefaultAclRefusesIsNotShownItsToolAndGets403CallingIt() throws Exception {
        McpHttp bob = new McpHttp(gateway.proxy("/mcp"), Map.of("apikey", "bob-key"));
        bob.initialize("2025-11-25");

        McpHttp.Response listed = bob.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
        McpHttp.Response called = bob.post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"list_orders\",\"arguments\":{}}}");

        assertThat(listed.json().at("/result/tools").size()).as("%s", listed).isZero();
        assertThat(called.status()).as("%s", called).isEqualTo(403);
        assertThat(upstream.quiet(Duration.ofMillis(300))).isTrue();
    }

    @Test
    void aCallerInTheAllowedGroupSeesAndCallsIt() throws Exception {
        McpHttp alice = new McpHttp(gateway.proxy("/mcp"), Map.of("apikey", "alice-key"));
        alice.initialize("2025-11-25");

        assertThat(alice.call("list_orders", "{}").path("isError").asBoolean()).isFalse();
        assertThat(upstream.next().path()).isEqualTo("/api/orders");
    }
}
