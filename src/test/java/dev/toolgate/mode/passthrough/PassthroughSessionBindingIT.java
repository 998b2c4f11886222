package dev.toolgate.mode.passthrough;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.Limits;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.CapturedLog;
import dev.toolgate.testing.JavaSdkServer;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RedisServer;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static dev.toolgate.testing.McpAssertions.assertRpcError;
import static dev.toolgate.testing.McpAssertions.assertRpcErrorStartingWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A passthrough route that authenticates binds the server's session to the consumer that opened it: another
 * consumer, or an anonymous caller, presenting the id is answered as for an unknown session (404) and nothing
 * reaches the server; the owner goes on. With each way the gateway shares sessions: Redis shared by two
 * instances, and ids that carry the binding sealed ({@code strategy: client}); without a strategy nothing is bound,
 * so that instances behind a balancer serve each other's sessions as before. The server is the official Java
 * SDK's, which records every request it receives.
 */
@Timeout(120)
class PassthroughSessionBindingIT {

    static final String VERSION = "2025-11-25";
    static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";
    static final String ECHO = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\","
            + "\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\"not yours\"}}}";
    static final String SEALED = "{strategy: client, client: {secrets: [binding-secret]}}";
    static final String UNKNOWN = "Session not found: it expired or was terminated; send initialize to start a new one";

    static JavaSdkServer server;
    private TestGateway first;
    private TestGateway second;
    private RedisServer redis;

    @BeforeAll
    static void startServer() {
        server = JavaSdkServer.start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void clear() {
        server.clear();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {first, second, redis}) {
            if (c != null) {
                c.close();
            }
        }
    }

    /** Sessions kept in {@link #redis} (started by the test). */
    private String shared() {
        return "{strategy: redis, redis: " + redis.block() + "}";
    }

    static String config(String session) {
        return """
                _format_version: "3.0"
                services:
                  - name: java-sdk-server
                    url: %s
                    routes:
                      - name: bound
                        paths: [/bound]
                        plugins:
                          - {name: key-auth}
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener, server: {session: %s}}
                      - name: guests
                        paths: [/guests]
                        plugins:
                          - {name: key-auth, config: {anonymous: guest}}
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener, server: {session: %s}}
                      - name: limited
                        paths: [/limited]
                        plugins:
                          - {name: key-auth}
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener, tool_limits: {hour: 1}, server: {session: %s}}
                      - name: open
                        paths: [/open]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener, server: {session: %s}}
                consumers:
                  - {username: guest}
                  - {username: alice, keyauth_credentials: [{key: alice-key}]}
                  - {username: bob, keyauth_credentials: [{key: bob-key}]}
                """.formatted(server.mcp(), session, session, session, session);
    }

    private static McpHttp as(TestGateway gateway, String path, String key, String session) {
        McpHttp mcp = new McpHttp(gateway.proxy(path), key == null ? Map.of() : Map.of("apikey", key));
        mcp.sessionId(session);
        return mcp;
    }

    private static McpHttp opened(TestGateway gateway, String path, String key) {
        McpHttp mcp = as(gateway, path, key, null);
        assertThat(mcp.initialize(VERSION).status()).isEqualTo(200);
        assertThat(mcp.sessionId()).isNotNull();
        return mcp;
    }

    private static McpHttp.Response stream(McpHttp mcp) {
        return mcp.send("GET", null, Map.of("accept", "text/event-stream", "mcp-session-id", mcp.sessionId(),
                "mcp-protocol-version", VERSION));
    }

    private static McpHttp.Response delete(McpHttp mcp) {
        return mcp.send("DELETE", null, Map.of("mcp-session-id", mcp.sessionId(), "mcp-protocol-version", VERSION));
    }

