package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RedisServer;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reload that removes a passthrough route ends the sessions the gateway holds for it, as it does an MCP
 * endpoint's ({@code RemovedEndpointSessionsIT}): the legacy bridge's sessions kept in this process go at once
 * (out of {@code /status}, their places under the session caps freed), and a route of the same name loaded again
 * answers a bridged session or a binding begun before the removal as unknown (404), whatever store kept it; an
 * instance that never removed the route goes on serving those it shares. The servers are scripted: a 2026-07-28
 * one that answers {@code server/discover}, and a legacy one that opens a session for each {@code initialize}
 * and accepts anything else.
 */
@Timeout(90)
class RemovedPassthroughRouteSessionsIT {

    static final String VERSION = "2025-11-25";
    static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

    RestUpstream servers = new RestUpstream()
            .json("POST /modern", 200, LegacyBridgeNotificationsIT.DISCOVERED)
            .onMessage("POST /legacy", RemovedPassthroughRouteSessionsIT::legacy);
    TestGateway gateway;

    @AfterEach
    void stop() {
        ScriptedLegacyServer.close(gateway, servers);
    }

    private static void legacy(HttpServerRequest request, JsonNode message) {
        if (message.path("method").asText().equals("initialize")) {
            request.response().putHeader("content-type", "application/json")
                    .putHeader("mcp-session-id", "upstream-" + System.nanoTime())
                    .end(ScriptedLegacyServer.INITIALIZED.formatted(message.get("id")));
        } else {
            request.response().setStatusCode(202).end();
        }
    }

    /**
     * {@code bridged} (a legacy bridge to the 2026-07-28 server) and {@code bound} (the legacy server's sessions
     * bound to their callers) when {@code withRemoved}, and {@code kept} (a legacy bridge) always; every route
     * authenticates alice, and keeps its sessions as {@code session} says.
     */
    String config(boolean withRemoved, String session) {
        String plugins = """
                        plugins:
                          - {name: key-auth}
                          - {name: ai-mcp-proxy, config: {mode: passthrough-listener, server: {upstream_era: %s, session: %s}}}
                """;
        String bridged = "      - name: bridged\n        paths: [/bridged]\n" + plugins.formatted("modern", session);
        String bound = "      - name: bound\n        paths: [/bound]\n" + plugins.formatted("legacy", session);
        String kept = "      - name: kept\n        paths: [/kept]\n" + plugins.formatted("modern", session);
        return """
                _format_version: "3.0"
                consumers:
                  - {username: alice, keyauth_credentials: [{key: alice-key}]}
                services:
                  - name: modern
                    url: %1$s/modern
                    routes:
                %2$s%3$s  - name: legacy
                    url: %1$s/legacy
                    routes:
                %4$s""".formatted(servers.url(), withRemoved ? bridged : "", kept,
                withRemoved ? bound : "      []\n");
    }

    private static McpHttp session(TestGateway on, String path) {
        McpHttp mcp = new McpHttp(on.proxy(path), Map.of("apikey", "alice-key"));
        McpHttp.Response opened = mcp.initialize(VERSION);
        assertThat(opened.status()).as(opened.toString()).isEqualTo(200);
        assertThat(mcp.sessionId()).isNotBlank();
        return mcp;
    }

    /** The same session, its requests sent to {@code there}. */
    private static McpHttp on(TestGateway there, String path, McpHttp session) {
        McpHttp mcp = new McpHttp(there.proxy(path), Map.of("apikey", "alice-key"));
        mcp.sessionId(session.sessionId());
        return mcp;
    }

    private static void assertLive(McpHttp session, String why) {
        McpHttp.Response told = session.post(INITIALIZED);
        assertThat(told.status()).as(why + ": " + told).isEqualTo(202);
    }

    private static void assertUnknown(McpHttp session, String why) {
        McpHttp.Response told = session.post(INITIALIZED);
        assertThat(told.status()).as(why + ": " + told).isEqualTo(404);
        assertThat(told.json().at("/error/code").asInt()).isEqualTo(-32001);
    }

