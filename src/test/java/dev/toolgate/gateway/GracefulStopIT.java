package dev.toolgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.http.ClientAddresses;
import dev.toolgate.mcp.SseEvent;
import dev.toolgate.mode.conversion.Sessions;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.SseStream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Stopping with a grace period (SIGTERM in production): calls in flight finish, nothing new gets in. */
@Timeout(60)
class GracefulStopIT {

    private final Vertx timers = Vertx.vertx();
    private RestUpstream upstream;
    private TestGateway gateway;
    private McpHttp mcp;

    @BeforeEach
    void start() {
        upstream = new RestUpstream();
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server: {timeout: 30000}
                              tools:
                                - {name: slow, description: Answers after a while, method: GET, path: /slow}
                  - name: server
                    url: %s
                    routes:
                      - name: passthrough
                        paths: [/server]
                        strip_path: false
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                """.formatted(upstream.url(), upstream.url()));
        mcp = new McpHttp(gateway.proxy("/mcp"));
        mcp.initialize("2025-06-18");
    }

    @AfterEach
    void stop() {
        gateway.close();
        upstream.close();
        timers.close();
    }

    private void answerAfter(Duration delay) {
        upstream.on("GET /slow", request -> timers.setTimer(delay.toMillis(), id -> request.response()
                .putHeader("content-type", "application/json").end("{\"done\":true}")));
    }

    private CompletableFuture<Void> stopping(Duration grace) {
        return CompletableFuture.runAsync(() -> gateway.gateway().stop(grace));
    }

    private boolean refusesConnections() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", gateway.gateway().proxyPort()), 1000);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aCallInFlightFinishesWithItsAnswerWhileNewConnectionsAreRefusedAndReadinessSaysSo() throws Exception {
        AdminHttp admin = new AdminHttp(gateway);
        assertThat(admin.get("/status/ready").status()).isEqualTo(200);
        answerAfter(Duration.ofMillis(1500));
        CompletableFuture<JsonNode> call = CompletableFuture.supplyAsync(() -> mcp.call("slow", "{}"));
        upstream.next();

        CompletableFuture<Void> stopped = stopping(Duration.ofSeconds(20));
        await().atMost(Duration.ofSeconds(5)).until(this::refusesConnections);
        AdminHttp.Response readiness = admin.get("/status/ready");
        assertThat(readiness.status()).isEqualTo(503);
        assertThat(readiness.json().get("message").asText()).startsWith("stopping");

        JsonNode result = call.get(10, TimeUnit.SECONDS);
        assertThat(result.get("isError").asBoolean()).as(result.toString()).isFalse();
        assertThat(result.at("/content/0/text").asText()).isEqualTo("{\"done\":true}");
        stopped.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aCallStillRunningWhenTheGraceEndsIsCutAndTheStopDoesNotWaitForIt() {
        answerAfter(Duration.ofSeconds(30));
        CompletableFuture<JsonNode> call = CompletableFuture.supplyAsync(() -> mcp.call("slow", "{}"));
        upstream.next();
        long started = System.nanoTime();

        stopping(Duration.ofMillis(500)).join();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).hasRootCauseInstanceOf(IOException.class);
    }

    @Test
    void aPassthroughServerStreamEndsAtOnceAndItsUpstreamRequestIsClosed() {
        AtomicBoolean upstreamClosed = new AtomicBoolean();
        upstream.on("GET /server", request -> {
            request.response().setChunked(true).putHeader("content-type", "text/event-stream").write(": open\n\n");
            request.connection().closeHandler(v -> upstreamClosed.set(true));
        });
        try (SseStream stream = SseStream.open(gateway.proxy("/server"), "upstream-session")) {
            assertThat(stream.status()).isEqualTo(200);
            long started = System.nanoTime();

            stopping(Duration.ofSeconds(20)).join();

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(5)).until(stream::ended);
            await().atMost(Duration.ofSeconds(5)).untilTrue(upstreamClosed);
        }
    }

    @Test
    void aPassthroughServerStreamIsToldWhenToReopenBeforeItEnds() {
        upstream.on("GET /server", request -> request.response().setChunked(true)
                .putHeader("content-type", "text/event-stream").write(": open\n\n"));
        try (SseStream stream = SseStream.open(gateway.proxy("/server"), "upstream-session")) {
            assertThat(stream.status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> stream.lines().contains(": open"));
            stopping(Duration.ofSeconds(20)).join();
            await().atMost(Duration.ofSeconds(5)).until(stream::ended);
            // after the server's comment, the SSE retry field, then the end: the client reopens it elsewhere, then
            assertThat(stream.lines()).containsSubsequence(": open", "", "retry: " + SseEvent.RECONNECT_AFTER_MS, "");
            assertThat(stream.lines().getLast()).isEmpty();
        }
    }

    @Test
    void aPassthroughServerStreamWhoseAnswerBeginsAfterTheStopBeganEndsAtOnceInsteadOfHoldingTheStop() {
        AtomicBoolean asked = new AtomicBoolean();
        upstream.on("GET /server", request -> {
            asked.set(true);
            // the server answers the stream's head only once the stop has begun
            timers.setTimer(1_500, id -> request.response().setChunked(true)
                    .putHeader("content-type", "text/event-stream").write(": open\n\n"));
        });
        CompletableFuture<SseStream> opening = CompletableFuture.supplyAsync(
                () -> SseStream.open(gateway.proxy("/server"), "upstream-session"));
        await().atMost(Duration.ofSeconds(5)).untilTrue(asked);
        long started = System.nanoTime();

        stopping(Duration.ofSeconds(20)).join();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
        try (SseStream stream = opening.join()) {
            await().atMost(Duration.ofSeconds(5)).until(stream::ended);
        }
    }

    @Test
    void overH2cEveryPassthroughServerStreamOfAConnectionEndsAtOnceNotOnlyTheLastOpened() {
        java.util.concurrent.atomic.AtomicInteger upstreamClosed = new java.util.concurrent.atomic.AtomicInteger();
        upstream.on("GET /server", request -> {
            request.response().setChunked(true).putHeader("content-type", "text/event-stream").write(": open\n\n");
            request.connection().closeHandler(v -> upstreamClosed.incrementAndGet());
        });
        Vertx client = Vertx.vertx();
        try {
            io.vertx.core.http.HttpClientAgent h2c = client.createHttpClient(new io.vertx.core.http.HttpClientOptions()
                    .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)
                    .setDefaultHost("127.0.0.1").setDefaultPort(gateway.gateway().proxyPort()));
            java.util.List<CompletableFuture<Void>> ended = new java.util.ArrayList<>();
            java.util.Set<io.vertx.core.http.HttpConnection> connections = java.util.concurrent.ConcurrentHashMap.newKeySet();
            for (String session : java.util.List.of("upstream-session-1", "upstream-session-2")) {
                CompletableFuture<Void> end = new CompletableFuture<>();
                io.vertx.core.http.HttpClientResponse response = h2c.request(new io.vertx.core.http.RequestOptions()
                                .setURI("/server").addHeader("accept", "text/event-stream")
                                .addHeader("mcp-session-id", session))
                        .compose(request -> {
                            connections.add(request.connection());
                            return request.send();
                        }).await();
                assertThat(response.statusCode()).isEqualTo(200);
                response.handler(chunk -> { });
                response.endHandler(v -> end.complete(null));
                response.exceptionHandler(end::completeExceptionally);
                ended.add(end);
            }
            assertThat(connections).as("both streams on one connection").hasSize(1);
            long started = System.nanoTime();

            stopping(Duration.ofSeconds(20)).join();

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            for (CompletableFuture<Void> end : ended) {
                assertThat(end).succeedsWithin(Duration.ofSeconds(5));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> upstreamClosed.get() == 2);
        } finally {
            client.close().await();
        }
    }

    @Test
    void anOpenNotificationStreamEndsAtOnceInsteadOfHoldingTheStop() {
        try (SseStream stream = SseStream.open(gateway.proxy("/mcp"), mcp.sessionId())) {
            assertThat(stream.status()).isEqualTo(200);
            long started = System.nanoTime();

            stopping(Duration.ofSeconds(20)).join();

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(5)).until(stream::ended);
        }
    }

    @Test
    void anOpenNotificationStreamIsToldWhenToReopenBeforeItEnds() {
        try (SseStream stream = SseStream.open(gateway.proxy("/mcp"), mcp.sessionId())) {
            assertThat(stream.status()).isEqualTo(200);
            stopping(Duration.ofSeconds(20)).join();
            await().atMost(Duration.ofSeconds(5)).until(stream::ended);
            // the SSE retry field, then the end: the client waits that long, then reopens it on another instance
            assertThat(stream.lines()).containsSubsequence("retry: " + Sessions.RECONNECT_AFTER_MS, "");
            assertThat(stream.lines().getLast()).isEmpty();
        }
    }

    @Test
    void aConfigurationPostedOnceTheStopBeganIsRefusedWith503AndNotApplied() throws Exception {
        AdminHttp admin = new AdminHttp(gateway);
        String before = admin.hash();
        answerAfter(Duration.ofSeconds(3));
        CompletableFuture<JsonNode> call = CompletableFuture.supplyAsync(() -> mcp.call("slow", "{}"));
        upstream.next();
        CompletableFuture<Void> stopped = stopping(Duration.ofSeconds(20));
        await().atMost(Duration.ofSeconds(5)).until(this::refusesConnections);

        AdminHttp.Response posted = admin.postConfig("_format_version: \"3.0\"\n");

        assertThat(posted.status()).as(posted.body()).isEqualTo(503);
        assertThat(posted.json().get("message").asText()).contains("stopping", "no longer takes a new configuration");
        assertThat(admin.hash()).isEqualTo(before);
        call.get(10, TimeUnit.SECONDS);
        stopped.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aConfigFileWrittenDuringTheShutdownDelayIsNotLoadedNorIsAnyApplyOnceTheStopBegan() throws Exception {
        String config = "_format_version: \"3.0\"\nservices:\n  - name: api\n    url: " + upstream.url() + "\n";
        Path file = Files.createTempDirectory("toolgate-test").resolve("kong.yaml");
        Files.writeString(file, config);
        Gateway delayed = Gateway.start(new Gateway.Options(file, "127.0.0.1", 0, "127.0.0.1", 0, true, name -> null,
                InstantSource.system(), new SecureRandom(), ClientAddresses.PEER, Limits.DEFAULT,
                Duration.ofSeconds(4), null, 0));
        try {
            String before = delayed.snapshot().config().hash();
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> delayed.stop(Duration.ofSeconds(1)));
            await().atMost(Duration.ofSeconds(2)).until(() -> readiness(delayed) == 503);

            String changed = config + "    routes: [{name: added, paths: [/added]}]\n";
            Path temp = file.resolveSibling("kong.yaml.tmp");
            Files.writeString(temp, changed);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Thread.sleep(1_500); // the watcher reads a written file within a few hundred ms

            assertThat(delayed.snapshot().config().hash()).as("the file written during the delay").isEqualTo(before);
            assertThatThrownBy(() -> delayed.apply(changed.getBytes(StandardCharsets.UTF_8), file.getParent()))
                    .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.error())
                            .isInstanceOf(GatewayError.ConfigWhileStopping.class));
            assertThat(delayed.snapshot().config().hash()).isEqualTo(before);
            stopped.get(15, TimeUnit.SECONDS);
        } finally {
            delayed.close();
        }
    }

    private static int readiness(Gateway gateway) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + gateway.adminPort() + "/status/ready")).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void logSinksWhoseEndpointNeverAnswersCloseTogetherWithinTheShutdownTimeout() throws Exception {
        answerAfter(Duration.ofMillis(1));
        try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> holdConnections(blackHole));
            StringBuilder routes = new StringBuilder();
            for (String name : List.of("a", "b", "c", "d")) {
                routes.append("""
                              - name: %s
                                paths: [/%s]
                                plugins:
                                  - name: ai-mcp-proxy
                                    config:
                                      mode: conversion-listener
                                      tools: [{name: slow, description: Slow, method: GET, path: /slow}]
                                  - name: http-log
                                    config: {http_endpoint: "http://127.0.0.1:%d/log", timeout: 10000}
                        """.formatted(name, name, blackHole.getLocalPort()));
            }
            try (TestGateway logged = TestGateway.start("""
                    _format_version: "3.0"
                    services:
                      - name: api
                        url: %s
                        routes:
                    %s""".formatted(upstream.url(), routes))) {
                for (String name : List.of("a", "b", "c", "d")) {
                    McpHttp client = new McpHttp(logged.proxy("/" + name));
                    client.initialize("2025-06-18");
                    client.call("slow", "{}");
                }
                long started = System.nanoTime();

                logged.gateway().stop(Duration.ofSeconds(2));

                // one after another, 2 s each: 8 s
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(3500));
            }
        }
    }

    private static void holdConnections(ServerSocket server) {
        List<Socket> held = new java.util.ArrayList<>();
        while (!server.isClosed()) {
            try {
                held.add(server.accept());
            } catch (IOException closed) {
                return;
            }
        }
    }
}
