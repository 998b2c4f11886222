package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A passthrough route that keeps its name while a reload points it at another server: the sessions the gateway bound
 * for it (here sealed in the id the client holds) name the old server's session, which the new one never gave. They end as a removed route's do (404, and the
 * client initializes again), and the old server's session id never reaches the new one (another tenant's, perhaps).
 */
@Timeout(90)
class ChangedUpstreamSessionsIT {

    private final RestUpstream servers = new RestUpstream()
            .onMessage("POST /tenant-a", ChangedUpstreamSessionsIT::legacy)
            .onMessage("POST /tenant-b", ChangedUpstreamSessionsIT::legacy);
    private TestGateway gateway;
    private TestGateway later;

    @AfterEach
    void stop() {
        if (later != null) {
            later.close();
        }
        ScriptedLegacyServer.close(gateway, servers);
    }

    /** A legacy server that names its session after where it lives. */
    private static void legacy(HttpServerRequest request, JsonNode message) {
        if (message.path("method").asText().equals("initialize")) {
            request.response().putHeader("content-type", "application/json")
                    .putHeader("mcp-session-id", "session-of-" + request.path())
                    .end(ScriptedLegacyServer.INITIALIZED.formatted(message.get("id")));
        } else {
            request.response().setStatusCode(202).end();
        }
    }

    private String config(String service, String session) {
        return """
                _format_version: "3.0"
                consumers:
                  - {username: alice, keyauth_credentials: [{key: alice-key}]}
                services:
                  - name: a
                    url: %1$s/tenant-a
                  - name: b
                    url: %1$s/tenant-b
                routes:
                  - name: mcp
                    service: %2$s
                    paths: [/mcp]
                    plugins:
                      - {name: key-auth}
                      - {name: ai-mcp-proxy, config: {mode: passthrough-listener, server: {upstream_era: legacy, session: %3$s}}}
                """.formatted(servers.url(), service, session);
    }

    private void aSessionEndsWhenItsRouteMovesToAnotherServer(String session) {
        gateway = TestGateway.start(config("a", session));
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"), Map.of("apikey", "alice-key"));
        assertThat(mcp.initialize("2025-11-25").status()).isEqualTo(200);
        assertThat(new AdminHttp(gateway).postConfig(config("b", session)).status()).isEqualTo(200);
        servers.clear();

        McpHttp.Response told = mcp.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");

        assertThat(told.status()).isEqualTo(404);
        assertThat(servers.received()).noneMatch(r -> "session-of-/tenant-a".equals(r.header("mcp-session-id")));
    }

    @Test
    void aSessionSealedInItsIdEndsWhenItsRouteMovesToAnotherServer() {
        aSessionEndsWhenItsRouteMovesToAnotherServer("{strategy: client, client: {secrets: [s3cr3t-s3cr3t-s3cr3t]}}");
    }

    /**
     * A route that was a conversion endpoint and becomes a passthrough route held no bound session to end: in a
     * rolling reload, an instance reloading later serves the sessions one reloaded first has bound meanwhile.
     */
    @Test
    void aRouteTurnedPassthroughKeepsTheSessionsAnotherInstanceBoundBeforeThisOneReloaded() {
        String sealed = "{strategy: client, client: {secrets: [s3cr3t-s3cr3t-s3cr3t]}}";
        String conversion = config("a", sealed).replace(
                "config: {mode: passthrough-listener, server: {upstream_era: legacy, session: " + sealed + "}}",
                "config: {mode: conversion-listener, tools: [{name: ping, description: Ping, method: GET, path: /p}]}");
        assertThat(conversion).doesNotContain("passthrough");
        gateway = TestGateway.start(conversion);
        later = TestGateway.start(conversion);
        assertThat(new AdminHttp(gateway).postConfig(config("a", sealed)).status()).isEqualTo(200);
        McpHttp first = new McpHttp(gateway.proxy("/mcp"), Map.of("apikey", "alice-key"));
        assertThat(first.initialize("2025-11-25").status()).isEqualTo(200);

        assertThat(new AdminHttp(later).postConfig(config("a", sealed)).status()).isEqualTo(200);
        McpHttp there = new McpHttp(later.proxy("/mcp"), Map.of("apikey", "alice-key"));
        there.sessionId(first.sessionId());

        assertThat(there.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").status())
                .isEqualTo(202);
    }
}