    private void post(String yaml) {
        AdminHttp.Response reloaded = new AdminHttp(gateway).postConfig(yaml);
        assertThat(reloaded.status()).as(reloaded.toString()).isEqualTo(200);
    }

    private int liveSessions() {
        return new AdminHttp(gateway).get("/status").json().at("/server/mcp_sessions").asInt();
    }

    @Test
    void removingAPassthroughRouteEndsItsBridgedSessionsAndTheRouteLoadedAgainAnswersTheirIds404() {
        gateway = TestGateway.start(config(true, "{}"));
        McpHttp old = session(gateway, "/bridged");
        session(gateway, "/bridged");
        McpHttp kept = session(gateway, "/kept");
        assertLive(old, "before the removal");
        assertThat(liveSessions()).isEqualTo(3);

        post(config(false, "{}"));
        assertThat(liveSessions()).as("bridged's two sessions ended with it").isEqualTo(1);

        post(config(true, "{}"));
        assertUnknown(old, "begun before the removal, on the route loaded again");
        assertLive(session(gateway, "/bridged"), "a new session on the route loaded again");
        assertLive(kept, "a route the reloads kept keeps its session");
    }

    @Test
    void aPassthroughRouteServedAsAConversionEndpointOfTheSameServiceEndsItsBridgedSessions() {
        gateway = TestGateway.start(config(true, "{}"));
        McpHttp old = session(gateway, "/bridged");
        assertLive(old, "before the reload");
        assertThat(liveSessions()).isEqualTo(1);

        // the route keeps its name and its service's URL; only the mode changes (bridged is the first route)
        post(config(true, "{}").replaceFirst("mode: passthrough-listener, server: \\{upstream_era: modern, session: "
                + "\\{}}", "mode: conversion-listener, tools: [{name: ping, description: Ping, method: GET, path: /ping}]"));
        assertThat(liveSessions()).as("bridged's session ended with its passthrough proxy").isZero();
    }

    @Test
    void sealedSessionsAndBindingsOfARemovedRouteAreUnknownToTheRouteOfTheSameNameLoadedAgain() {
        String sealed = "{strategy: client, client: {secrets: [removed-passthrough-secret]}}";
        gateway = TestGateway.start(config(true, sealed));
        McpHttp bridged = session(gateway, "/bridged");
        McpHttp bound = session(gateway, "/bound");
        assertLive(bridged, "bridged, before the removal");
        assertLive(bound, "bound, before the removal");

        post(config(false, sealed));
        post(config(true, sealed));
        int heard = servers.count("POST /legacy");
        assertUnknown(bridged, "a bridged session begun before the removal");
        assertUnknown(bound, "a binding begun before the removal");
        assertThat(servers.count("POST /legacy")).as("the old binding's server id goes nowhere").isEqualTo(heard);
        assertLive(session(gateway, "/bound"), "a binding begun after the route came back");
    }

    /**
     * Two instances share Redis; the first removes both routes and loads them again (as in a rolling reload), the
     * second serves them throughout.
     */
    @Test
    void redisSessionsBegunBeforeTheRemovalAreUnknownWhereTheRouteCameBackAndGoOnWhereItNeverLeft() {
        try (RedisServer redis = RedisServer.start()) {
            String shared = "{strategy: redis, redis: " + redis.block() + "}";
            gateway = TestGateway.start(config(true, shared));
            try (TestGateway other = TestGateway.start(config(true, shared))) {
                McpHttp bridged = session(other, "/bridged");
                McpHttp bound = session(other, "/bound");
                post(config(false, shared));
                McpHttp during = session(other, "/bound");
                post(config(true, shared));

                assertUnknown(on(gateway, "/bridged", bridged), "bridged, where the route came back");
                assertUnknown(on(gateway, "/bound", bound), "bound, where the route came back");
                assertLive(bridged, "bridged, on the instance that kept the route");
                assertLive(bound, "bound, on the instance that kept the route");
                assertLive(on(gateway, "/bound", during), "begun elsewhere after the removal");
            }
        }
    }
}
