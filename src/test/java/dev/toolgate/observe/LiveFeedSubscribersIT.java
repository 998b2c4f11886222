package dev.toolgate.observe;

import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live page's event stream and a subscriber that reads nothing (a stalled tab, a dead network): it is
 * dropped once its writes have stayed queued for a while, instead of being kept, with all that was queued
 * for it, for as long as its connection lives; the feed serves the next subscriber.
 */
@Timeout(90)
class LiveFeedSubscribersIT {

    static RestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream().json("POST /pt", 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: pt
                        paths: [/pt]
                        strip_path: false
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: passthrough-listener
                              logging: {log_statistics: true, log_payloads: true}
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void aSubscriberThatReadsNothingIsDroppedAndTheNextIsServed() throws Exception {
        URI events = gateway.admin("/dashboard/events");
        try (Socket stalled = new Socket()) {
            // a small window: what the gateway writes stays queued on its side
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress(events.getHost(), events.getPort()));
            stalled.getOutputStream().write(("GET /dashboard/events HTTP/1.1\r\nHost: 127.0.0.1:" + events.getPort()
                    + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            stalled.getOutputStream().flush();

            // messages with payloads of 30 KB each, far more than the kernel's buffers hold, for 12 s
            String padded = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\"" + "x".repeat(30_000)
                    + "\"}}";
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger sent = new AtomicInteger();
            List<Thread> callers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                callers.add(Thread.ofPlatform().daemon().start(() -> {
                    McpHttp pt = new McpHttp(gateway.proxy("/pt"));
                    while (running.get()) {
                        if (pt.post(padded).status() == 200) {
                            sent.incrementAndGet();
                        }
                    }
                }));
            }
            Thread.sleep(12_000);
            running.set(false);
            for (Thread caller : callers) {
                caller.join(10_000);
            }
            assertThat(sent.get()).as("messages made").isGreaterThan(100);

            // now read: what reached this side's buffers, then the end of the stream
            stalled.setSoTimeout(5_000);
            InputStream in = stalled.getInputStream();
            byte[] chunk = new byte[64 * 1024];
            boolean ended = false;
            try {
                while (in.read(chunk) >= 0) {
                    // drained
                }
                ended = true;
            } catch (SocketTimeoutException stillOpen) {
                ended = false;
            } catch (IOException reset) {
                ended = true;
            }
            assertThat(ended).as("the gateway dropped the subscriber that read nothing").isTrue();
        }

        McpHttp pt = new McpHttp(gateway.proxy("/pt"));
        assertThat(pt.post("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}").status()).isEqualTo(200);
        assertThat(dev.toolgate.testing.LiveFeed.event(gateway, e -> e.path("id").asText().equals("7")))
                .as("the next subscriber is served").isNotNull();
    }

    @Test
    void aPageThatReconnectsGetsOnlyTheMessagesItHasNotShown() {
        McpHttp pt = new McpHttp(gateway.proxy("/pt"));
        for (int i = 0; i < 3; i++) {
            assertThat(pt.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}").status()).isEqualTo(200);
        }
        List<String> shown = dev.toolgate.testing.LiveFeed.lines(gateway, "/dashboard/events", java.util.Map.of(),
                java.time.Duration.ofMillis(2_500));
        assertThat(shown).as("the page's first connection").anyMatch(l -> l.startsWith("data: {"));
        String lastId = shown.stream().filter(l -> l.startsWith("id: ")).reduce((a, b) -> b).orElse("id: 0").substring(4);

        // the page is away while two more messages pass; its browser reconnects with the last id it had
        for (int id = 41; id <= 42; id++) {
            assertThat(pt.post("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\"}").status()).isEqualTo(200);
        }
        List<String> resumed = dev.toolgate.testing.LiveFeed.lines(gateway, "/dashboard/events",
                java.util.Map.of("Last-Event-ID", lastId), java.time.Duration.ofMillis(2_500));

        assertThat(resumed.stream().filter(l -> l.startsWith("data: {")).map(l -> l.replaceAll(".*\"id\":\"(\\d+)\".*", "$1")))
                .as("%s", resumed).containsExactly("41", "42");
        assertThat(resumed).noneMatch(l -> l.startsWith("event: missed"));

        // an id of the gateway before a restart (its places began at 0 too): not a place in this feed
        List<String> newPage = dev.toolgate.testing.LiveFeed.lines(gateway, "/dashboard/events", java.util.Map.of(),
                java.time.Duration.ofMillis(2_500));
        List<String> afterRestart = dev.toolgate.testing.LiveFeed.lines(gateway, "/dashboard/events",
                java.util.Map.of("Last-Event-ID", "1"), java.time.Duration.ofMillis(2_500));
        assertThat(afterRestart.stream().filter(l -> l.startsWith("data: {")).count()).as("started as a new page: %s",
                afterRestart).isEqualTo(newPage.stream().filter(l -> l.startsWith("data: {")).count());
    }

    @Test
    void pastSixteenOpenPagesTheNextIs503AndTheFirstSixteenKeepReceiving() throws Exception {
        URI events = gateway.admin("/dashboard/events");
        List<Socket> pages = new ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                pages.add(openStream(events));
                assertThat(readUntil(pages.get(i), "retry: 1000")).as("page %d", i).startsWith("HTTP/1.1 200");
            }
            try (Socket refused = openStream(events)) {
                String answer = readUntil(refused, "}");
                assertThat(answer).startsWith("HTTP/1.1 503").containsIgnoringCase("retry-after: 30")
                        .contains("the dashboard is already open in 16 pages");
            }
            try (java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient()) {
                var head = client.send(java.net.http.HttpRequest.newBuilder(events)
                        .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(head.statusCode()).as("a HEAD says what a GET would get").isEqualTo(503);
                assertThat(head.headers().firstValue("retry-after")).hasValue("30");
                assertThat(head.body()).isEmpty();
            }

            McpHttp pt = new McpHttp(gateway.proxy("/pt"));
            assertThat(pt.post("{\"jsonrpc\":\"2.0\",\"id\":1616,\"method\":\"ping\"}").status()).isEqualTo(200);
            for (Socket page : pages) {
                assertThat(readUntil(page, "1616")).contains("1616");
            }
        } finally {
            for (Socket page : pages) {
                page.close();
            }
        }
        // the closed pages' places are given back
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() -> {
            try (Socket again = openStream(events)) {
                assertThat(readUntil(again, "retry: 1000")).startsWith("HTTP/1.1 200");
            }
        });
    }

    private static Socket openStream(URI events) throws IOException {
        Socket socket = new Socket(events.getHost(), events.getPort());
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(("GET /dashboard/events HTTP/1.1\r\nHost: 127.0.0.1:" + events.getPort()
                + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return socket;
    }

    /** What the socket received until {@code wanted} appeared (or it ended). */
    private static String readUntil(Socket socket, String wanted) throws IOException {
        StringBuilder seen = new StringBuilder();
        InputStream in = socket.getInputStream();
        byte[] chunk = new byte[8192];
        while (!seen.toString().contains(wanted)) {
            int n = in.read(chunk);
            if (n < 0) {
                break;
            }
            seen.append(new String(chunk, 0, n, StandardCharsets.ISO_8859_1));
        }
        return seen.toString();
    }
}
