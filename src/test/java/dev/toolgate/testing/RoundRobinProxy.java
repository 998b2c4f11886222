package dev.toolgate.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;

import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A load balancer without affinity, as small as a test needs: each request goes to the next instance
 * in turn, whatever session it carries; an instance that refuses the connection (dead, or stopping)
 * is skipped, as a balancer's passive health check would. Answers stream through (SSE included).
 */
public final class RoundRobinProxy implements AutoCloseable {

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "transfer-encoding", "host",
            "content-length", "upgrade", "te", "trailer");

    private final Vertx vertx = Vertx.vertx();
    private final HttpClient client;
    private final HttpServer server;
    private final List<Integer> ports;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger answeredPosts = new AtomicInteger();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private volatile IntConsumer onAnswered = n -> { };
    /** Set as the balancer closes: a request that fails then is not retried with the closed client. */
    private volatile boolean closing;

    /** @param ports the instances' proxy ports, in turn */
    public RoundRobinProxy(List<Integer> ports) {
        this.ports = List.copyOf(ports);
        // a connection per request: a stopped instance's pooled connection is never reused
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setConnectTimeout(1000));
        this.server = vertx.createHttpServer().requestHandler(this::route).listen(0, "127.0.0.1").await();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.actualPort() + path);
    }

    /** Called on the proxy's event loop with the count of POSTs answered so far, after each one. */
    public void onAnswered(IntConsumer hook) {
        this.onAnswered = hook;
    }

    /** Requests no instance could take (the test expects none). */
    public List<String> failures() {
        return failures;
    }

    private void route(HttpServerRequest request) {
        request.body().onSuccess(body -> forward(request, body, next.getAndIncrement(), 0))
                .onFailure(t -> request.response().setStatusCode(400).end());
    }

    private void forward(HttpServerRequest request, Buffer body, int turn, int tried) {
        if (closing) {
            // the test is over; the client would throw on the event loop, which Vert.x logs as an unhandled exception
            request.response().reset();
            return;
        }
        if (tried == ports.size()) {
            failures.add(request.method() + " " + request.uri());
            request.response().setStatusCode(502).end();
            return;
        }
        int port = ports.get(Math.floorMod(turn + tried, ports.size()));
        RequestOptions options = new RequestOptions().setMethod(request.method()).setHost("127.0.0.1").setPort(port)
                .setURI(request.uri());
        request.headers().forEach(h -> {
            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase())) {
                options.addHeader(h.getKey(), h.getValue());
            }
        });
        client.request(options).compose(upstream -> upstream.send(body)).onComplete(answer -> {
            if (answer.failed()) {
                // refused or reset before an answer: the next instance takes it, as a balancer retries
                forward(request, body, turn, tried + 1);
            } else {
                relay(request, answer.result());
            }
        });
    }

    private void relay(HttpServerRequest request, HttpClientResponse upstream) {
        var response = request.response().setStatusCode(upstream.statusCode());
        upstream.headers().forEach(h -> {
            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase())) {
                response.headers().add(h.getKey(), h.getValue());
            }
        });
        response.setChunked(true);
        boolean post = request.method().name().equals("POST");
        upstream.pipeTo(response).onComplete(done -> {
            if (post) {
                onAnswered.accept(answeredPosts.incrementAndGet());
            }
        });
        request.response().closeHandler(v -> upstream.request().reset());
    }

    @Override
    public void close() {
        closing = true;
        server.close().transform(closed -> client.close()).onComplete(v -> vertx.close());
    }
}
