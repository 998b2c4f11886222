package dev.toolgate.http;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ClientSSLOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pooled, keep-alive HTTP clients every upstream call goes through. Runs on the Vert.x event
 * loops: nothing here blocks. Timeouts: the service's connect timeout; a buffered call also has the
 * service's read timeout and an overall deadline ({@link BufferedCall}). Two pools: buffered calls (tool calls)
 * ask for compressed answers and decompress them; streamed exchanges (passthrough) neither ask nor
 * decompress, so the upstream answers in the encoding the gateway can observe and relay as is.
 *
 * <p>Each event loop has its own pools: a request made on a loop uses connections of that loop, so
 * the client's connection, the upstream connection and every handler of the exchange run on one
 * thread. A shared pool would hand a loop's requests connections of another loop, and every chunk,
 * pause and resume would then cross threads (Vert.x dispatches them to the caller's context): a
 * hand-off per event, and a pause and its resume on different threads, the suspected cause of a
 * back-pressured stream that stalled once in CI.
 */
public final class UpstreamClient {

    private static final ClientSSLOptions VERIFY = new ClientSSLOptions().setHostnameVerificationAlgorithm("HTTPS");
    private static final ClientSSLOptions NO_VERIFY = new ClientSSLOptions().setTrustAll(true)
            .setHostnameVerificationAlgorithm("");

    /**
     * The two pools of one event loop (or of callers off the loops), and how many exchanges each
     * upstream has in flight on them: beyond the pool size, a request waits for a connection, under the
     * pool wait timeout instead of the service's connect timeout, and a failure says so.
     */
    private record Pools(HttpClientAgent buffered, HttpClientAgent streaming, Map<String, AtomicInteger> busy) {
        AtomicInteger busy(String pool, UpstreamTarget target) {
            return busy.computeIfAbsent(pool + (target.tls() ? "s:" : ":") + target.host() + ":" + target.port(),
                    k -> new AtomicInteger());
        }
    }

    private final Vertx vertx;
    private final PoolOptions pool;
    private final int poolSize;
    private final long poolWaitMs;
    private final Map<Thread, Pools> byLoop = new ConcurrentHashMap<>();
    private final Pools offLoop;
    private final String userAgent;

    /** @param maxConnectionsPerHost pool size per upstream host and port, per event loop */
    public UpstreamClient(Vertx vertx, int maxConnectionsPerHost, String userAgent) {
        this(vertx, maxConnectionsPerHost, 5_000, userAgent);
    }

    /**
     * @param maxConnectionsPerHost pool size per upstream host and port, per event loop
     * @param poolWaitMs            how long a request may wait for a connection when the pool is full
     */
    public UpstreamClient(Vertx vertx, int maxConnectionsPerHost, long poolWaitMs, String userAgent) {
        this.vertx = vertx;
        this.poolSize = maxConnectionsPerHost;
        this.poolWaitMs = poolWaitMs;
        this.pool = new PoolOptions().setHttp1MaxSize(maxConnectionsPerHost);
        this.userAgent = userAgent;
        this.offLoop = newPools();
    }

    private Pools newPools() {
        // buffered answers are asked for compressed and inflated by readBody, bounded: Netty's own inflater
        // would inflate a 256 KB gzip bomb to 256 MiB on the event loop before any limit applied
        return new Pools(vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true), pool),
                vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true), pool),
                new ConcurrentHashMap<>());
    }

    /** The pools of the calling event loop. */
    private Pools pools() {
        if (!Context.isOnEventLoopThread()) {
            return offLoop;
        }
        Thread loop = Thread.currentThread();
        Pools pools = byLoop.get(loop);
        return pools != null ? pools : byLoop.computeIfAbsent(loop, l -> newPools());
    }

    /** Sends a buffered request and reads the whole response, bounded by {@code maxResponseBytes}. */
    public Future<UpstreamResponse> send(UpstreamRequest request) {
        return send(request, null);
    }

    /**
     * Like {@link #send(UpstreamRequest)}; when {@code cancelled} completes first, the upstream request
     * is reset and the result fails.
     */
    public Future<UpstreamResponse> send(UpstreamRequest request, Future<?> cancelled) {
        return send(request, cancelled, null);
    }

    /**
     * Like {@link #send(UpstreamRequest, Future)}; the answer's bytes are also taken from {@code share}
     * (when not null) as they arrive, and the call fails when it has no room left.
     */
    public Future<UpstreamResponse> send(UpstreamRequest request, Future<?> cancelled, AnswerBudget.Share share) {
        UpstreamTarget target = request.target();
        RequestOptions options = options(target, request.method(), request.uri(), request.headers());
        if (!options.getHeaders().contains("user-agent")) {
            options.getHeaders().set("user-agent", userAgent);
        }
        options.getHeaders().set("accept-encoding", "gzip, deflate");
        Pools pools = pools();
        Promise<UpstreamResponse> result = Promise.promise();
        acquire(pools.buffered(), pools.busy("buffered", target), target, options, result.future()).onComplete(ar -> {
            if (ar.failed()) {
                result.tryFail(ar.cause());
            } else {
                BufferedCall.start(vertx, request, ar.result(), result, cancelled, share);
            }
        });
        return result.future();
    }

    /**
     * Opens a streaming exchange (the caller writes the body and reads the response as it arrives):
     * target, TLS and the service's connect timeout applied, the Host header set. No read timeout is
     * set: a stream may be quiet for long; the caller decides.
     */
    public Future<HttpClientRequest> open(UpstreamTarget target, io.vertx.core.http.HttpMethod method, String uri,
                                          MultiMap headers) {
        Pools pools = pools();
        Promise<Void> ended = Promise.promise();
        return acquire(pools.streaming(), pools.busy("streaming", target), target,
                options(target, method, uri, headers), ended.future()).andThen(opened -> {
            if (opened.failed()) {
                ended.tryComplete();
                return;
            }
            opened.result().response().onComplete(answer -> {
                if (answer.failed()) {
                    ended.tryComplete();
                } else {
                    answer.result().end().onComplete(end -> ended.tryComplete());
                }
            });
        });
    }

    private static RequestOptions options(UpstreamTarget target, io.vertx.core.http.HttpMethod method, String uri,
                                          MultiMap headers) {
        RequestOptions options = new RequestOptions()
                .setMethod(method)
                .setHost(target.host())
                .setPort(target.port())
                .setSsl(target.tls())
                .setURI(uri)
                .setHeaders(headers)
                .setConnectTimeout(target.connectTimeoutMs());
        if (target.tls()) {
            options.setSslOptions(target.tlsVerify() ? VERIFY : NO_VERIFY);
        }
        if (!headers.contains("host")) {
            headers.set("host", target.hostHeader());
        }
        return options;
    }

    /**
     * A request on a pooled connection, counted as the upstream's in flight until {@code done} completes:
     * beyond the pool size it waits for a connection under the pool wait timeout, and a failure says so.
     */
    private Future<HttpClientRequest> acquire(HttpClientAgent client, AtomicInteger busy, UpstreamTarget target,
                                              RequestOptions options, Future<?> done) {
        boolean queued = busy.getAndIncrement() >= poolSize;
        if (queued) {
            options.setConnectTimeout(poolWaitMs);
        }
        done.onComplete(d -> busy.decrementAndGet());
        return client.request(options).recover(t -> Future.failedFuture(acquiring(t, target, queued)));
    }

    /** A failure to get a connection: waiting for a busy pool, or connecting. */
    private UpstreamException acquiring(Throwable failure, UpstreamTarget target, boolean queued) {
        boolean timeout = failure.getClass().getSimpleName().contains("Timeout");
        return queued && timeout ? UpstreamException.poolWait(target, poolWaitMs, poolSize)
                : UpstreamException.connecting(failure, target);
    }

    public Future<Void> close() {
        List<Pools> all = new ArrayList<>(byLoop.values());
        all.add(offLoop);
        List<Future<Void>> closing = new ArrayList<>();
        for (Pools pools : all) {
            closing.add(pools.buffered().close());
            closing.add(pools.streaming().close());
        }
        return Future.join(closing).mapEmpty();
    }
}
