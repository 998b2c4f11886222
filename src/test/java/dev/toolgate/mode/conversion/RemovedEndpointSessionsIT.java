package dev.toolgate.mode.conversion;

import dev.toolgate.gateway.Limits;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RedisServer;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reload that removes an MCP endpoint ends its sessions: those held in this process go at once (out of
 * {@code /status}, their places under the session caps freed), and a route of the same name loaded again later
 * (the same endpoint id) answers a session begun before the removal as unknown, whatever store it was kept in.
 */
@Timeout(60)
class RemovedEndpointSessionsIT {

    static final String CALL_A1 = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"a1\",\"arguments\":{}}}";

    RestUpstream upstream = new RestUpstream().on("GET /a1", r -> r.response()
            .putHeader("content-type", "application/json").end("{\"ok\":true}"));
    TestGateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
    }

    /** alpha (when {@code withAlpha}, its sessions as {@code session} says) and beta on one service. */
    String config(boolean withAlpha, String session) {
        String alpha = """
                      - name: alpha
                        paths: [/alpha]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server: {session: %s}
                              tools:
                                - {name: a1, description: Tool a1, method: GET, path: /alpha/a1}
                """.formatted(session);
        return """
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                %s      - name: beta
                        paths: [/beta]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: b1, description: Tool b1, method: GET, path: /beta/b1}
                """.formatted(upstream.url(), withAlpha ? alpha : "");
    }

    private McpHttp session(String route) {
        McpHttp mcp = new McpHttp(gateway.proxy(route));
        McpHttp.Response opened = mcp.initialize("2025-06-18");
        assertThat(opened.status()).as(opened.toString()).isEqualTo(200);
        return mcp;
    }

    private static void assertCalls(McpHttp session, String why) {
        var result = session.call("a1", "{}");
        assertThat(result.get("isError").asBoolean()).as(why + ": " + result).isFalse();
    }

    private void post(String yaml) {
        AdminHttp.Response reloaded = new AdminHttp(gateway).postConfig(yaml);
        assertThat(reloaded.status()).as(reloaded.toString()).isEqualTo(200);
    }

    private int liveSessions() {
        return new AdminHttp(gateway).get("/status").json().at("/server/mcp_sessions").asInt();
    }

    @Test
    void removingARouteEndsItsSessionsAndARouteOfTheSameNameLoadedAgainAnswersTheirIds404() {
        gateway = TestGateway.start(config(true, "{}"));
        McpHttp old = session("/alpha");
        session("/alpha");
        session("/beta");
        assertThat(liveSessions()).isEqualTo(3);

        post(config(false, "{}"));
        assertThat(liveSessions()).as("alpha's two sessions ended with it").isEqualTo(1);

        post(config(true, "{}"));
        McpHttp.Response resumed = old.post(CALL_A1);
        assertThat(resumed.status()).as(resumed.toString()).isEqualTo(404);
        assertThat(resumed.json().at("/error/code").asInt()).isEqualTo(-32001);
        assertCalls(session("/alpha"), "a new session on the route loaded again works");
    }

    @Test
    void theSessionsOfARemovedRouteNoLongerHoldTheirClientsPlacesUnderTheCap() {
        Limits defaults = Limits.DEFAULT;
        gateway = TestGateway.start(config(true, "{}"), Map.of(), false, Map.of(),
                new Limits(defaults.proxy(), defaults.admin(), defaults.maxSessionsPerEndpoint(), 3,
                        defaults.sessionIdleSeconds(), defaults.upstreamPoolSize(), defaults.upstreamPoolWaitMs(),
                        defaults.upstreamIdleMs(), false, false, defaults.adminHostNames()));
        for (int i = 0; i < 3; i++) {
            session("/alpha");
        }
        McpHttp.Response refused = new McpHttp(gateway.proxy("/beta")).initialize("2025-06-18");
        assertThat(refused.status()).as("at the cap: " + refused).isEqualTo(503);

        post(config(false, "{}"));
        List<McpHttp> opened = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            opened.add(session("/beta"));
        }
        assertThat(opened).allSatisfy(mcp -> assertThat(mcp.sessionId()).isNotBlank());
    }

    @Test
    void aSealedSessionOfARemovedRouteIsUnknownToTheRouteOfTheSameNameLoadedAgain() {
        String sealed = "{strategy: client, client: {secrets: [removed-route-secret]}}";
        gateway = TestGateway.start(config(true, sealed));
        McpHttp old = session("/alpha");
        assertThat(old.sessionId()).startsWith("t1.");
        assertCalls(old, "before the removal");

        post(config(false, sealed));
        post(config(true, sealed));
        McpHttp.Response resumed = old.post(CALL_A1);
        assertThat(resumed.status()).as(resumed.toString()).isEqualTo(404);
        assertCalls(session("/alpha"), "a session begun after the route came back works");
    }

    /**
     * Two instances share Redis; the first removes alpha and loads it again (as in a rolling reload, or a bad
     * intermediate config), the second serves it throughout.
     */
    @Test
    void aRedisSessionBegunBeforeTheRemovalIsUnknownWhereTheRouteCameBackAndGoesOnWhereItNeverLeft() {
        try (RedisServer redis = RedisServer.start()) {
            String shared = "{strategy: redis, redis: " + redis.block() + "}";
            gateway = TestGateway.start(config(true, shared));
            try (TestGateway other = TestGateway.start(config(true, shared))) {
                McpHttp before = new McpHttp(other.proxy("/alpha"));
                before.initialize("2025-06-18");
                post(config(false, shared));
                McpHttp during = new McpHttp(other.proxy("/alpha"));
                during.initialize("2025-06-18");
                post(config(true, shared));

                McpHttp.Response resumed = onFirst(before).post(CALL_A1);
                assertThat(resumed.status()).as("begun before the removal: " + resumed).isEqualTo(404);
                assertCalls(before, "the instance that kept alpha keeps its session");
                assertCalls(onFirst(during), "begun elsewhere after the removal: served where the route came back");
            }
        }
    }

    /** The same session, its requests sent to the first instance. */
    private McpHttp onFirst(McpHttp session) {
        McpHttp there = new McpHttp(gateway.proxy("/alpha"));
        there.sessionId(session.sessionId());
        return there;
    }
}
