package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.gateway.Limits;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.ModernHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The upstream sessions the era bridge opens with a legacy server for modern clients, and what the server
 * answers along the way: how many the bridge opens, that it ends those it forgets, what it keeps of a refusal,
 * and that an answer it never reads does not hold a pooled connection. The legacy server is scripted; what a
 * client declares in {@code capabilities.experimental} tells it how to answer that client's session.
 */
@Timeout(180)
class EraBridgeUpstreamSessionsIT {

    static final String INITIALIZED = """
            {"jsonrpc":"2.0","id":%s,"result":{"protocolVersion":"2025-11-25","capabilities":{"tools":{}},
             "serverInfo":{"name":"scripted","version":"1"}}}""";
    static final String LISTED = "{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":{\"tools\":[]}}";
    static final int POOL = 2;

    static RestUpstream legacyOnly;
    static TestGateway gateway;
    static final AtomicInteger opened = new AtomicInteger();
    static final Set<String> ended = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void start() {
        legacyOnly = new RestUpstream().onMessage("POST /mcp", EraBridgeUpstreamSessionsIT::answer)
                .on("DELETE /mcp", request -> {
                    ended.add(request.getHeader("mcp-session-id"));
                    request.response().setStatusCode(200).end();
                });
        Limits limits = Limits.DEFAULT;
        gateway = TestGateway.start(config(), Map.of(), false, Map.of(),
                new Limits(limits.proxy(), limits.admin(), limits.maxSessionsPerEndpoint(), limits.maxSessionsPerClient(),
                        limits.sessionIdleSeconds(), POOL, 1_000, limits.upstreamIdleMs(), false, false,
                        limits.adminHostNames()));
    }

    static String config() {
        return """
                _format_version: "3.0"
                services:
                  - name: legacy-only
                    url: %s/mcp
                    routes:
                      - name: legacy-only
                        paths: [/mcp]
                        plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener, server: {upstream_era: legacy}}}]
                      - name: legacy-too
                        paths: [/also]
                        strip_path: true
                        plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener, server: {upstream_era: legacy}}}]
                """.formatted(legacyOnly.url());
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (legacyOnly != null) {
            legacyOnly.close();
        }
    }

    private static void answer(HttpServerRequest request, JsonNode message) {
        JsonNode script = message.path("params").path("capabilities").path("experimental");
        switch (message.path("method").asText()) {
            case "initialize" -> {
                if (script.has("refuseWith")) {
                    request.response().putHeader("content-type", "application/json").end(Json.text(Json.object()
                            .put("jsonrpc", "2.0").set("id", message.get("id"))) .replaceFirst("}$",
                            ",\"error\":{\"code\":-32600,\"message\":\"" + script.path("refuseWith").asText() + "\"}}"));
                    return;
                }
                String id = "s-" + opened.incrementAndGet() + (script.has("streamInitialized") ? "-streams"
                        : script.has("failInitialized") ? "-fails" : "");
                request.response().putHeader("content-type", "application/json").putHeader("mcp-session-id", id)
                        .end(INITIALIZED.formatted(message.get("id")));
            }
            case "notifications/initialized" -> {
                if (String.valueOf(request.getHeader("mcp-session-id")).endsWith("-fails")) {
                    request.connection().close(); // no answer at all
                } else if (String.valueOf(request.getHeader("mcp-session-id")).endsWith("-streams")) {
                    // an event stream for a notification, never ended: nothing on it is for anyone
                    request.response().setChunked(true).putHeader("content-type", "text/event-stream").write(": open\n\n");
                } else {
                    request.response().setStatusCode(202).end();
                }
            }
            case "tools/list" -> request.response().putHeader("content-type", "application/json")
                    .end(LISTED.formatted(message.get("id")));
            default -> request.response().setStatusCode(202).end();
        }
    }

    /** A tools/list from a client whose declaration is {@code capabilities} and client info {@code info}. */
    private static McpHttp.Response list(ModernHttp modern, String capabilities, String version) {
        ObjectNode body = modern.body("tools/list", "{}", ModernHttp.VERSION, capabilities);
        ((ObjectNode) body.at("/params/_meta/io.modelcontextprotocol~1clientInfo")).put("version", version);
        return modern.send(Json.text(body), modern.headers("tools/list", body.get("params")));
    }

    @Test
    void aServersRefusalOfTheSessionReachesTheClientBoundedToAFewKilobytes() {
        ModernHttp modern = new ModernHttp(gateway.proxy("/mcp"));
        String huge = "refused: " + "x".repeat(1_000_000);
        McpHttp.Response refused = list(modern, "{\"experimental\":{\"refuseWith\":\"" + huge + "\"}}", "1");

        assertThat(refused.status()).isEqualTo(502);
        assertThat(refused.json().at("/error/message").asText()).contains("refused: xxx");
        assertThat(refused.body().length()).as("bytes of the client's error").isLessThan(4_096);
    }

    @Test
    void answersTheBridgeNeverReadsDoNotHoldItsPooledConnections() {
        ModernHttp modern = new ModernHttp(gateway.proxy("/mcp"));
        // each a new session whose notifications/initialized the server answers with a stream it never ends
        for (int i = 0; i < POOL * 4; i++) {
            McpHttp.Response listed = list(modern, "{\"experimental\":{\"streamInitialized\":" + i + "}}", "1");
            assertThat(listed.status()).as("session %d: %s", i, listed).isEqualTo(200);
        }
    }

    @Test
    void clientsDifferingOnlyInTheirVersionShareOneUpstreamSession() {
        ModernHttp modern = new ModernHttp(gateway.proxy("/mcp"));
        int before = opened.get();
        for (int version = 1; version <= 5; version++) {
            McpHttp.Response listed = list(modern, "{\"experimental\":{\"sharing\":true}}", "1." + version);
            assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
        }

        assertThat(opened.get() - before).as("sessions opened at the server").isEqualTo(1);
    }

    @Test
    void aReloadThatKeepsTheRouteAndItsServerKeepsTheUpstreamSession() {
        ModernHttp modern = new ModernHttp(gateway.proxy("/mcp"));
        int before = opened.get();
        assertThat(list(modern, "{\"experimental\":{\"reloaded\":true}}", "1").status()).isEqualTo(200);

        AdminHttp.Response reloaded = new AdminHttp(gateway).postConfig(config() + "consumers: [{username: added}]\n");
        assertThat(reloaded.status()).as(reloaded.body()).isEqualTo(200);
        McpHttp.Response after = list(modern, "{\"experimental\":{\"reloaded\":true}}", "1");

        assertThat(after.status()).as(after.toString()).isEqualTo(200);
        assertThat(opened.get() - before).as("sessions opened at the server").isEqualTo(1);
    }

    @Test
    void aSessionTheBridgeForgetsIsEndedAtTheServer() throws InterruptedException {
        ModernHttp modern = new ModernHttp(gateway.proxy("/mcp"));
        for (int i = 0; i < LegacySessions.MAX_SESSIONS + 3; i++) {
            McpHttp.Response listed = list(modern, "{\"experimental\":{\"many\":" + i + "}}", "1");
            assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
        }

        // the least recently used three (this test's first sessions, or older ones) were forgotten: the server
        // was told, as the caller that opened them
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (ended.size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(ended).as("sessions ended at the server").hasSizeGreaterThanOrEqualTo(3)
                .allMatch(id -> id.startsWith("s-"));
    }

    @Test
    void theGatewayKeepsAtMostItsBoundOfUpstreamSessionsOverAllItsRoutes() throws InterruptedException {
        // clients with large headers, which each kept session holds, on two routes each under the bound
        Map<String, String> filler = Map.of("x-filler", "f".repeat(6_000));
        ModernHttp[] routes = {new ModernHttp(gateway.proxy("/mcp"), filler),
            new ModernHttp(gateway.proxy("/also"), filler)};
        int perRoute = LegacySessions.MAX_SESSIONS / 2 + 100;
        int first = opened.get() + 1;
        for (int i = 0; i < perRoute; i++) {
            for (ModernHttp route : routes) {
                McpHttp.Response listed = list(route, "{\"experimental\":{\"overall\":" + i + "}}", "1");
                assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
            }
        }
        int last = opened.get();

        // the gateway keeps MAX_SESSIONS in all: the rest of this test's own sessions were ended at the server
        int beyond = 2 * perRoute - LegacySessions.MAX_SESSIONS;
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (endedBetween(first, last) < beyond && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(last - first + 1).as("sessions opened").isEqualTo(2 * perRoute);
        assertThat(endedBetween(first, last)).as("this test's sessions ended at the server")
                .isGreaterThanOrEqualTo(beyond);
    }

    @Test
    void callersOfOneRouteVaryingTheirCapabilitiesDoNotPushAnotherRoutesSessionOut() {
        ModernHttp other = new ModernHttp(gateway.proxy("/also"), Map.of());
        String kept = "{\"experimental\":{\"kept\":true}}";
        assertThat(list(other, kept, "1").status()).isEqualTo(200);
        ModernHttp flooding = new ModernHttp(gateway.proxy("/mcp"), Map.of());
        for (int i = 0; i < LegacySessions.MAX_SESSIONS + 10; i++) {
            assertThat(list(flooding, "{\"experimental\":{\"flood\":" + i + "}}", "1").status()).isEqualTo(200);
        }
        int before = opened.get();

        assertThat(list(other, kept, "1").status()).isEqualTo(200);

        assertThat(opened.get()).as("sessions the server opened for the other route's caller again").isEqualTo(before);
    }

    @Test
    void aCallerVaryingItsCapabilitiesDoesNotPushAnotherCallersSessionOfTheSameRouteOut() {
        // the credential each client sends the server tells the callers apart (the route authenticates nobody)
        ModernHttp alice = new ModernHttp(gateway.proxy("/mcp"), Map.of("authorization", "Bearer alice"));
        String kept = "{\"experimental\":{\"mine\":true}}";
        assertThat(list(alice, kept, "1").status()).isEqualTo(200);
        ModernHttp flooding = new ModernHttp(gateway.proxy("/mcp"), Map.of("authorization", "Bearer mallory"));
        for (int i = 0; i < LegacySessions.MAX_PER_SERVER + 10; i++) {
            assertThat(list(flooding, "{\"experimental\":{\"push\":" + i + "}}", "1").status()).isEqualTo(200);
        }
        int before = opened.get();

        assertThat(list(alice, kept, "1").status()).isEqualTo(200);

        assertThat(opened.get()).as("sessions the server opened for alice again").isEqualTo(before);
    }

    /** A server may check a key only when a session opens: two keys are two callers, though the route knows neither. */
    @Test
    void clientsSendingTheServerDifferentKeysDoNotShareAnUpstreamSession() {
        String declared = "{\"experimental\":{\"keyed\":true}}";
        legacyOnly.clear();
        int before = opened.get();
        for (String key : new String[] {"alice-key", "bob-key", "alice-key"}) {
            ModernHttp modern = new ModernHttp(gateway.proxy("/mcp"), Map.of("x-api-key", key));
            assertThat(list(modern, declared, "1").status()).isEqualTo(200);
        }
        ModernHttp queried = new ModernHttp(gateway.proxy("/mcp?api_key=carol-key"));
        assertThat(list(queried, declared, "1").status()).isEqualTo(200);

        assertThat(opened.get() - before).as("sessions opened at the server").isEqualTo(3);
        assertThat(legacyOnly.received()).filteredOn(r -> r.body().contains("\"initialize\""))
                .extracting(r -> r.header("x-api-key") + " " + r.query()).containsExactly("alice-key null", "bob-key null",
                        "null api_key=carol-key");
    }

    @Test
    void aSessionWhoseInitializedNotificationFailsIsEndedAtTheServer() {
        ModernHttp modern = new ModernHttp(gateway.proxy("/mcp"));
        McpHttp.Response failed = list(modern, "{\"experimental\":{\"failInitialized\":true}}", "1");
        assertThat(failed.status()).as(failed.toString()).isEqualTo(502);
        String session = "s-" + opened.get() + "-fails";

        await().atMost(Duration.ofSeconds(10)).until(() -> ended.contains(session));
    }

    /** Clients sending the server different keys are held apart: one varying its query pushes only its own out. */
    @Test
    void aClientVaryingItsQueryDoesNotPushOutTheSessionOfAClientWithAnotherKey() {
        ModernHttp alice = new ModernHttp(gateway.proxy("/mcp"), Map.of("x-api-key", "alice-key"));
        String kept = "{\"experimental\":{\"heldApart\":true}}";
        assertThat(list(alice, kept, "1").status()).isEqualTo(200);
        for (int i = 0; i < LegacySessions.MAX_PER_CALLER + 10; i++) {
            ModernHttp busting = new ModernHttp(URI.create(gateway.proxy("/mcp") + "?n=" + i),
                    Map.of("x-api-key", "mallory-key"));
            assertThat(list(busting, kept, "1").status()).isEqualTo(200);
        }
        int before = opened.get();

        assertThat(list(alice, kept, "1").status()).isEqualTo(200);

        assertThat(opened.get()).as("sessions the server opened for alice again").isEqualTo(before);
    }

    /** A server's key may come in a header of its own naming: two keys are two sessions all the same. */
    @Test
    void clientsSendingTheServerDifferentKeysInAHeaderOfItsOwnNamingDoNotShareAnUpstreamSession() {
        int before = opened.get();
        for (String key : new String[] {"alice", "bob"}) {
            ModernHttp modern = new ModernHttp(gateway.proxy("/mcp"), Map.of("private-token", key));
            assertThat(list(modern, "{\"experimental\":{\"ownNaming\":true}}", "1").status()).isEqualTo(200);
        }

        assertThat(opened.get() - before).as("sessions opened at the server").isEqualTo(2);
    }

    @Test
    void aHeaderThatVariesWithEachRequestOpensNoSessionOfItsOwn() {
        int before = opened.get();
        for (int i = 0; i < 5; i++) {
            ModernHttp modern = new ModernHttp(gateway.proxy("/mcp"), Map.of("idempotency-key", "request-" + i,
                    "x-request-id", "r" + i));
            assertThat(list(modern, "{\"experimental\":{\"idempotent\":true}}", "1").status()).isEqualTo(200);
        }

        assertThat(opened.get() - before).as("sessions opened at the server").isEqualTo(1);
    }

    @Test
    void capabilitiesTheServerIsNotToldOfOpenNoSessionOfTheirOwn() {
        ModernHttp modern = new ModernHttp(gateway.proxy("/mcp"));
        int before = opened.get();
        for (int i = 0; i < 5; i++) {
            McpHttp.Response listed = list(modern, "{\"experimental\":{\"same\":true},\"x-made-up\":" + i + "}", "1");
            assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
        }

        assertThat(opened.get() - before).as("sessions opened at the server").isEqualTo(1);
    }

    private static long endedBetween(int first, int last) {
        return ended.stream().map(id -> Integer.parseInt(id.substring(2).replace("-streams", "").replace("-fails", "")))
                .filter(n -> n >= first && n <= last).count();
    }
}
