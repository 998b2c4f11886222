package dev.toolgate.mode.passthrough;

import dev.toolgate.mcp.SseEvent;
import dev.toolgate.testing.RawConnection;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reload that removes a passthrough route ends the server streams relayed on it (GET streams and POSTs
 * answered with SSE); one that keeps it with other policies (an authentication plugin added, another upstream)
 * ends its GET streams, and one that changes only consumers the GET streams of the callers it changed: the
 * client's stream ends cleanly, so it reconnects and meets the new configuration, and the server's request is
 * closed. A POST's answer on a kept route finishes under the policies that admitted it, and streams of the
 * routes a reload leaves as they were go on. A GET stream of a kept route is told when to reconnect (an SSE
 * {@code retry} field, between two events) before it ends; one whose route is gone is not.
 */
@Timeout(60)
class ReloadedRouteStreamsIT {

    static final String EVENT = "data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"level\":\"info\","
            + "\"data\":\"tick\"}}\n\n";

    /** Cuts the streams that should have ended (its one thread is virtual: it keeps no test JVM alive). */
    static final ScheduledExecutorService CUTTER = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().factory());

    Vertx vertx;
    HttpServer server;
    TestGateway gateway;
    /** When the server's request for each path (its last segment) closed. */
    final Map<String, CompletableFuture<Void>> closed = new ConcurrentHashMap<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(this::stream).listen(0, "127.0.0.1").await();
        gateway = TestGateway.start(config(true));
    }

    @AfterEach
    void stop() {
        gateway.close();
        vertx.close().await();
    }

    String config(boolean withGone) {
        return config(withGone, "", "");
    }

    /**
     * The routes {@code kept} and, {@code withGone}, {@code gone}; {@code keptPlugins} are more plugins of the kept
     * route (YAML list items, indented for it), {@code rest} more top-level entities.
     */
    String config(boolean withGone, String keptPlugins, String rest) {
        String gone = """
                      - name: gone
                        paths: [/gone]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                """;
        return """
                _format_version: "3.0"
                services:
                  - name: streams
                    url: http://127.0.0.1:%d
                    routes:
                      - name: kept
                        paths: [/kept]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                %s%s%s""".formatted(server.actualPort(), keptPlugins, withGone ? gone : "", rest);
    }

    /** A long tool call's result: the last event of a path ending in {@code -call}, after {@link #CALL_MS}. */
    static final String RESULT = "data: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[{\"type\":\"text\","
            + "\"text\":\"done\"}]}}\n\n";
    static final long CALL_MS = 3_000;

    /** The first lines of an event whose server then goes quiet, in the middle of it. */
    static final String HALF = "event: message\ndata: {\"jsonrpc\":\"2.0\",";

    /** What a stream the gateway ends for its client to open again ends with. */
    static final String RETRY = "retry: " + SseEvent.RECONNECT_AFTER_MS + "\n\n";

    /**
     * Every path is an SSE stream with an event every 100 ms, until its request closes; one ending in {@code -call}
     * is a long tool call's answer, which ends with its result after {@link #CALL_MS}; one ending in {@code -half}
     * sends its first event and {@link #HALF}, then nothing.
     */
    private void stream(HttpServerRequest request) {
        String name = request.path().substring(request.path().lastIndexOf('/') + 1);
        CompletableFuture<Void> closedAt = closed.computeIfAbsent(name, p -> new CompletableFuture<>());
        HttpServerResponse response = request.response();
        response.setChunked(true).putHeader("content-type", "text/event-stream").write(EVENT);
        if (name.endsWith("-half")) {
            response.write(HALF);
            response.closeHandler(v -> closedAt.complete(null));
            return;
        }
        long timer = vertx.setPeriodic(100, id -> {
            if (!response.closed()) {
                response.write(EVENT);
            }
        });
        if (name.endsWith("-call")) {
            vertx.setTimer(CALL_MS, id -> {
                vertx.cancelTimer(timer);
                if (!response.closed()) {
                    response.end(RESULT);
                }
            });
        }
        response.closeHandler(v -> {
            vertx.cancelTimer(timer);
            closedAt.complete(null);
        });
    }

    /** A stream opened with {@code headers} more (an {@code apikey}), past its first event. */
    private RawConnection open(String method, String path, String... headers) throws Exception {
        int port = gateway.gateway().proxyPort();
        byte[] body = method.equals("POST")
                ? "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"t\"}}".getBytes(StandardCharsets.UTF_8)
                : null;
        List<String> head = new java.util.ArrayList<>(List.of("Host: 127.0.0.1:" + port,
                "Accept: application/json, text/event-stream", "Content-Type: application/json"));
        head.addAll(List.of(headers));
        RawConnection http = RawConnection.connect(port, 0);
        http.send(method, path, head, body);
        assertThat(http.head().status()).isEqualTo(200);
        assertThat(http.readUntil("\n\n")).contains("notifications/message");
        return http;
    }

    /**
     * The rest of a stream that must end: up to its last chunk, so it ended rather than was cut off (reading
     * throws when the connection ends first). The server writes every 100 ms, so a read timeout would never
     * come: a stream still open after 10 s is cut here, which fails the test rather than holds it.
     */
    private static RawConnection.Response ended(RawConnection http) {
        ScheduledFuture<?> cut = CUTTER.schedule(() -> {
            try {
                http.socket().close();
            } catch (java.io.IOException e) {
                // closed already
            }
        }, 10, TimeUnit.SECONDS);
        try {
            return http.readAll();
        } finally {
            cut.cancel(false);
        }
    }

    private void reload(String yaml) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(gateway.admin("/config"))
                .POST(HttpRequest.BodyPublishers.ofString(yaml)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    void aReloadThatRemovesTheRouteEndsItsGetAndPostStreamsAndClosesTheServersRequests() throws Exception {
        try (RawConnection get = open("GET", "/gone/gone-get");
             RawConnection post = open("POST", "/gone/gone-post");
             RawConnection kept = open("GET", "/kept/kept-get")) {
            reload(config(false));
            assertThat(ended(get).status()).isEqualTo(200);
            assertThat(ended(post).status()).isEqualTo(200);
            closed.get("gone-get").get(5, TimeUnit.SECONDS);
            closed.get("gone-post").get(5, TimeUnit.SECONDS);
            assertThat(kept.readUntil("\n\n")).as("the kept route's stream goes on").contains("notifications/message");
            assertThat(closed.get("kept-get")).isNotDone();
        }
    }

    @Test
    void aStreamWhoseRouteAReloadRemovedEndsWithoutAskingItsClientToReconnect() throws Exception {
        try (RawConnection get = open("GET", "/gone/removed-get");
             RawConnection post = open("POST", "/gone/removed-post")) {
            reload(config(false));
            assertThat(ended(get).text()).as("nothing serves the route: no client is asked back").doesNotContain("retry:");
            assertThat(ended(post).text()).doesNotContain("retry:");
            closed.get("removed-get").get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aGetStreamEndedByAReloadThatChangesItsRouteEndsWithARetryFieldAfterAWholeEvent() throws Exception {
        try (RawConnection get = open("GET", "/kept/retry-get")) {
            reload(config(false).replace("url: http://127.0.0.1:", "url: http://localhost:"));
            String rest = ended(get).text();
            assertThat(rest).as("the stream's last bytes").endsWith(RETRY);
            String before = rest.substring(0, rest.length() - RETRY.length());
            assertThat(before.isEmpty() || before.endsWith("\n\n")).as("between two events: %s", before).isTrue();
            closed.get("retry-get").get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aGetStreamEndedInTheMiddleOfAServerEventEndsWithoutARetryFieldThatWouldJoinTheEvent() throws Exception {
        try (RawConnection get = open("GET", "/kept/cut-half")) {
            assertThat(get.readUntil(HALF)).as("relayed up to the unfinished event").isEqualTo(HALF);
            reload(config(false, KEY_AUTH, ""));
            assertThat(ended(get).text()).as("nothing written into the server's event").isEmpty();
            closed.get("cut-half").get(5, TimeUnit.SECONDS);
        }
    }

    static final String KEY_AUTH = """
                          - name: key-auth
                            config: {key_names: [apikey]}
                """;

    @Test
    void aReloadThatAddsKeyAuthToAKeptRouteEndsItsGetStreamsAndLetsAStreamedCallFinishWithItsResult() throws Exception {
        try (RawConnection get = open("GET", "/kept/auth-get");
             RawConnection post = open("POST", "/kept/auth-call");
             RawConnection other = open("GET", "/gone/other-get")) {
            reload(config(true, KEY_AUTH, """
                    consumers:
                      - {username: alice, keyauth_credentials: [{key: alice-key}]}
                    """));
            assertThat(ended(get).status()).isEqualTo(200);
            closed.get("auth-get").get(5, TimeUnit.SECONDS);
            RawConnection.Response call = ended(post);
            assertThat(call.text()).as("the call admitted before the reload is answered").endsWith(RESULT);
            assertThat(other.readUntil("\n\n")).as("the unchanged route's stream goes on").contains("notifications/message");
            assertThat(closed.get("other-get")).isNotDone();
        }
        // the client reconnecting meets the new policy
        try (RawConnection again = RawConnection.connect(gateway.gateway().proxyPort(), 0)) {
            again.send("GET", "/kept/auth-get", List.of("Host: 127.0.0.1", "Accept: text/event-stream"), null);
            assertThat(again.head().status()).isEqualTo(401);
        }
    }

    static final String ALICE_AND_BOB = """
            consumers:
              - {username: alice, keyauth_credentials: [{key: alice-key}]}
              - {username: bob, keyauth_credentials: [{key: bob-key}]}
            """;

    @Test
    void anUnrelatedConsumerAddedLeavesAlicesStreamedCallToFinishWithItsResultAndHerGetStreamOpen() throws Exception {
        gateway.close();
        gateway = TestGateway.start(config(false, KEY_AUTH, """
                consumers:
                  - {username: alice, keyauth_credentials: [{key: alice-key}]}
                """));
        try (RawConnection get = open("GET", "/kept/alice-get", "apikey: alice-key");
             RawConnection post = open("POST", "/kept/alice-call", "apikey: alice-key")) {
            reload(config(false, KEY_AUTH, ALICE_AND_BOB));
            assertThat(ended(post).text()).as("alice's call is answered").endsWith(RESULT);
            get.socket().setSoTimeout(10_000);
            for (int i = 0; i < 10; i++) {
                assertThat(get.readUntil("\n\n")).contains("notifications/message");
            }
            assertThat(closed.get("alice-get")).as("alice's GET stream goes on").isNotDone();
        }
    }

    @Test
    void changingAlicesKeyEndsHerGetStreamAndLeavesBobsOpen() throws Exception {
        gateway.close();
        gateway = TestGateway.start(config(false, KEY_AUTH, ALICE_AND_BOB));
        try (RawConnection alice = open("GET", "/kept/alice-get", "apikey: alice-key");
             RawConnection bob = open("GET", "/kept/bob-get", "apikey: bob-key")) {
            reload(config(false, KEY_AUTH, ALICE_AND_BOB.replace("alice-key", "alice-new-key")));
            assertThat(ended(alice).status()).isEqualTo(200);
            closed.get("alice-get").get(5, TimeUnit.SECONDS);
            bob.socket().setSoTimeout(10_000);
            for (int i = 0; i < 10; i++) {
                assertThat(bob.readUntil("\n\n")).contains("notifications/message");
            }
            assertThat(closed.get("bob-get")).as("bob's GET stream goes on").isNotDone();
        }
    }

    @Test
    void aReloadThatChangesTheConsumersAKeptRoutesKeyAuthKnowsEndsItsStreams() throws Exception {
        gateway.close();
        gateway = TestGateway.start(config(false, KEY_AUTH, """
                consumers:
                  - {username: alice, keyauth_credentials: [{key: alice-key}]}
                """));
        try (RawConnection get = openWithKey("/kept/revoked-get")) {
            reload(config(false, KEY_AUTH, """
                    consumers:
                      - {username: bob, keyauth_credentials: [{key: bob-key}]}
                    """));
            assertThat(ended(get).status()).isEqualTo(200);
            closed.get("revoked-get").get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aReloadThatChangesAKeptRoutesUpstreamEndsItsStreams() throws Exception {
        try (RawConnection get = open("GET", "/kept/moved-get")) {
            reload(config(false).replace("url: http://127.0.0.1:", "url: http://localhost:"));
            assertThat(ended(get).status()).isEqualTo(200);
            closed.get("moved-get").get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aReloadThatLeavesAKeptRouteAsItWasKeepsItsStreamsOpen() throws Exception {
        try (RawConnection get = open("GET", "/kept/same-get");
             RawConnection post = open("POST", "/kept/same-post")) {
            // the other route goes and a consumer comes: nothing the kept route, without authentication, runs with
            reload(config(false, "", """
                    consumers:
                      - {username: carol, keyauth_credentials: [{key: carol-key}]}
                    """));
            get.socket().setSoTimeout(10_000);
            post.socket().setSoTimeout(10_000);
            Thread.sleep(500);
            assertThat(closed.get("same-get")).isNotDone();
            assertThat(closed.get("same-post")).isNotDone();
            // events sent after the reload still arrive (the server sends one every 100 ms)
            for (int i = 0; i < 20; i++) {
                assertThat(get.readUntil("\n\n")).contains("notifications/message");
                assertThat(post.readUntil("\n\n")).contains("notifications/message");
            }
            assertThat(closed.get("same-get")).isNotDone();
            assertThat(closed.get("same-post")).isNotDone();
        }
    }

    @Test
    void aReloadThatAddsOnlyGlobalLogAndMetricsPluginsKeepsAKeptRoutesGetStreamOpen() throws Exception {
        java.nio.file.Path log = java.nio.file.Files.createTempFile("toolgate-relayed", ".log");
        try (RawConnection get = open("GET", "/kept/logged-get")) {
            // they judge no caller and change nothing of what is relayed
            reload(config(true, "", """
                    plugins:
                      - name: prometheus
                      - name: file-log
                        config: {path: %s}
                    """.formatted(log)));
            get.socket().setSoTimeout(10_000);
            Thread.sleep(500);
            for (int i = 0; i < 10; i++) {
                assertThat(get.readUntil("\n\n")).contains("notifications/message");
            }
            assertThat(closed.get("logged-get")).isNotDone();
        }
    }

    private RawConnection openWithKey(String path) throws Exception {
        int port = gateway.gateway().proxyPort();
        RawConnection http = RawConnection.connect(port, 0);
        http.send("GET", path, List.of("Host: 127.0.0.1:" + port, "Accept: text/event-stream", "apikey: alice-key"), null);
        assertThat(http.head().status()).isEqualTo(200);
        assertThat(http.readUntil("\n\n")).contains("notifications/message");
        return http;
    }
}
