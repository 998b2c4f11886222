package dev.toolgate.gateway;

import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
                r.response().putHeader("content-type", "application/yaml").end(PING_SPEC);
            }
        }).json("GET /specced/ping", 200, "{\"pong\":true}");
        String before = admin.hash();

        gateway.rewrite(specUrlConfig());
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> fetches.get() >= 1);
        assertThat(admin.hash()).isEqualTo(before);

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> !admin.hash().equals(before));
        assertThat(fetches.get()).isEqualTo(2);
        upstream.clear();
        assertThat(serves("specced")).isTrue();
    }

    @Test
    void aRewriteWhoseSpecUrlStaysDownIsFetchedLessAndLessOftenAndAtOnceWhenTheFileIsTouched() throws IOException {
        AtomicInteger fetches = new AtomicInteger();
        upstream.on("GET /openapi.yaml", r -> {
            fetches.incrementAndGet();
            r.response().setStatusCode(503).end();
        });
        String before = admin.hash();

        gateway.rewrite(specUrlConfig());
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> fetches.get() >= 1);
        await().pollDelay(Duration.ofSeconds(9)).atMost(Duration.ofSeconds(10)).until(() -> true);
        // offered at 0, 2 and 6 s (the next at 14 s); a 2 s poll would have fetched it five times
        assertThat(fetches.get()).as("fetches in 9 s").isBetween(2, 3);
        int counted = fetches.get();

        Files.setLastModifiedTime(gateway.configFile(), FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(100)).until(() -> fetches.get() > counted);
        assertThat(admin.hash()).isEqualTo(before);
        upstream.clear();
    }

    private static final String PING_SPEC = """
            openapi: 3.0.0
            info: {title: t, version: "1"}
            paths:
              /specced/ping:
                get: {operationId: ping, responses: {"200": {description: ok}}}
            """;

    private String specUrlConfig() {
        return config("specced").replaceFirst("(?s)tools:.*", "openapi: {spec: \"" + upstream.url() + "/openapi.yaml\"}\n");
    }

    private static String spec(String... operations) {
        StringBuilder paths = new StringBuilder();
        for (String operation : operations) {
            paths.append("  /specced/").append(operation).append(":\n    get: {operationId: ").append(operation)
                    .append(", responses: {\"200\": {description: ok}}}\n");
        }
        return "openapi: 3.0.0\ninfo: {title: t, version: \"1\"}\npaths:\n" + paths;
    }

    private static List<String> tools(TestGateway watched) {
        McpHttp mcp = new McpHttp(watched.proxy("/specced"));
        mcp.initialize("2025-06-18");
        List<String> names = new ArrayList<>();
        mcp.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}").json().at("/result/tools")
                .forEach(tool -> names.add(tool.get("name").asText()));
        return names;
    }

    @Test
    void editingTheLocalSpecFileTheConfigNamesReloadsItsToolsAndASpecItNoLongerNamesIsNotWatched() throws IOException {
        String specced = config("specced").replaceFirst("(?s)tools:.*", "openapi: {spec: specs/x.yaml}\n");
        try (TestGateway watched = TestGateway.start(specced, Map.of(), true,
                Map.of("specs/x.yaml", spec("ping"), "specs/y.yaml", spec("other")))) {
            Path folder = watched.configFile().getParent();
            assertThat(tools(watched)).containsExactly("ping");

            Files.writeString(folder.resolve("specs/x.yaml"), spec("ping", "pong"));
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> tools(watched).contains("pong"));
            // an OpenAPI path is relative to the service URL: the route's prefix in it is not stripped
            upstream.json("GET /specced/pong", 200, "{\"pong\":2}");
            McpHttp mcp = new McpHttp(watched.proxy("/specced"));
            mcp.initialize("2025-06-18");
            assertThat(mcp.call("pong", "{}").at("/content/0/text").asText()).isEqualTo("{\"pong\":2}");

            watched.rewrite(specced.replace("specs/x.yaml", "specs/y.yaml"));
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> tools(watched).equals(List.of("other")));
            AdminHttp watchedAdmin = new AdminHttp(watched);
            String loadedAt = watchedAdmin.get("/status").json().get("loaded_at").asText();
            Files.writeString(folder.resolve("specs/x.yaml"), spec("ping", "pong", "gone"));
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> watchedAdmin.get("/status").json().get("loaded_at").asText().equals(loadedAt));
        }
    }

    @Test
    void unparseableRewriteKeepsTheOldConfig() {
        String before = admin.hash();
        gateway.rewrite("services: [\n  - {name: x\n");
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> admin.hash().equals(before));
        assertThat(serves("old")).isTrue();
    }

    @Test
    void aRewriteReloadedOnSighupIsNotLoadedOnceMoreByTheWatcher() throws InterruptedException {
        gateway.rewrite(config("new"));
        gateway.gateway().reload(); // what SIGHUP does, before the watcher has read the write

        Snapshot reloaded = gateway.gateway().snapshot();
        assertThat(serves("new")).isTrue();
        Thread.sleep(2_000); // the watcher reads a written file within a few hundred ms

        assertThat(gateway.gateway().snapshot().loadedAt()).as("when the configuration serving was loaded")
                .isEqualTo(reloaded.loadedAt());
    }

    @Test
    void aSighupWaitingBehindAnotherLoadAppliesTheFileAsItIsWhenItsTurnComesNotAsItWas() throws Exception {
        try (TestGateway unwatched = TestGateway.start(config("old"))) {
            Gateway running = unwatched.gateway();
            Thread reload;
            // another load holds the gateway (a slow POST /config) while SIGHUP arrives and the file changes again
            synchronized (running) {
                unwatched.rewrite(config("stale"));
                reload = Thread.ofPlatform().start(running::reload);
                await().atMost(Duration.ofSeconds(5)).until(() -> reload.getState() == Thread.State.BLOCKED);
                unwatched.rewrite(config("newest"));
            }
            reload.join(10_000);

            String serving = running.snapshot().config().routes().getFirst().name();
            assertThat(serving).as("the route of the configuration serving").isEqualTo("newest");
        }
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