    private static JsonNode parse(String line) {
        try {
            return Json.parse(line.getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(line, e);
        }
    }

    /** The session id the server received last. */
    private static String upstreamSessionId() {
        return server.requests().getLast().header("mcp-session-id");
    }

    @Test
    void anotherConsumerPresentingASessionIdGets404ForPostStreamAndDeleteAndTheServerHearsNoneOfIt() {
        first = TestGateway.start(config(SEALED));
        McpHttp alice = opened(first, "/bound", "alice-key");
        assertThat(alice.post(LIST).status()).isEqualTo(200);
        server.clear();

        McpHttp bob = as(first, "/bound", "bob-key", alice.sessionId());
        assertRpcError(bob.post(LIST), 404, -32001, UNKNOWN);
        assertRpcError(stream(bob), 404, -32001, UNKNOWN);
        assertRpcError(delete(bob), 404, -32001, UNKNOWN);
        assertThat(server.requests()).as("what the server received from bob").isEmpty();

        assertThat(alice.call("echo", "{\"message\":\"still mine\"}").path("content").get(0).path("text").asText())
                .isEqualTo("Echo: still mine");
        // the SDK's server sends a stream's head with its first event: that the GET reached it is what shows
        server.clear();
        CompletableFuture<?> events = HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(first.proxy("/bound"))
                .header("accept", "text/event-stream").header("mcp-session-id", alice.sessionId())
                .header("mcp-protocol-version", VERSION).header("apikey", "alice-key").GET().build(),
                HttpResponse.BodyHandlers.discarding());
        try {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(server.requests())
                    .extracting(JavaSdkServer.Received::method).contains("GET"));
        } finally {
            events.cancel(true);
        }
    }

    @Test
    void aCallRefusedForAnotherConsumersSessionSpendsNothingOfTheCallersToolLimit() {
        first = TestGateway.start(config(SEALED));
        McpHttp alice = opened(first, "/limited", "alice-key");
        server.clear();

        McpHttp intruder = as(first, "/limited", "bob-key", alice.sessionId());
        assertRpcError(intruder.post(ECHO), 404, -32001, UNKNOWN);
        assertThat(server.calls()).isEmpty();

        // one call an hour: bob's first call in his own session is his first
        McpHttp bob = opened(first, "/limited", "bob-key");
        assertThat(bob.call("echo", "{\"message\":\"mine\"}").path("content").get(0).path("text").asText())
                .isEqualTo("Echo: mine");
    }

    /**
     * A batch opening with {@code initialize} goes as it is to a server found to speak the legacy era, after the
     * route's policies; the session it names is checked before them all the same.
     */
    @Test
    void aBatchOpeningASessionInAnotherConsumersSessionSpendsNothingOfTheCallersToolLimit() {
        first = TestGateway.start(config(SEALED));
        McpHttp alice = opened(first, "/limited", "alice-key");
        server.clear();

        McpHttp intruder = as(first, "/limited", "bob-key", alice.sessionId());
        String initialize = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\""
                + VERSION + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
        assertRpcError(intruder.post("[" + initialize + "," + ECHO + "]"), 404, -32001, UNKNOWN);
        assertThat(server.calls()).isEmpty();

        McpHttp bob = opened(first, "/limited", "bob-key");
        assertThat(bob.call("echo", "{\"message\":\"mine\"}").path("content").get(0).path("text").asText())
                .isEqualTo("Echo: mine");
    }

    @Test
    void theServersOwnSessionIdIsUnknownThroughTheGatewayToItsOwnerAndToAnotherConsumer() {
        first = TestGateway.start(config(SEALED));
        McpHttp alice = opened(first, "/bound", "alice-key");
        assertThat(alice.post(LIST).status()).isEqualTo(200);
        String upstream = upstreamSessionId();
        assertThat(upstream).as("the id the server knows its session by").isNotNull().isNotEqualTo(alice.sessionId());
        server.clear();

        assertRpcError(as(first, "/bound", "bob-key", upstream).post(LIST), 404, -32001, UNKNOWN);
        assertRpcError(as(first, "/bound", "alice-key", upstream).post(LIST), 404, -32001, UNKNOWN);
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void anAnonymousCallerPresentingAConsumersSessionIdGets404AndTheServerHearsNothing() {
        first = TestGateway.start(config(SEALED));
        McpHttp alice = opened(first, "/guests", "alice-key");
        server.clear();

        assertRpcError(as(first, "/guests", null, alice.sessionId()).post(LIST), 404, -32001, UNKNOWN);
        assertThat(server.requests()).isEmpty();
        assertThat(alice.post(LIST).status()).isEqualTo(200);
    }

    @Test
    void aSessionItsOwnerDeletedIsUnknownAtTheGatewayWhichNoLongerAsksTheServer() {
        first = TestGateway.start(config(SEALED));
        McpHttp alice = opened(first, "/bound", "alice-key");
        assertThat(delete(alice).status()).isBetween(200, 204);
        server.clear();

        assertRpcError(alice.post(LIST), 404, -32001, UNKNOWN);
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void aSessionUnusedForTheIdleTimeoutIsUnknownWhileOneWithAnOpenStreamLivesOn() throws Exception {
        Limits idle = new Limits(Limits.DEFAULT.proxy(), Limits.DEFAULT.admin(), 100_000, 1_000, 2, 256, 5_000,
                false, false, java.util.List.of());
        redis = RedisServer.start();
        first = TestGateway.start(config(shared()), Map.of(), false, Map.of(), idle);
        McpHttp listening = opened(first, "/bound", "alice-key");
        McpHttp quiet = opened(first, "/bound", "alice-key");
        CompletableFuture<?> events = HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(first.proxy("/bound"))
                .header("accept", "text/event-stream").header("mcp-session-id", listening.sessionId())
                .header("mcp-protocol-version", VERSION).header("apikey", "alice-key").GET().build(),
                HttpResponse.BodyHandlers.discarding());
        try {
            Thread.sleep(5_000);
            assertThat(listening.post(LIST).status()).as("the session whose stream is open").isEqualTo(200);
            assertRpcError(quiet.post(LIST), 404, -32001, UNKNOWN);
        } finally {
            events.cancel(true);
        }
    }

    @Test
    void anInitializeBeyondTheSessionCapIs503AndTheServersSessionIsEndedWithTheVersionAskedFor() {
        Limits onePerClient = new Limits(Limits.DEFAULT.proxy(), Limits.DEFAULT.admin(), 100_000, 1, 3_600, 256,
                5_000, false, false, java.util.List.of());
        redis = RedisServer.start();
        first = TestGateway.start(config(shared()), Map.of(), false, Map.of(), onePerClient);
        opened(first, "/bound", "alice-key");
        server.clear();

        McpHttp.Response refused = as(first, "/bound", "bob-key", null).initialize(VERSION);

        assertThat(refused.status()).isEqualTo(503);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(server.requests())
                .filteredOn(r -> r.method().equals("DELETE"))
                .singleElement().satisfies(r -> assertThat(r.header("mcp-protocol-version")).isEqualTo(VERSION)));
    }

    @Test
    void anInitializeTheStoreRefusesLogsNoErrorForTheServersAnswerTheGatewayCutOff() {
        Limits onePerClient = new Limits(Limits.DEFAULT.proxy(), Limits.DEFAULT.admin(), 100_000, 1, 3_600, 256,
                5_000, false, false, java.util.List.of());
        redis = RedisServer.start();
        first = TestGateway.start(config(shared()), Map.of(), false, Map.of(), onePerClient);
        opened(first, "/bound", "alice-key");
        server.clear();

        try (CapturedLog log = CapturedLog.everything()) {
            for (int i = 0; i < 3; i++) {
                assertThat(as(first, "/bound", "bob-key", null).initialize(VERSION).status()).isEqualTo(503);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> server.requests().stream()
                    .filter(r -> r.method().equals("DELETE")).count() == 3);
            // the resets arrive after the server's answer: a moment for their lines, had there been any
            await().pollDelay(Duration.ofMillis(500)).until(() -> true);
            assertThat(log.since(0)).as("lines at ERROR").noneMatch(line -> line.getLevel() == Level.ERROR);
            assertThat(log.text()).doesNotContain("Stream reset");
        }
    }

    @Test
    void anInitializeBeyondTheSessionCapIsLoggedWithTheRefusalItsClientGot() throws Exception {
        Limits onePerClient = new Limits(Limits.DEFAULT.proxy(), Limits.DEFAULT.admin(), 100_000, 1, 3_600, 256,
                5_000, false, false, java.util.List.of());
        Path logFile = Files.createTempDirectory("file-log").resolve("toolgate.log");
        redis = RedisServer.start();
        String logged = config(shared()).replace("config: {mode: passthrough-listener, server:",
                "config: {mode: passthrough-listener, logging: {log_statistics: true}, server:")
                + "plugins:\n  - {name: file-log, config: {path: " + logFile + "}}\n";
        first = TestGateway.start(logged, Map.of(), false, Map.of(), onePerClient);
        opened(first, "/bound", "alice-key");

        McpHttp.Response refused = as(first, "/bound", "bob-key", null).initialize(VERSION);

        assertRpcErrorStartingWith(refused, 503, -32000, "Service Unavailable: this client address has as many live sessions");
        JsonNode[] entry = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(logFile) && Files.readAllLines(logFile).stream()
                .map(PassthroughSessionBindingIT::parse)
                .filter(e -> e.path("response").path("status").asInt() == 503)
                .map(e -> e.path("ai").path("mcp").path("rpc").path(0))
                .filter(r -> r.path("method").asText().equals("initialize")).peek(r -> entry[0] = r)
                .findFirst().isPresent());
        assertThat(entry[0].path("error").asText())
                .startsWith("Service Unavailable: this client address has as many live sessions");
    }

    @Test
    void anInitializeSentInABoundSessionGivesTheClientTheNewSessionsId() {
        first = TestGateway.start(config(SEALED));
        McpHttp alice = opened(first, "/bound", "alice-key");
        String old = alice.sessionId();

        // the client sends its id along, as some do; the server opens a new session all the same
        assertThat(alice.initialize(VERSION).status()).isEqualTo(200);

        assertThat(alice.sessionId()).isNotNull().isNotEqualTo(old);
        server.clear();
        assertThat(alice.post(LIST).status()).isEqualTo(200);
        assertThat(upstreamSessionId()).as("the new session's id at the server").isNotEqualTo(old);
    }

    @Test
    void onARouteWithoutAuthenticationTheClientHasTheServersOwnSessionId() {
        first = TestGateway.start(config(SEALED));
        McpHttp anyone = opened(first, "/open", null);
        assertThat(anyone.post(LIST).status()).isEqualTo(200);
        assertThat(upstreamSessionId()).isEqualTo(anyone.sessionId());
    }

    @Test
    void withoutASessionStrategyTheServersOwnIdGoesThroughAndAnotherInstanceServesIt() {
        // kept in one process, a binding would be unknown to the instance a balancer sends the next request to
        first = TestGateway.start(config("{}"));
        second = TestGateway.start(config("{}"));
        McpHttp alice = opened(first, "/bound", "alice-key");

        assertThat(as(second, "/bound", "alice-key", alice.sessionId()).post(LIST).status()).isEqualTo(200);
        assertThat(upstreamSessionId()).isEqualTo(alice.sessionId());
    }

    @Test
    void withRedisBothInstancesServeTheOwnerAndRefuseAnotherConsumerAndADeleteEndsItOnBoth() {
        redis = RedisServer.start();
        String config = config(shared());
        first = TestGateway.start(config);
        second = TestGateway.start(config);
        McpHttp alice = opened(first, "/bound", "alice-key");
        assertThat(as(second, "/bound", "alice-key", alice.sessionId()).post(LIST).status()).isEqualTo(200);
        server.clear();

        assertRpcError(as(second, "/bound", "bob-key", alice.sessionId()).post(LIST), 404, -32001, UNKNOWN);
        assertRpcError(as(first, "/bound", "bob-key", alice.sessionId()).post(LIST), 404, -32001, UNKNOWN);
        assertThat(server.requests()).isEmpty();

        assertThat(delete(as(second, "/bound", "alice-key", alice.sessionId())).status()).isBetween(200, 204);
        server.clear();
        assertRpcError(alice.post(LIST), 404, -32001, UNKNOWN);
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void withSealedIdsBothInstancesServeTheOwnerAndRefuseAnotherConsumer() {
        String config = config(SEALED);
        first = TestGateway.start(config);
        second = TestGateway.start(config);
        McpHttp alice = opened(first, "/bound", "alice-key");
        assertThat(alice.sessionId()).startsWith("t1.");
        assertThat(as(second, "/bound", "alice-key", alice.sessionId()).post(LIST).status()).isEqualTo(200);
        server.clear();

        assertRpcError(as(second, "/bound", "bob-key", alice.sessionId()).post(LIST), 404, -32001, UNKNOWN);
        assertRpcError(stream(as(first, "/bound", "bob-key", alice.sessionId())), 404, -32001, UNKNOWN);
        assertThat(server.requests()).isEmpty();

        // without a redis the instance that saw the DELETE remembers it (the server forgot it for every instance)
        assertThat(delete(alice).status()).isBetween(200, 204);
        server.clear();
        assertRpcError(alice.post(LIST), 404, -32001, UNKNOWN);
        assertThat(server.requests()).isEmpty();
    }
}
