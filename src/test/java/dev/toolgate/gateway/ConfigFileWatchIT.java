package dev.toolgate.gateway;

import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The watched config file: a good rewrite is served within seconds, a bad one is refused and the
 * configuration in service stays, hash and all.
 */
@Timeout(60)
class ConfigFileWatchIT {

    RestUpstream upstream;
    TestGateway gateway;
    AdminHttp admin;

    String config(String route) {
        return """
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: %s
                        paths: [/%s]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: ping, description: Ping, method: GET, path: /%s/ping}
                """.formatted(upstream.url(), route, route, route);
    }

    @BeforeEach
    void start() {
        upstream = new RestUpstream().json("GET /ping", 200, "{\"pong\":true}");
        gateway = TestGateway.start(config("old"), Map.of(), true);
        admin = new AdminHttp(gateway);
    }

    @AfterEach
    void stop() {
        gateway.close();
        upstream.close();
    }

    private boolean serves(String route) {
        McpHttp mcp = new McpHttp(gateway.proxy("/" + route));
        if (mcp.initialize("2025-06-18").status() != 200) {
            return false;
        }
        boolean ok = mcp.call("ping", "{}").at("/content/0/text").asText().equals("{\"pong\":true}");
        upstream.next();
        return ok;
    }

    @Test
    void goodRewriteIsPickedUpNewRouteServesAndOldRouteIsGone() {
        String before = admin.hash();
        gateway.rewrite(config("new"));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> !admin.hash().equals(before));
        assertThat(serves("new")).isTrue();
        McpHttp.Response old = new McpHttp(gateway.proxy("/old")).post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
        assertThat(old.status()).isEqualTo(404);
        assertThat(old.json().get("message").asText()).isEqualTo("no Route matched with those values");
    }

    @Test
    void badRewriteKeepsTheOldConfigAndItsHash() {
        McpHttp existing = new McpHttp(gateway.proxy("/old"));
        existing.initialize("2025-06-18");
        String before = admin.hash();
        String loadedAt = admin.get("/status").json().get("loaded_at").asText();

        gateway.rewrite(config("new").replace("url: http", "url: gopher"));
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> admin.hash().equals(before));

        assertThat(admin.get("/status").json().get("loaded_at").asText()).isEqualTo(loadedAt);
        assertThat(serves("old")).isTrue();
        assertThat(existing.call("ping", "{}").get("isError").asBoolean()).isFalse();
        upstream.next();
        assertThat(new McpHttp(gateway.proxy("/new")).post("{}").status()).isEqualTo(404);

        gateway.rewrite(config("fixed"));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> !admin.hash().equals(before));
        assertThat(serves("fixed")).isTrue();
    }

    @Test
    void aRewriteRefusedBecauseItsSpecUrlWasBrieflyDownIsServedOnceItIsUpWithoutBeingRewrittenAgain() {
        AtomicInteger fetches = new AtomicInteger();
        upstream.on("GET /openapi.yaml", r -> {
            if (fetches.incrementAndGet() == 1) {
                r.response().setStatusCode(503).end();
            } else {
                r.response().putHeader("content-type", "application/yaml").end("""
                        openapi: 3.0.0
                        info: {title: t, version: "1"}
                        paths:
                          /specced/ping:
                            get: {operationId: ping, responses: {"200": {description: ok}}}
                        """);
            }
        }).json("GET /specced/ping", 200, "{\"pong\":true}");
        String before = admin.hash();

        gateway.rewrite(config("specced").replaceFirst("(?s)tools:.*", "openapi: {spec: \"" + upstream.url()
                + "/openapi.yaml\"}\n"));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> fetches.get() >= 1);
        assertThat(admin.hash()).isEqualTo(before);

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> !admin.hash().equals(before));
        assertThat(fetches.get()).isGreaterThanOrEqualTo(2);
        upstream.clear();
        assertThat(serves("specced")).isTrue();
    }

    @Test
    void unparseableRewriteKeepsTheOldConfig() {
        String before = admin.hash();
        gateway.rewrite("services: [\n  - {name: x\n");
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> admin.hash().equals(before));
        assertThat(serves("old")).isTrue();
    }

    @Test
    void rewriteWithIdenticalContentDoesNotReload() {
        String loadedAt = admin.get("/status").json().get("loaded_at").asText();
        gateway.rewrite(config("old"));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> admin.get("/status").json().get("loaded_at").asText().equals(loadedAt));
    }

    @Test
    void withoutWatchingARewriteChangesNothing() {
        try (TestGateway unwatched = TestGateway.start(config("old"))) {
            AdminHttp unwatchedAdmin = new AdminHttp(unwatched);
            String before = unwatchedAdmin.hash();
            unwatched.rewrite(config("new"));
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> unwatchedAdmin.hash().equals(before));
        }
    }
}
