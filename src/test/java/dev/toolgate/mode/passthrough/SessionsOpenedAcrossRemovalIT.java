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

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A session opened by a request that began before a reload removed its passthrough route, or pointed it at another
 * server, and was created just after the reload ended the route's sessions: it is ended at once and its client told
 * the route was removed (503 {@code route_removed}), or now relays to another server (503 {@code route_repointed}),
 * instead of holding its places under the session caps for the idle time, or binding a session of the server the
 * route no longer relays to. The servers are scripted and hold
 * the answer that opens a session until the test releases it.
 */
@Timeout(90)
class SessionsOpenedAcrossRemovalIT {

    private final List<Runnable> held = new CopyOnWriteArrayList<>();
    private final Set<String> ended = ConcurrentHashMap.newKeySet();
    private final RestUpstream servers = new RestUpstream()
            .onMessage("POST /modern", (request, message) -> hold(request,
                    LegacyBridgeNotificationsIT.DISCOVERED, null))
            .onMessage("POST /a", this::legacy).onMessage("POST /b", this::legacy)
            .on("DELETE /a", this::end);
    private TestGateway gateway;

    @AfterEach
    void stop() {
        held.forEach(Runnable::run);
        ScriptedLegacyServer.close(gateway, servers);
    }

    private void legacy(HttpServerRequest request, JsonNode message) {
        if (message.path("method").asText().equals("initialize")) {
            hold(request, ScriptedLegacyServer.INITIALIZED.formatted(message.get("id")), "session-of-" + request.path());
        } else {
            request.response().setStatusCode(202).end();
        }
    }

    /** Answers {@code body} (naming session {@code session} unless null) once the test releases it. */
    private void hold(HttpServerRequest request, String body, String session) {
        held.add(() -> {
            if (!request.response().ended()) {
                if (session != null) {
                    request.response().putHeader("mcp-session-id", session);
                }
                request.response().putHeader("content-type", "application/json").end(body);
            }
        });
    }

    private void end(HttpServerRequest request) {
        ended.add(request.getHeader("mcp-session-id"));
        request.response().setStatusCode(200).end();
    }

    /**
     * Route {@code mcp} at {@code /mcp} to {@code service} (none when null) with {@code server} settings, alice's key
     * required, and route
     * {@code kept} to b, which every reload keeps.
     */
    private String config(String service, String server) {
        String plugin = "    plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener, server: %s}}]\n";
        // alice identified: the gateway binds the server's sessions only to callers it knows
        String mcp = service == null ? "" : "  - name: mcp\n    service: " + service + "\n    paths: [/mcp]\n"
                + plugin.formatted(server).replace("plugins: [", "plugins: [{name: key-auth}, ");
        return """
                _format_version: "3.0"
                consumers:
                  - {username: alice, keyauth_credentials: [{key: alice-key}]}
                services:
                  - name: modern
                    url: %1$s/modern
                  - name: a
                    url: %1$s/a
                  - name: b
                    url: %1$s/b
                routes:
                %2$s  - name: kept
                    service: b
                    paths: [/kept]
                %3$s""".formatted(servers.url(), mcp, plugin.formatted("{upstream_era: legacy}"));
    }

    /** A legacy client's initialize at /mcp, answered once the server's held answer is released after {@code yaml}. */
    private McpHttp.Response initializedAcross(String yaml) throws Exception {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"), Map.of("apikey", "alice-key"));
        CompletableFuture<McpHttp.Response> opening = CompletableFuture.supplyAsync(() -> mcp.initialize("2025-11-25"));
        await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == 1);
        AdminHttp.Response reloaded = new AdminHttp(gateway).postConfig(yaml);
        assertThat(reloaded.status()).as(reloaded.body()).isEqualTo(200);
        held.forEach(Runnable::run);
        return opening.get(10, TimeUnit.SECONDS);
    }

    /** A 503 without a session, whose message says {@code why}. */
    private static void assertRefused(McpHttp.Response opened, String why) {
        assertThat(opened.status()).as(opened.toString()).isEqualTo(503);
        assertThat(opened.header("mcp-session-id")).as("a session id for the client").isNull();
        assertThat(opened.body()).contains(why);
    }

    @Test
    void aBridgedSessionOpenedAsItsRouteIsRemovedIsEndedAtOnceAndItsClientToldTheRouteWasRemoved() throws Exception {
        gateway = TestGateway.start(config("modern", "{upstream_era: modern}"));

        McpHttp.Response opened = initializedAcross(config(null, null));

        assertRefused(opened, "route 'mcp' was removed by a configuration reload");
        int live = new AdminHttp(gateway).get("/status").json().at("/server/mcp_sessions").asInt();
        assertThat(live).as("sessions holding places under the caps").isZero();
    }

    @Test
    void aBindingOpenedAsItsRouteMovesToAnotherServerIsEndedThereAndItsClientToldToInitializeWithTheServerServedNow()
            throws Exception {
        String sealed = "{upstream_era: legacy, session: {strategy: client, client: {secrets: [s3cr3t-s3cr3t-s3cr3t]}}}";
        gateway = TestGateway.start(config("a", sealed));

        McpHttp.Response opened = initializedAcross(config("b", sealed));

        // the route is still served: told it was removed, a client would look for another, not initialize again
        assertRefused(opened, "a configuration reload changed where route 'mcp' relays");
        assertThat(opened.body()).contains("initialize again").doesNotContain("was removed")
                .doesNotContain(servers.url().replaceFirst("^https?://", ""));
        await().atMost(Duration.ofSeconds(10)).until(() -> ended.contains("session-of-/a"));
    }
}
