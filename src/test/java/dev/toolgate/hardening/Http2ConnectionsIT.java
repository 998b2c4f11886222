package dev.toolgate.hardening;

import dev.toolgate.gateway.Limits;
import dev.toolgate.http.ListenerLimits;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP/2 without TLS (h2c by prior knowledge, as gRPC-style clients and some proxies speak it): a quiet
 * server-sent event stream outlives the head timeout, as it does over HTTP/1.1, a connection left
 * with no stream open is closed after the keep-alive timeout, and a stream whose body stops arriving is
 * answered 408 after the body timeout while its connection serves the next stream.
 */
@Timeout(60)
class Http2ConnectionsIT {

    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"h2\",\"version\":\"1\"}}}";

    static RestUpstream upstream;
    static TestGateway gateway;
    static Vertx vertx;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream();
        gateway = TestGateway.start(upstream.oneToolRoute(), Map.of(), false, Map.of(),
                new Limits(new ListenerLimits(8, 3_000, 1_000, 1_000), new ListenerLimits(8, 3_000, 1_000, 1_000),
                        6, 3, 60, 256, 1_000, false, false, List.of()));
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
        gateway.close();
        upstream.close();
    }

    @Test
    void aQuietStreamOutlivesTheHeadTimeoutAndAConnectionWithoutStreamsIsClosedAfterTheKeepAlive() throws Exception {
        HttpClientAgent client = h2c();
        CompletableFuture<Long> closedAt = new CompletableFuture<>();
        HttpClientResponse initialized = client.request(post())
                .compose(request -> {
                    HttpConnection connection = request.connection();
                    connection.closeHandler(v -> closedAt.complete(System.nanoTime()));
                    return request.send(Buffer.buffer(INITIALIZE));
                }).await();
        assertThat(initialized.version()).isEqualTo(HttpVersion.HTTP_2);
        assertThat(initialized.statusCode()).isEqualTo(200);
        initialized.body().await();
        String session = initialized.getHeader("mcp-session-id");

        var stream = client.request(new RequestOptions().setMethod(HttpMethod.GET).setURI("/mcp")
                .addHeader("accept", "text/event-stream").addHeader("mcp-session-id", session)
                .addHeader("mcp-protocol-version", "2025-06-18")).await();
        HttpClientResponse events = stream.send().await();
        assertThat(events.statusCode()).isEqualTo(200);
        Thread.sleep(2_500);
        assertThat(closedAt).as("a quiet stream is not cut by the 1 s head timeout").isNotDone();

        long ended = System.nanoTime();
        stream.reset().await();
        long closed = closedAt.get(10, TimeUnit.SECONDS);
        assertThat(TimeUnit.NANOSECONDS.toMillis(closed - ended)).as("closed after the 3 s keep-alive, not before")
                .isBetween(2_500L, 8_000L);
        client.close().await();
    }

    /**
     * PING frames (or SETTINGS, WINDOW_UPDATE) are not a request in progress: a client that sends one now
     * and then, and never opens a stream, must not hold a connection (one of the listener's
     * {@code max_connections}) for ever.
     */
    @Test
    void aConnectionWithoutStreamsIsClosedAfterTheKeepAliveEvenWhileTheClientPingsIt() throws Exception {
        HttpClientAgent client = h2c();
        CompletableFuture<Long> closedAt = new CompletableFuture<>();
        HttpConnection[] connection = new HttpConnection[1];
        HttpClientResponse answered = client.request(post())
                .compose(request -> {
                    connection[0] = request.connection();
                    connection[0].closeHandler(v -> closedAt.complete(System.nanoTime()));
                    return request.send(Buffer.buffer(INITIALIZE));
                }).await();
        assertThat(answered.statusCode()).isEqualTo(200);
        answered.body().await();
        long ended = System.nanoTime();
        long pinging = vertx.setPeriodic(500, id -> connection[0].ping(Buffer.buffer("12345678")));
        try {
            long closed = closedAt.get(15, TimeUnit.SECONDS);
            assertThat(TimeUnit.NANOSECONDS.toMillis(closed - ended)).as("closed after the 3 s keep-alive, not before")
                    .isBetween(2_500L, 8_000L);
        } finally {
            vertx.cancelTimer(pinging);
            client.close().await();
        }
    }

    @Test
    void aStreamWhoseBodyStopsArrivingIsAnswered408AfterTheBodyTimeoutAndTheConnectionGoesOn() throws Exception {
        HttpClientAgent client = h2c();
        var stalled = client.request(post()).await();
        CompletableFuture<Long> connectionClosed = new CompletableFuture<>();
        stalled.connection().closeHandler(v -> connectionClosed.complete(System.nanoTime()));
        CompletableFuture<Throwable> streamReset = new CompletableFuture<>();
        stalled.exceptionHandler(streamReset::complete);
        long sent = System.nanoTime();
        // half a message, then nothing more: a trickle that would hold the stream for ever
        stalled.setChunked(true).write(Buffer.buffer(INITIALIZE.substring(0, 20))).await();
        Map.Entry<Integer, String> answer = stalled.response().compose(response -> response.body()
                .map(body -> Map.entry(response.statusCode(), body.toString()))).await(10, TimeUnit.SECONDS);
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);

        assertThat(answer.getKey()).isEqualTo(408);
        assertThat(answer.getValue()).contains("Request Timeout: the request body");
        assertThat(waited).as("after the 1 s body timeout, not before").isBetween(900L, 6_000L);
        assertThat(streamReset.get(5, TimeUnit.SECONDS)).as("the stream is reset, not left half open")
                .isInstanceOf(io.vertx.core.http.StreamResetException.class);
        HttpClientResponse next = client.request(post())
                .compose(request -> request.send(Buffer.buffer(INITIALIZE))).await(10, TimeUnit.SECONDS);
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(connectionClosed).as("the stream was answered, the connection kept").isNotDone();
        client.close().await();
    }

    /**
     * A header list over the 8 KiB limit is that stream's fault: it gets 431, as HTTP/1.1 does, and the
     * connection's other streams go on. Netty ended the whole connection (GOAWAY) past 10 KiB of header block.
     */
    @Test
    void aStreamWithAnOversizedHeaderListGets431AndTheNextStreamOnTheSameConnectionIsAnswered() throws Exception {
        HttpClientAgent client = h2c();
        for (int size : new int[]{9_000, 16_000, 40_000}) {
            CompletableFuture<Long> goAway = new CompletableFuture<>();
            HttpConnection[] connection = new HttpConnection[1];
            // requests no route serves: answered at once, and they open no session the listener counts
            HttpClientResponse opened = client.request(unrouted())
                    .compose(request -> {
                        connection[0] = request.connection();
                        connection[0].goAwayHandler(away -> goAway.complete(away.getErrorCode()));
                        return request.send(Buffer.buffer(INITIALIZE));
                    }).await(10, TimeUnit.SECONDS);
            assertThat(opened.statusCode()).isEqualTo(404);
            opened.body().await();

            Map.Entry<Integer, String> refused = client.request(unrouted().putHeader("x-big", incompressible(size)))
                    .compose(request -> {
                        assertThat(request.connection()).as("the same connection").isSameAs(connection[0]);
                        return request.send(Buffer.buffer(INITIALIZE));
                    })
                    .compose(response -> response.body().map(body -> Map.entry(response.statusCode(), body.toString())))
                    .await(10, TimeUnit.SECONDS);
            assertThat(refused.getKey()).as("%d bytes of header", size).isEqualTo(431);

            HttpClientResponse next = client.request(unrouted())
                    .compose(request -> {
                        assertThat(request.connection()).as("after %d bytes, the same connection", size)
                                .isSameAs(connection[0]);
                        return request.send(Buffer.buffer(INITIALIZE));
                    }).await(10, TimeUnit.SECONDS);
            assertThat(next.statusCode()).isEqualTo(404);
            next.body().await();
            assertThat(goAway).as("after %d bytes of header, no GOAWAY", size).isNotDone();
        }
        client.close().await();
    }

    /** Text HPACK's Huffman coding cannot shrink much below its length. */
    private static String incompressible(int length) {
        StringBuilder text = new StringBuilder(length);
        java.util.Random random = new java.util.Random(7);
        while (text.length() < length) {
            text.append(Long.toString(random.nextLong() & Long.MAX_VALUE, 36));
        }
        return text.substring(0, length);
    }

    /** A client speaking HTTP/2 without TLS by prior knowledge. */
    static HttpClientAgent h2c() {
        return vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false).setDefaultHost("127.0.0.1").setDefaultPort(gateway.proxy("/").getPort()));
    }

    /** A POST no route serves. */
    static RequestOptions unrouted() {
        return post().setURI("/nowhere");
    }

    /** A POST of JSON-RPC to the MCP endpoint. */
    static RequestOptions post() {
        return new RequestOptions().setMethod(HttpMethod.POST).setURI("/mcp")
                .addHeader("content-type", "application/json").addHeader("accept", "application/json, text/event-stream");
    }
}
