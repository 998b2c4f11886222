package dev.toolgate.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RawConnection;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code X-Forwarded-*} headers a tool call and a passthrough request take upstream: behind a trusted
 * proxy (a TLS load balancer in {@code --trusted-ips}) the scheme, host and port it saw, as Kong passes them
 * on; from anyone else the gateway's own view, whatever the client claims.
 */
@Timeout(30)
class TrustedProxyForwardingIT {

    static final String CONFIG = """
            _format_version: "3.0"
            services:
              - name: api
                url: %s
                routes:
                  - name: tools
                    paths: [/tools]
                    plugins:
                      - name: ai-mcp-proxy
                        config:
                          mode: conversion-listener
                          tools:
                            - {name: ping, description: Ping, method: GET, path: /tools/ping}
                  - name: relay
                    paths: [/relay]
                    plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener}}]
            """;
    static final Map<String, String> BALANCER = Map.of("X-Forwarded-Proto", "https",
            "X-Forwarded-Host", "mcp.example.com", "X-Forwarded-Port", "443");

    static RestUpstream upstream;
    static TestGateway trusting;
    static TestGateway direct;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream().json("GET /ping", 200, "{}").json("GET /mcp", 200,
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
        trusting = TestGateway.behindTrustedProxy(CONFIG.formatted(upstream.url()));
        direct = TestGateway.start(CONFIG.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        trusting.close();
        direct.close();
        upstream.close();
    }

    @BeforeEach
    void forgetEarlierRequests() {
        upstream.clear();
    }

    private static RestUpstream.Received toolCall(TestGateway gateway) {
        McpHttp mcp = new McpHttp(gateway.proxy("/tools"), BALANCER);
        mcp.initialize("2025-11-25");
        JsonNode result = mcp.call("ping", "{}");
        assertThat(result.path("isError").asBoolean()).as("%s", result).isFalse();
        return upstream.next();
    }

    private static RestUpstream.Received relayed(TestGateway gateway, String... claims) {
        List<String> head = new java.util.ArrayList<>(List.of("Host: gateway.internal:8000", "Accept: text/event-stream"));
        head.addAll(List.of(claims));
        RawConnection.Response response = RawConnection.exchange(gateway.gateway().proxyPort(), "GET", "/relay/mcp",
                head, null);
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        return upstream.next();
    }

    @Test
    void aToolCallBehindATrustedProxyTellsTheUpstreamTheSchemeHostAndPortTheProxySaw() {
        RestUpstream.Received received = toolCall(trusting);
        assertThat(received.headers().getAll("X-Forwarded-Proto")).containsExactly("https");
        assertThat(received.headers().getAll("X-Forwarded-Host")).containsExactly("mcp.example.com");
        assertThat(received.headers().getAll("X-Forwarded-Port")).containsExactly("443");
        assertThat(received.header("X-Forwarded-Path")).isNull();
        assertThat(received.header("X-Forwarded-Prefix")).isNull();
    }

    @Test
    void aToolCallFromAnUntrustedClientTellsTheUpstreamTheGatewaysOwnViewWhateverTheClientClaims() {
        RestUpstream.Received received = toolCall(direct);
        assertThat(received.headers().getAll("X-Forwarded-Proto")).containsExactly("http");
        assertThat(received.headers().getAll("X-Forwarded-Host")).containsExactly("127.0.0.1");
        assertThat(received.headers().getAll("X-Forwarded-Port"))
                .containsExactly(Integer.toString(direct.gateway().proxyPort()));
    }

    @Test
    void passthroughBehindATrustedProxyPassesOnItsForwardingHeadersWithPathAndPrefix() {
        RestUpstream.Received received = relayed(trusting, "X-Forwarded-Proto: https",
                "X-Forwarded-Host: mcp.example.com", "X-Forwarded-Port: 443", "X-Forwarded-Prefix: /public");
        assertThat(received.headers().getAll("X-Forwarded-Proto")).containsExactly("https");
        assertThat(received.headers().getAll("X-Forwarded-Host")).containsExactly("mcp.example.com");
        assertThat(received.headers().getAll("X-Forwarded-Port")).containsExactly("443");
        assertThat(received.headers().getAll("X-Forwarded-Path")).containsExactly("/relay/mcp");
        assertThat(received.headers().getAll("X-Forwarded-Prefix")).containsExactly("/public");
    }

    @Test
    void passthroughBehindATrustedProxyThatSaysNothingFallsBackToTheGatewaysOwnView() {
        RestUpstream.Received received = relayed(trusting);
        assertThat(received.headers().getAll("X-Forwarded-Proto")).containsExactly("http");
        assertThat(received.headers().getAll("X-Forwarded-Host")).containsExactly("gateway.internal");
        assertThat(received.headers().getAll("X-Forwarded-Port"))
                .containsExactly(Integer.toString(trusting.gateway().proxyPort()));
        assertThat(received.headers().getAll("X-Forwarded-Prefix")).containsExactly("/relay");
    }

    @Test
    void passthroughFromAnUntrustedClientIgnoresItsClaimsAndSendsTheGatewaysOwnView() {
        RestUpstream.Received received = relayed(direct, "X-Forwarded-Proto: https",
                "X-Forwarded-Host: mcp.example.com", "X-Forwarded-Port: 443", "X-Forwarded-Path: /admin",
                "X-Forwarded-Prefix: /public");
        assertThat(received.headers().getAll("X-Forwarded-Proto")).containsExactly("http");
        assertThat(received.headers().getAll("X-Forwarded-Host")).containsExactly("gateway.internal");
        assertThat(received.headers().getAll("X-Forwarded-Port"))
                .containsExactly(Integer.toString(direct.gateway().proxyPort()));
        assertThat(received.headers().getAll("X-Forwarded-Path")).containsExactly("/relay/mcp");
        assertThat(received.headers().getAll("X-Forwarded-Prefix")).containsExactly("/relay");
    }
}
