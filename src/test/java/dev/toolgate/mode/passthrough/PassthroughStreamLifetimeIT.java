package dev.toolgate.mode.passthrough;

import dev.toolgate.testing.RawConnection;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How long a relayed stream lives when nothing on it says to end: a quiet stream gets the gateway's
 * keepalive comments between events (so that a client that vanished fails a write), and a bound session's
 * GET stream ends with its binding. The upstream answers each stream's head and one event, then stays quiet.
 */
@Timeout(120)
class PassthroughStreamLifetimeIT {

    static final String EVENT = "id: 1\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\"}\n\n";
    static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";

    static final String HALF = "event: message\r\ndata: {\"jsonrpc\":\"2.0\",";
    static final String REST = "\"method\":\"notifications/message\"}\r\n\r\n" + EVENT;

    static Vertx vertx;
    static HttpServer server;
    static TestGateway gateway;
    static int port;
    /** When each upstream path's connection closed. */
    static final Map<String, CompletableFuture<Long>> closed = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(PassthroughStreamLifetimeIT::handle).listen(0, "127.0.0.1")
                .await();
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: bound
                    url: http://127.0.0.1:%1$d/bound
                    routes:
                      - name: bound
                        paths: [/bound]
                        plugins:
                          - {name: key-auth}
                          - name: ai-mcp-proxy
                            config:
                              mode: passthrough-listener
                              server: {session: {strategy: client, session_ttl: 2, client: {secrets: [binding-secret]}}}
                  - name: open
                    url: http://127.0.0.1:%1$d
                    routes:
                      - name: open
                        paths: [/up]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                consumers:
                  - {username: alice, keyauth_credentials: [{key: alice-key}]}
                """.formatted(server.actualPort()));
        port = gateway.gateway().proxyPort();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (vertx != null) {
            vertx.close().await();
        }
    }

    private static void handle(HttpServerRequest request) {
        HttpServerResponse response = request.response();
        if (request.method() == HttpMethod.POST) {
            response.putHeader("content-type", "application/json").putHeader("mcp-session-id", "upstream-1")
                    .end("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                            + "\"serverInfo\":{\"name\":\"quiet\",\"version\":\"1\"}}}");
            return;
        }
        CompletableFuture<Long> closedAt = closed.computeIfAbsent(request.path(), p -> new CompletableFuture<>());
        request.connection().closeHandler(v -> closedAt.complete(System.nanoTime()));
        response.closeHandler(v -> closedAt.complete(System.nanoTime()));
        response.setChunked(true).putHeader("content-type", "text/event-stream");
        if (request.path().equals("/half")) {
            // an event's first line, and its end only after the gateway's keepalive interval has passed
            response.write(HALF);
            long timer = vertx.setTimer(StreamKeepalive.QUIET_MS + 7_000, id -> response.write(REST));
            response.closeHandler(v -> vertx.cancelTimer(timer));
        } else {
            response.write(EVENT);
        }
    }

    private static String sessionOpened() {
        RawConnection.Response opened = RawConnection.exchange(port, "POST", "/bound", List.of("Host: 127.0.0.1",
                "apikey: alice-key", "content-type: application/json", "accept: application/json, text/event-stream"),
                INITIALIZE.getBytes(StandardCharsets.UTF_8));
        assertThat(opened.status()).as(opened.toString()).isEqualTo(200);
        return opened.header("mcp-session-id");
    }

    @Test
    void aBoundGetStreamEndsWhenItsSessionBindingExpiresAndTheUpstreamRequestIsClosed() throws Exception {
        String session = sessionOpened();
        try (RawConnection http = RawConnection.connect(port, 0)) {
            http.send("GET", "/bound", List.of("Host: 127.0.0.1", "apikey: alice-key", "accept: text/event-stream",
                    "mcp-session-id: " + session, "mcp-protocol-version: 2025-11-25"), null);
            assertThat(http.head().status()).isEqualTo(200);
            assertThat(http.readUntil("\n\n")).contains("notifications/message");
            http.socket().setSoTimeout(10_000);
            // session_ttl is 2 s, fixed at creation with the client strategy: the stream ends with it
            String rest = new String(http.readAll().body(), StandardCharsets.UTF_8);
            assertThat(rest).as("what came after the first event").isEmpty();
        }
        long upstreamClosed = closed.get("/bound").get(5, TimeUnit.SECONDS);
        assertThat(upstreamClosed).isPositive();
    }

    @Test
    void aQuietRelayedStreamGetsKeepaliveCommentsBetweenEventsAndTheEventsPassUnchanged() throws Exception {
        try (RawConnection quiet = RawConnection.connect(port, 0); RawConnection half = RawConnection.connect(port, 0)) {
            List<String> get = List.of("Host: 127.0.0.1", "accept: text/event-stream");
            quiet.send("GET", "/up/quiet", get, null);
            half.send("GET", "/up/half", get, null);
            assertThat(quiet.head().status()).isEqualTo(200);
            assertThat(half.head().status()).isEqualTo(200);
            assertThat(quiet.readUntil("\n\n")).isEqualTo(EVENT);
            quiet.socket().setSoTimeout((int) StreamKeepalive.QUIET_MS + 10_000);
            long opened = System.nanoTime();
            assertThat(quiet.readUntil("\n\n")).as("after the upstream's silence").isEqualTo(": keepalive\n\n");
            assertThat((System.nanoTime() - opened) / 1_000_000).as("ms of silence before the comment")
                    .isGreaterThanOrEqualTo(StreamKeepalive.QUIET_MS - 1_000);

            half.socket().setSoTimeout((int) StreamKeepalive.QUIET_MS + 20_000);
            String relayed = half.readUntil(EVENT);
            assertThat(relayed).as("an event cut by the upstream's silence, with no comment inside it")
                    .isEqualTo(HALF + REST);
            half.socket().setSoTimeout((int) StreamKeepalive.QUIET_MS + 10_000);
            assertThat(half.readUntil("\n\n")).as("once the event ended").isEqualTo(": keepalive\n\n");
        }
    }
}
