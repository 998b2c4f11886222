package dev.toolgate.mode.passthrough;

import dev.toolgate.testing.EverythingServer;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RawConnection;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Streams through a passthrough-listener route: the gateway relays as it receives, paced by the
 * client. A client that goes away closes the upstream request; an upstream that dies ends the
 * client's stream at once; a client that stops reading stops the upstream (back-pressure) instead of
 * making the gateway buffer the stream.
 */
@Timeout(120)
class PassthroughStreamingIT {

    static final String EVENT = "data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"level\":\"info\","
            + "\"data\":\"tick\"}}\n\n";

    static Vertx vertx;
    static HttpServer server;
    static TestGateway gateway;
    static int port;

    /** Upstream requests by path, as they arrive, and when their connections closed. */
    static final Map<String, AtomicReference<HttpServerRequest>> requests = new java.util.concurrent.ConcurrentHashMap<>();
    static final Map<String, CompletableFuture<Long>> closed = new java.util.concurrent.ConcurrentHashMap<>();
    static volatile Flood flood;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(PassthroughStreamingIT::handle).listen(0, "127.0.0.1").await();
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: streams
                    url: http://127.0.0.1:%1$d
                    routes:
                      - name: streams
                        paths: [/up]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                  - name: impatient
                    url: http://127.0.0.1:%1$d
                    read_timeout: 1000
                    routes:
                      - name: impatient
                        paths: [/impatient]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
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
        String path = request.path();
        requests.computeIfAbsent(path, p -> new AtomicReference<>()).set(request);
        CompletableFuture<Long> closedAt = closed.computeIfAbsent(path, p -> new CompletableFuture<>());
        request.connection().closeHandler(v -> closedAt.complete(System.nanoTime()));
        HttpServerResponse response = request.response();
        switch (path) {
            case "/sse-forever" -> {
                response.setChunked(true).putHeader("content-type", "text/event-stream").write(EVENT);
                long timer = vertx.setPeriodic(100, id -> {
                    if (!response.closed()) {
                        response.write(EVENT);
                    }
                });
                response.closeHandler(v -> vertx.cancelTimer(timer));
            }
            case "/slow-head" -> {
                // answers after 20 s, long after the client has given up
                long timer = vertx.setTimer(20_000, id -> response.end());
                response.closeHandler(v -> vertx.cancelTimer(timer));
            }
            case "/sse-then-die" -> response.setChunked(true).putHeader("content-type", "text/event-stream").write(EVENT);
            case "/json-then-die" -> response.setChunked(true).putHeader("content-type", "application/json")
                    .write("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"items\":[");
            case "/flood" -> {
                response.setChunked(true).putHeader("content-type", "text/event-stream");
                flood.pump(response);
            }
            case "/flood-json" -> {
                response.setChunked(true).putHeader("content-type", "application/json");
                flood.pump(response);
            }
            case "/flood-bin" -> {
                response.setChunked(true).putHeader("content-type", "application/octet-stream");
                flood.pump(response);
            }
            default -> response.setStatusCode(404).end();
        }
    }

    @Test
    void aClientThatDisconnectsMidStreamClosesTheUpstreamRequest() throws Exception {
        try (RawConnection http = RawConnection.connect(port, 0)) {
            http.send("GET", "/up/sse-forever", List.of("Host: 127.0.0.1:" + port, "Accept: text/event-stream"), null);
            assertThat(http.head().status()).isEqualTo(200);
            assertThat(http.readUntil("\n\n")).contains("notifications/message");
            assertThat(http.readUntil("\n\n")).as("a second event, 100 ms later").contains("notifications/message");
        }
        long disconnected = System.nanoTime();
        long upstreamClosed = closed.get("/sse-forever").get(5, TimeUnit.SECONDS);
        assertThat((upstreamClosed - disconnected) / 1_000_000).as("ms until the upstream connection closed")
                .isLessThan(2_000);
    }

    @Test
    void aClientThatGivesUpBeforeTheAnswerHeadClosesTheUpstreamRequest() throws Exception {
        try (RawConnection http = RawConnection.connect(port, 0)) {
            http.send("GET", "/up/slow-head", List.of("Host: 127.0.0.1:" + port, "Accept: text/event-stream"), null);
            org.awaitility.Awaitility.await().atMost(5, TimeUnit.SECONDS)
                    .until(() -> requests.containsKey("/slow-head"));
        }
        long disconnected = System.nanoTime();
        long upstreamClosed = closed.get("/slow-head").get(5, TimeUnit.SECONDS);
        assertThat((upstreamClosed - disconnected) / 1_000_000).as("ms until the upstream connection closed")
                .isLessThan(2_000);
    }

    @Test
    void anUpstreamThatDiesMidSseStreamEndsTheClientsStreamAtOnce() throws Exception {
        try (RawConnection http = RawConnection.connect(port, 0)) {
            http.send("GET", "/up/sse-then-die", List.of("Host: 127.0.0.1:" + port, "Accept: text/event-stream"), null);
            assertThat(http.head().status()).isEqualTo(200);
            assertThat(http.readUntil("\n\n")).contains("notifications/message");

            requests.get("/sse-then-die").get().connection().close();
            long killed = System.nanoTime();
            String end = endOfStream(http);
            long tookMs = (System.nanoTime() - killed) / 1_000_000;
            assertThat(tookMs).as("ms until the client saw the stream end (%s)", end).isLessThan(3_000);
        }
    }

    @Test
    void anUpstreamThatDiesMidJsonBodyBreaksTheClientsResponseInsteadOfCompletingIt() throws Exception {
        try (RawConnection http = RawConnection.connect(port, 0)) {
            http.send("POST", "/up/json-then-die", List.of("Host: 127.0.0.1:" + port, "Content-Type: application/json",
                    "Content-Length: 2"), "{}".getBytes(StandardCharsets.UTF_8));
            assertThat(http.head().status()).isEqualTo(200);
            assertThat(http.readUntil("[")).contains("\"items\"");

            requests.get("/json-then-die").get().connection().close();
            long killed = System.nanoTime();
            String end = endOfStream(http);
            long tookMs = (System.nanoTime() - killed) / 1_000_000;
            assertThat(tookMs).as("ms until the client saw the end (%s)", end).isLessThan(3_000);
            // a truncated JSON document must not arrive as a complete (chunk-terminated) body
            assertThat(end).startsWith("broken");
        }
    }

    @Test
    void killingServerEverythingDuringALongRunningCallEndsTheClientsStreamPromptly() throws Exception {
        try (EverythingServer everything = EverythingServer.start();
             TestGateway local = TestGateway.start("""
                     _format_version: "3.0"
                     services:
                       - name: everything
                         url: %s
                         routes:
                           - name: everything
                             paths: [/everything]
                             plugins:
                               - name: ai-mcp-proxy
                                 config: {mode: passthrough-listener}
                     """.formatted(everything.mcp()))) {
            McpHttp mcp = new McpHttp(local.proxy("/everything"));
            assertThat(mcp.initialize("2025-11-25").status()).isEqualTo(200);
            byte[] call = ("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":"
                    + "\"trigger-long-running-operation\",\"arguments\":{\"duration\":30,\"steps\":30},"
                    + "\"_meta\":{\"progressToken\":\"t\"}}}").getBytes(StandardCharsets.UTF_8);
            int gatewayPort = local.gateway().proxyPort();
            try (RawConnection http = RawConnection.connect(gatewayPort, 0)) {
                http.send("POST", "/everything", List.of("Host: 127.0.0.1:" + gatewayPort,
                        "Content-Type: application/json", "Accept: " + McpHttp.ACCEPT_BOTH,
                        "Mcp-Session-Id: " + mcp.sessionId(), "MCP-Protocol-Version: 2025-11-25",
                        "Content-Length: " + call.length), call);
                assertThat(http.head().status()).isEqualTo(200);
                assertThat(http.head().header("content-type")).startsWith("text/event-stream");
                assertThat(http.readUntil("notifications/progress")).isNotEmpty();

                everything.close();
                long killed = System.nanoTime();
                String end = endOfStream(http);
                long tookMs = (System.nanoTime() - killed) / 1_000_000;
                assertThat(tookMs).as("ms until the client saw the stream end (%s)", end).isLessThan(5_000);
            }
        }
    }

    @Test
    void aClientThatStopsReadingStallsTheUpstreamInsteadOfMakingTheGatewayBufferTheStream() throws Exception {
        // twice what the assertions allow the gateway to absorb: a gateway that buffers would take it all
        long total = 96L * 1024 * 1024;
        flood = new Flood(total);
        long heapBefore = usedHeapAfterGc();
        try (RawConnection http = RawConnection.connect(port, 64 * 1024)) {
            http.send("GET", "/up/flood", List.of("Host: 127.0.0.1:" + port, "Accept: text/event-stream"), null);
            assertThat(http.head().status()).isEqualTo(200);

            Thread.sleep(3_000);
            long writtenAfter3s = flood.written.get();
            boolean stalled = flood.waitingForDrain;
            long heapDuringPause = usedHeapAfterGc();
            Thread.sleep(1_000);
            long writtenAfter4s = flood.written.get();

            String pause = "after 3 s without reading: upstream wrote %d MB of %d MB, waiting for drain: %s, "
                    .formatted(writtenAfter3s >> 20, total >> 20, stalled)
                    + "heap grew %d MB".formatted((heapDuringPause - heapBefore) >> 20);
            System.out.println("back-pressure: " + pause);
            assertThat(stalled).as(pause).isTrue();
            assertThat(writtenAfter3s).as(pause).isLessThan(48L * 1024 * 1024);
            assertThat(writtenAfter4s - writtenAfter3s).as("bytes the upstream wrote in the 4th second").isLessThan(1 << 20);
            assertThat(heapDuringPause - heapBefore).as(pause).isLessThan(48L * 1024 * 1024);

            assertThat(readToEnd(http, total, false)).as("bytes the client received").isEqualTo(total);
            assertThat(flood.stalls.get()).as("times the upstream waited for drain").isPositive();
        }
    }

    @Test
    void aClientThatReadsInFitsAndStartsGetsEveryByteWithoutTheStreamEverStalling() throws Exception {
        // many pause/resume turns, on fresh client connections that land on either event loop while
        // the upstream connections are reused from the pool: a missed resume would stall the stream
        for (int round = 0; round < 12; round++) {
            long total = 8L << 20;
            flood = new Flood(total);
            try (RawConnection http = RawConnection.connect(port, 32 * 1024)) {
                http.send("GET", "/up/flood", List.of("Host: 127.0.0.1:" + port, "Accept: text/event-stream"), null);
                assertThat(http.head().status()).isEqualTo(200);
                assertThat(readToEnd(http, total, true)).as("bytes received in round %d", round).isEqualTo(total);
            }
        }
    }

    @Test
    void aHealthyUpstreamHeldBackByASlowClientIsNotCutByTheReadTimeout() throws Exception {
        // read_timeout (1 s here) is about a silent upstream; this one is silent only because the
        // gateway stopped reading from it while the client was not reading (back-pressure)
        long total = 32L << 20;
        flood = new Flood(total);
        try (RawConnection http = RawConnection.connect(port, 64 * 1024)) {
            http.send("GET", "/impatient/flood-json", List.of("Host: 127.0.0.1:" + port), null);
            assertThat(http.head().status()).isEqualTo(200);
            Thread.sleep(2_500);
            long received = 0;
            byte[] buffer = new byte[256 * 1024];
            try {
                for (int n = http.read(buffer, buffer.length); n >= 0; n = http.read(buffer, buffer.length)) {
                    received += n;
                }
            } catch (IOException e) {
                throw new AssertionError("the answer broke after " + (received >> 20) + " MB of " + (total >> 20)
                        + " MB (upstream wrote " + (flood.written.get() >> 20) + " MB): " + e, e);
            }
            assertThat(received).isEqualTo(total);
        }
    }

    @Test
    void everyEventOfAnSseFloodIsObservedAndTheClientGetsEveryByte() throws Exception {
        // how much observing costs next to relaying unobserved is measured in bench/, not here
        long total = 16L << 20;
        long before = serverToClientCount();
        download("/up/flood", total);
        long events = (total / Flood.CHUNK) * Flood.eventsPerChunk();

        assertThat(serverToClientCount() - before).as("messages counted in GET /status").isEqualTo(events);
    }

    private static long serverToClientCount() throws Exception {
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                gateway.admin("/status")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        return dev.toolgate.mcp.Json.MAPPER.readTree(response.body()).path("server").path("mcp_traffic")
                .path("server_to_client").asLong();
    }

    private static void download(String path, long total) throws Exception {
        flood = new Flood(total);
        try (RawConnection http = RawConnection.connect(port, 0)) {
            http.send("GET", path, List.of("Host: 127.0.0.1:" + port), null);
            assertThat(http.head().status()).isEqualTo(200);
            assertThat(readToEnd(http, total, false)).isEqualTo(total);
        }
    }

    /**
     * Reads the body to its end, {@code paced} with a short pause every 512 KiB; a stream that stops
     * for 15 s fails the test with how far it got instead of hanging it.
     */
    private static long readToEnd(RawConnection http, long total, boolean paced) throws Exception {
        http.socket().setSoTimeout(15_000);
        long received = 0;
        byte[] buffer = new byte[paced ? 48 * 1024 : 256 * 1024];
        try {
            for (int n = http.read(buffer, buffer.length); n >= 0; n = http.read(buffer, buffer.length)) {
                received += n;
                if (paced && (received & 0x7ffff) < n) {
                    Thread.sleep(2);
                }
            }
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("the stream stalled after " + received + " bytes of " + total
                    + " (the upstream wrote " + flood.written.get() + ")", e);
        }
        return received;
    }

    /** How the body ended: "end" (last chunk or length reached) or "broken: ..." (the connection dropped). */
    private static String endOfStream(RawConnection http) throws IOException {
        http.socket().setSoTimeout(10_000);
        byte[] buffer = new byte[8192];
        try {
            while (http.read(buffer, buffer.length) >= 0) {
                // drain what was in flight
            }
            return "end";
        } catch (EOFException | java.net.SocketException e) {
            return "broken: " + e;
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("the client's stream neither ended nor broke within 10 s", e);
        } catch (UncheckedIOException e) {
            return "broken: " + e.getCause();
        }
    }

    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /** Writes {@code total} bytes of SSE as fast as the connection takes them, counting and noting stalls. */
    static final class Flood {
        static final int CHUNK = 64 * 1024;
        static final String EVENT = "data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":"
                + "{\"level\":\"info\",\"data\":\"" + "x".repeat(900) + "\"}}\n\n";
        final long total;
        final Buffer chunk;
        final AtomicLong written = new AtomicLong();
        final AtomicInteger stalls = new AtomicInteger();
        volatile boolean waitingForDrain;

        Flood(long total) {
            this.total = total;
            StringBuilder events = new StringBuilder(CHUNK);
            events.append(EVENT.repeat(eventsPerChunk()));
            // pad with an SSE comment so each chunk is exactly 64 KiB and total is a multiple of it
            events.append(':').append(" ".repeat(CHUNK - events.length() - 2)).append('\n');
            events.append('\n');
            this.chunk = Buffer.buffer(events.toString().getBytes(StandardCharsets.UTF_8));
            if (chunk.length() != CHUNK || total % chunk.length() != 0) {
                throw new IllegalStateException("chunk of " + chunk.length());
            }
        }

        /** Whole events per chunk, leaving room for the padding comment. */
        static int eventsPerChunk() {
            return (CHUNK - 3) / EVENT.length();
        }

        void pump(HttpServerResponse response) {
            if (response.ended() || response.closed()) {
                // a drain can still arrive after the last write ended the response, or after the gateway let go
                return;
            }
            while (written.get() < total && !response.writeQueueFull()) {
                response.write(chunk);
                written.addAndGet(chunk.length());
            }
            if (written.get() >= total) {
                waitingForDrain = false;
                response.end();
                return;
            }
            waitingForDrain = true;
            stalls.incrementAndGet();
            response.drainHandler(v -> {
                waitingForDrain = false;
                pump(response);
            });
        }
    }
}
