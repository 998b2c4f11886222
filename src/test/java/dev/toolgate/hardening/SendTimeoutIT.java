package dev.toolgate.hardening;

import dev.toolgate.gateway.Limits;
import dev.toolgate.http.ListenerLimits;
import dev.toolgate.testing.RawConnection;
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
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that reads none of its answer is cut off after the send timeout (nginx's {@code send_timeout}):
 * otherwise it holds what feeds the answer, here a passthrough answer's pooled upstream connection, for as
 * long as it likes, and a handful of such clients leave everyone else waiting for the pool.
 */
@Timeout(120)
class SendTimeoutIT {

    static final long SEND_TIMEOUT_MS = 1_000;
    static final int BODY_BYTES = 16 * 1024 * 1024;
    /** Under the 8 MiB a passthrough answer is read whole and written at once: the answer is queued entire. */
    static final int WHOLE_BYTES = 7 * 1024 * 1024;
    static final String CALL = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";

    static RestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        String big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[],\"pad\":\""
                + "x".repeat(BODY_BYTES) + "\"}}";
        upstream = new RestUpstream().json("POST /pt/big", 200, big)
                .json("POST /pt/whole", 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[],\"pad\":\""
                        + "x".repeat(WHOLE_BYTES) + "\"}}")
                .json("POST /pt/small", 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[]}}");
        ListenerLimits listener = new ListenerLimits(64, 30_000, 5_000, 5_000, SEND_TIMEOUT_MS);
        Limits defaults = Limits.DEFAULT;
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: big
                    url: %s
                    routes:
                      - name: pt
                        paths: [/pt]
                        strip_path: false
                        plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener}}]
                """.formatted(upstream.url()), Map.of(), false, Map.of(),
                new Limits(listener, listener, defaults.maxSessionsPerEndpoint(), defaults.maxSessionsPerClient(),
                        defaults.sessionIdleSeconds(), 1, 2_000, defaults.upstreamIdleMs(), false, false,
                        defaults.adminHostNames()));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private static List<String> headers(int length) {
        return List.of("Host: 127.0.0.1", "Content-Type: application/json",
                "Accept: application/json, text/event-stream", "Content-Length: " + length);
    }

    /** Sends {@code path}'s call with {@code extra} headers, reads nothing for a while, then what there is. */
    private static long receivedAfterReadingNothing(String path, String... extra) throws IOException, InterruptedException {
        byte[] call = CALL.getBytes(StandardCharsets.UTF_8);
        long received = 0;
        try (Socket idle = new Socket()) {
            idle.setReceiveBufferSize(4_096);
            idle.connect(new InetSocketAddress("127.0.0.1", gateway.proxy("/").getPort()), 5_000);
            StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\n");
            headers(call.length).forEach(h -> head.append(h).append("\r\n"));
            for (String header : extra) {
                head.append(header).append("\r\n");
            }
            idle.getOutputStream().write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            idle.getOutputStream().write(call);
            idle.getOutputStream().flush();
            Thread.sleep(SEND_TIMEOUT_MS * 4);

            // reads what there is now: a connection the gateway closed ends (or is reset) short of the answer
            idle.setSoTimeout(10_000);
            InputStream in = idle.getInputStream();
            byte[] buffer = new byte[1 << 16];
            try {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    received += n;
                }
            } catch (IOException endedOrStillOpen) {
                // reset by the gateway, or (before the bound) still open after the whole answer
            }
        }
        return received;
    }

    @Test
    void aClientThatAskedToCloseAndReadsNoneOfAnAnswerQueuedWholeIsCutOffToo() throws Exception {
        assertThat(receivedAfterReadingNothing("/pt/whole", "Connection: close"))
                .as("bytes the client got before its connection ended").isLessThan(WHOLE_BYTES);
    }

    @Test
    void aClientThatReadsNoneOfItsAnswerIsCutOffAndTheUpstreamConnectionItHeldServesTheNextCaller()
            throws IOException, InterruptedException {
        byte[] call = CALL.getBytes(StandardCharsets.UTF_8);
        long received = receivedAfterReadingNothing("/pt/big");
        assertThat(received).as("bytes the client got before its connection ended").isLessThan(BODY_BYTES);

        RawConnection.Response next = RawConnection.exchange(gateway.proxy("/").getPort(), "POST", "/pt/small",
                headers(call.length), call);
        assertThat(next.status()).as(next.toString()).isEqualTo(200);
    }

    /**
     * Over h2c the answer waits in the stream's flow control, not the socket: a client that never grants its stream
     * more window (it reads nothing of the answer, and so sends no WINDOW_UPDATE) had the stream, and the pooled
     * upstream connection feeding it, for as long as it liked. The stream is reset after the send timeout and the
     * upstream connection serves the next caller. About one run in eight (more on a loaded machine) the answer's
     * writes fill the window exactly: nothing then waits in Netty's flow controller, Vert.x holds the rest, and the
     * stream must still be seen as held back.
     */
    @Test
    void anH2cStreamWhoseClientGrantsNoWindowIsResetAndTheUpstreamConnectionItHeldServesTheNextCaller()
            throws Exception {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            io.vertx.core.http.HttpClientAgent h2c = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions()
                    .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)
                    .setDefaultHost("127.0.0.1").setDefaultPort(gateway.proxy("/").getPort()));
            java.util.concurrent.CompletableFuture<Throwable> ended = new java.util.concurrent.CompletableFuture<>();
            java.util.concurrent.atomic.AtomicInteger status = new java.util.concurrent.atomic.AtomicInteger();
            h2c.request(new io.vertx.core.http.RequestOptions().setMethod(io.vertx.core.http.HttpMethod.POST)
                            .setURI("/pt/big").addHeader("content-type", "application/json")
                            .addHeader("accept", "application/json, text/event-stream"))
                    .compose(request -> request.send(CALL)).onSuccess(response -> {
                        // reads none of it: the stream's window is never granted again
                        response.pause();
                        status.set(response.statusCode());
                        response.exceptionHandler(ended::complete);
                        response.endHandler(v -> ended.complete(null));
                    }).onFailure(ended::complete);
            Thread.sleep(SEND_TIMEOUT_MS * 4);
            assertThat(status.get()).as("the answer began").isEqualTo(200);
            // within two looks of the timeout; a loaded machine (a whole build beside it) may run them late
            assertThat(ended.get(20, java.util.concurrent.TimeUnit.SECONDS)).as("the stream was reset").isNotNull();

            byte[] call = CALL.getBytes(StandardCharsets.UTF_8);
            RawConnection.Response next = RawConnection.exchange(gateway.proxy("/").getPort(), "POST", "/pt/small",
                    headers(call.length), call);
            assertThat(next.status()).as(next.toString()).isEqualTo(200);
        } finally {
            vertx.close().await();
        }
    }
}
