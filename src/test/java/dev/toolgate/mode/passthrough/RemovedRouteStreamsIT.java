package dev.toolgate.mode.passthrough;

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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reload that removes a passthrough route ends the server streams relayed on it (GET streams and POSTs
 * answered with SSE): the client's stream ends cleanly, so it reconnects and meets the new configuration, and
 * the server's request is closed. Streams of the routes kept go on.
 */
@Timeout(60)
class RemovedRouteStreamsIT {

    static final String EVENT = "data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"level\":\"info\","
            + "\"data\":\"tick\"}}\n\n";

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
                %s""".formatted(server.actualPort(), withGone ? gone : "");
    }

    /** Every path is an SSE stream with an event every 100 ms, until its request closes. */
    private void stream(HttpServerRequest request) {
        CompletableFuture<Void> closedAt = closed.computeIfAbsent(request.path().substring(request.path().lastIndexOf('/') + 1), p -> new CompletableFuture<>());
        HttpServerResponse response = request.response();
        response.setChunked(true).putHeader("content-type", "text/event-stream").write(EVENT);
        long timer = vertx.setPeriodic(100, id -> {
            if (!response.closed()) {
                response.write(EVENT);
            }
        });
        response.closeHandler(v -> {
            vertx.cancelTimer(timer);
            closedAt.complete(null);
        });
    }

    private RawConnection open(String method, String path) throws Exception {
        int port = gateway.gateway().proxyPort();
        byte[] body = method.equals("POST")
                ? "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"t\"}}".getBytes(StandardCharsets.UTF_8)
                : null;
        RawConnection http = RawConnection.connect(port, 0);
        http.send(method, path, List.of("Host: 127.0.0.1:" + port, "Accept: application/json, text/event-stream",
                "Content-Type: application/json"), body);
        assertThat(http.head().status()).isEqualTo(200);
        assertThat(http.readUntil("\n\n")).contains("notifications/message");
        return http;
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
            // a stream left open fails the test after this, rather than holding it
            get.socket().setSoTimeout(10_000);
            post.socket().setSoTimeout(10_000);
            // up to the last chunk: the streams ended, not cut off (readAll throws when the connection ends first)
            assertThat(get.readAll().status()).isEqualTo(200);
            assertThat(post.readAll().status()).isEqualTo(200);
            closed.get("gone-get").get(5, TimeUnit.SECONDS);
            closed.get("gone-post").get(5, TimeUnit.SECONDS);
            assertThat(kept.readUntil("\n\n")).as("the kept route's stream goes on").contains("notifications/message");
            assertThat(closed.get("kept-get")).isNotDone();
        }
    }
}
