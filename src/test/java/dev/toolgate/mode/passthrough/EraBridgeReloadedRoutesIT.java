package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.ModernHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sessions the era bridge holds with a legacy server for modern clients, across reloads that remove their route
 * or point it at another server: they are ended at the server (DELETE), as an evicted one is, rather than kept
 * until the route comes back or the bounds push them out; a call in flight on them finishes first. A route kept
 * with its server keeps them ({@code EraBridgeUpstreamSessionsIT}). The server is scripted: it names each session
 * after where it lives, and holds {@code tools/call} answers until the test releases them.
 */
@Timeout(90)
class EraBridgeReloadedRoutesIT {

    static final String LISTED = "{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":{\"tools\":[]}}";
    static final String CALLED = "{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":{\"content\":[]}}";
    private static final String PASSTHROUGH = "    plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener, "
            + "server: {upstream_era: legacy}}}]\n";
    private static final String CONVERSION = "    plugins: [{name: ai-mcp-proxy, config: {mode: conversion-listener, "
            + "tools: [{name: ping, description: Ping, method: GET, path: /ping}]}}]\n";

    private final AtomicInteger opened = new AtomicInteger();
    private final Set<String> ended = ConcurrentHashMap.newKeySet();
    private final List<Runnable> heldCalls = new CopyOnWriteArrayList<>();
    private final RestUpstream servers = new RestUpstream()
            .onMessage("POST /a", this::legacy).onMessage("POST /b", this::legacy)
            .on("DELETE /a", this::end).on("DELETE /b", this::end);
    private TestGateway gateway;

    @AfterEach
    void stop() {
        heldCalls.forEach(Runnable::run);
        ScriptedLegacyServer.close(gateway, servers);
    }

    private void legacy(HttpServerRequest request, JsonNode message) {
        JsonNode id = message.get("id");
        switch (message.path("method").asText()) {
            case "initialize" -> request.response().putHeader("content-type", "application/json")
                    .putHeader("mcp-session-id", "s-" + opened.incrementAndGet() + "-of-" + request.path())
                    .end(ScriptedLegacyServer.INITIALIZED.formatted(id));
            case "tools/list" -> request.response().putHeader("content-type", "application/json")
                    .end(LISTED.formatted(id));
            case "tools/call" -> heldCalls.add(() -> {
                if (!request.response().ended()) {
                    request.response().putHeader("content-type", "application/json").end(CALLED.formatted(id));
                }
            });
            default -> request.response().setStatusCode(202).end();
        }
    }

    private void end(HttpServerRequest request) {
        ended.add(request.getHeader("mcp-session-id"));
        request.response().setStatusCode(200).end();
    }

    /** Route {@code mcp} at {@code /mcp} to service {@code service} when given (else no such route), {@code other} to b. */
    private String config(String service) {
        return config(service, PASSTHROUGH);
    }

    /** As {@link #config(String)}, with route {@code mcp}'s plugins {@code mcpPlugins}. */
    private String config(String service, String mcpPlugins) {
        String mcp = service == null ? "" : "  - name: mcp\n    service: " + service + "\n    paths: [/mcp]\n"
                + mcpPlugins;
        return """
                _format_version: "3.0"
                services:
                  - name: a
                    url: %1$s/a
                  - name: b
                    url: %1$s/b
                routes:
                %2$s  - name: other
                    service: b
                    paths: [/other]
                %3$s""".formatted(servers.url(), mcp, PASSTHROUGH);
    }

    private void reload(String yaml) {
        AdminHttp.Response reloaded = new AdminHttp(gateway).postConfig(yaml);
        assertThat(reloaded.status()).as(reloaded.body()).isEqualTo(200);
    }

    private static void listed(String path, TestGateway on) {
        McpHttp.Response listed = new ModernHttp(on.proxy(path)).request("tools/list", "{}");
        assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
    }

    @Test
    void removingARouteEndsItsSessionsWithTheLegacyServerAtTheServer() {
        gateway = TestGateway.start(config("a"));
        listed("/mcp", gateway);
        listed("/other", gateway);
        assertThat(opened.get()).isEqualTo(2);

        reload(config(null));

        await().atMost(Duration.ofSeconds(10)).until(() -> ended.contains("s-1-of-/a"));
        assertThat(ended).as("the session of the route the reload kept").doesNotContain("s-2-of-/b");
        // loaded again, the route opens a session of its own: the one it had is gone
        reload(config("a"));
        listed("/mcp", gateway);
        assertThat(opened.get()).as("sessions opened at the server").isEqualTo(3);
    }

    @Test
    void pointingARouteAtAnotherServerEndsItsSessionsWithTheOldOne() {
        gateway = TestGateway.start(config("a"));
        listed("/mcp", gateway);

        reload(config("b"));
        listed("/mcp", gateway);

        await().atMost(Duration.ofSeconds(10)).until(() -> ended.contains("s-1-of-/a"));
        assertThat(ended).as("the session with the server the route relays to now").doesNotContain("s-2-of-/b");
    }

    @Test
    void turningARouteIntoAConversionEndpointOfAnotherServiceEndsItsSessionsWithTheLegacyServer() {
        gateway = TestGateway.start(config("a"));
        listed("/mcp", gateway);

        // still served, by name, but no longer by a passthrough proxy: none names its server any more
        reload(config("b", CONVERSION));

        await().atMost(Duration.ofSeconds(10)).until(() -> ended.contains("s-1-of-/a"));
    }

    @Test
    void turningARouteIntoAConversionEndpointOfTheSameServiceEndsItsSessionsWithTheLegacyServer() {
        gateway = TestGateway.start(config("a"));
        listed("/mcp", gateway);

        // the same URL, but no passthrough proxy relays there any more
        reload(config("a", CONVERSION));

        await().atMost(Duration.ofSeconds(10)).until(() -> ended.contains("s-1-of-/a"));
    }

    @Test
    void aRouteLoadedAgainWhileItsOldCallIsInFlightOpensItsOwnSessionWhichTheOldCallsEndLeavesAlone()
            throws Exception {
        gateway = TestGateway.start(config("a"));
        ModernHttp modern = new ModernHttp(gateway.proxy("/mcp"));
        CompletableFuture<McpHttp.Response> old = CompletableFuture.supplyAsync(
                () -> modern.request("tools/call", "{\"name\":\"slow\",\"arguments\":{}}"));
        await().atMost(Duration.ofSeconds(10)).until(() -> heldCalls.size() == 1);

        reload(config("b"));
        reload(config("a"));
        CompletableFuture<McpHttp.Response> current = CompletableFuture.supplyAsync(
                () -> modern.request("tools/call", "{\"name\":\"slow\",\"arguments\":{}}"));
        await().atMost(Duration.ofSeconds(10)).until(() -> heldCalls.size() == 2);
        assertThat(opened.get()).as("sessions opened at the server: the route loaded again has its own").isEqualTo(2);

        heldCalls.get(0).run();
        assertThat(old.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> ended.contains("s-1-of-/a"));
        Thread.sleep(300);
        assertThat(ended).as("the session of the call the configuration served runs").doesNotContain("s-2-of-/a");
        heldCalls.get(1).run();
        McpHttp.Response answered = current.get(10, TimeUnit.SECONDS);
        assertThat(answered.status()).as(answered.toString()).isEqualTo(200);
        assertThat(answered.json().at("/result/content").isArray()).as(answered.toString()).isTrue();
    }

    @Test
    void aCallInFlightWhenItsRouteIsRemovedFinishesBeforeItsSessionEndsAtTheServer() throws Exception {
        gateway = TestGateway.start(config("a"));
        ModernHttp modern = new ModernHttp(gateway.proxy("/mcp"));
        CompletableFuture<McpHttp.Response> call = CompletableFuture.supplyAsync(
                () -> modern.request("tools/call", "{\"name\":\"slow\",\"arguments\":{}}"));
        await().atMost(Duration.ofSeconds(10)).until(() -> heldCalls.size() == 1);

        reload(config(null));
        Thread.sleep(300);
        assertThat(ended).as("ended while its call is in flight").isEmpty();
        heldCalls.forEach(Runnable::run);

        McpHttp.Response answered = call.get(10, TimeUnit.SECONDS);
        assertThat(answered.status()).as(answered.toString()).isEqualTo(200);
        assertThat(answered.json().at("/result/content").isArray()).as(answered.toString()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> ended.contains("s-1-of-/a"));
    }
}
