package dev.toolgate.policy.keyauth;

import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reload that adds, removes or reorders other consumers leaves a key-auth caller as it was: its MCP
 * session (bound to its credential) goes on, and the upstream sees the same {@code X-Credential-Identifier}.
 */
@Timeout(60)
class ReloadedConsumersIT {

    private static final String CAROL = "  - {username: carol, keyauth_credentials: [{key: carol-test-key}]}\n";
    private static final String ZED = "  - {username: zed, keyauth_credentials: [{key: zed-test-key}]}\n";

    RestUpstream upstream;
    TestGateway gateway;

    private String document(String... consumers) {
        return """
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - {name: key-auth}
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools: [{name: one, description: One, method: GET, path: /mcp/one}]
                consumers:
                """.formatted(upstream.url()) + String.join("", consumers);
    }

    @BeforeEach
    void start() {
        upstream = new RestUpstream();
        gateway = TestGateway.start(document(CAROL));
    }

    @AfterEach
    void stop() {
        gateway.close();
        upstream.close();
    }

    private McpHttp carolsSession() {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"), Map.of("apikey", "carol-test-key"));
        assertThat(mcp.initialize("2025-06-18").status()).isEqualTo(200);
        return mcp;
    }

    private String credentialSeenUpstream(McpHttp mcp) {
        upstream.clear();
        mcp.call("one", "{}");
        return upstream.next().header("X-Credential-Identifier");
    }

    private void reload(String... consumers) {
        AdminHttp.Response answer = new AdminHttp(gateway).postConfig(document(consumers));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    }

    @Test
    void aConsumerAddedBeforeCarolLeavesHerSessionAndCredentialIdentifierAsTheyWere() {
        McpHttp carol = carolsSession();
        String before = credentialSeenUpstream(carol);

        reload(ZED, CAROL);

        assertThat(credentialSeenUpstream(carol)).isEqualTo(before).isNotBlank();
    }

    @Test
    void aConsumerRemovedBeforeCarolLeavesHerSessionAsItWas() {
        reload(ZED, CAROL);
        McpHttp carol = carolsSession();
        String before = credentialSeenUpstream(carol);

        reload(CAROL);

        assertThat(credentialSeenUpstream(carol)).isEqualTo(before);
    }
}
