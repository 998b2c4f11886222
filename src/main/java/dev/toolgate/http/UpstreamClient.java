package dev.toolgate.http;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ClientSSLOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pooled, keep-alive HTTP clients every upstream call goes through. Runs on the Vert.x event
 * loops: nothing here blocks. Timeouts: the service's connect and read timeouts per request, plus an
 * overall deadline that resets the request when it passes. Two pools: buffered calls (tool calls)
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
        UpstreamTarget target = request.target();
        RequestOptions options = new RequestOptions()
                .setMethod(request.method())
                .setHost(target.host())
                .setPort(target.port())
                .setSsl(target.tls())
                .setURI(request.uri())
                .setHeaders(request.headers())
                .setConnectTimeout(target.connectTimeoutMs())
                .setIdleTimeout(target.readTimeoutMs());
        if (target.tls()) {
            options.setSslOptions(target.tlsVerify() ? VERIFY : NO_VERIFY);
        }
        if (!options.getHeaders().contains("host")) {
            options.getHeaders().set("host", target.hostHeader());
        }
        if (!options.getHeaders().contains("user-agent")) {
            options.getHeaders().set("user-agent", userAgent);
        }
        options.getHeaders().set("accept-encoding", "gzip, deflate");
        Pools pools = pools();
        AtomicInteger busy = pools.busy("buffered", target);
        boolean queued = busy.getAndIncrement() >= poolSize;
        if (queued) {
            options.setConnectTimeout(poolWaitMs);
        }
        Promise<UpstreamResponse> result = Promise.promise();
        result.future().onComplete(done -> busy.decrementAndGet());
        pools.buffered().request(options).onComplete(ar -> {
            if (ar.failed()) {
                result.tryFail(acquiring(ar.cause(), target, queued));
                return;
            }
            HttpClientRequest req = ar.result();
            // failures reach the result below; without a handler Vert.x logs every reset as an error
            req.exceptionHandler(t -> result.tryFail(UpstreamException.from(t, target)));
            long timer = vertx.setTimer(request.timeoutMs(), id -> {
                if (result.tryFail(new UpstreamException(UpstreamException.Kind.TIMEOUT, target.service(),
                        "gave no complete answer within " + request.timeoutMs() + " ms"))) {
                    req.reset();
                }
            });
            if (cancelled != null) {
                cancelled.onComplete(c -> {
                    vertx.cancelTimer(timer);
                    if (result.tryFail(new UpstreamException(UpstreamException.Kind.BROKEN, "the call was cancelled"))) {
                        req.reset();
                    }
                });
            }
            req.response().onComplete(resp -> {
                if (resp.failed()) {
                    vertx.cancelTimer(timer);
                    result.tryFail(UpstreamException.from(resp.cause(), target));
                } else if (resp.result().statusCode() < 100 || resp.result().statusCode() > 599) {
                    vertx.cancelTimer(timer);
                    result.tryFail(UpstreamException.invalidStatus(target, resp.result().statusCode()));
                    req.reset();
                } else {
                    readBody(resp.result(), req, request, result, timer);
                }
            });
            Future<Void> sent = request.body() == null ? req.end() : req.end(request.body());
            sent.onFailure(t -> {
                vertx.cancelTimer(timer);
                result.tryFail(UpstreamException.from(t, request.target()));
            });
        });
        return result.future();
    }

    /**
     * Opens a streaming exchange (the caller writes the body and reads the response as it arrives):
     * target, TLS and the service's connect timeout applied, the Host header set. No idle timeout is
     * set: a stream may be quiet for long, and Vert.x cannot lift one once set; the caller decides.
     */
    public Future<HttpClientRequest> open(UpstreamTarget target, io.vertx.core.http.HttpMethod method, String uri,
                                          io.vertx.core.MultiMap headers) {
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
        Pools pools = pools();
        AtomicInteger busy = pools.busy("streaming", target);
        boolean queued = busy.getAndIncrement() >= poolSize;
        if (queued) {
            options.setConnectTimeout(poolWaitMs);
        }
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                busy.decrementAndGet();
            }
        };
        return pools.streaming().request(options).andThen(opened -> {
            if (opened.failed()) {
                release.run();
                return;
            }
            opened.result().response().onComplete(answer -> {
                if (answer.failed()) {
                    release.run();
                } else {
                    answer.result().end().onComplete(end -> release.run());
                }
            });
        }).recover(t -> Future.failedFuture(acquiring(t, target, queued)));
    }

    /** A failure to get a connection: waiting for a busy pool, or connecting. */
    private UpstreamException acquiring(Throwable failure, UpstreamTarget target, boolean queued) {
        boolean timeout = failure.getClass().getSimpleName().contains("Timeout");
        return queued && timeout ? UpstreamException.poolWait(target, poolWaitMs, poolSize)
                : UpstreamException.connecting(failure, target);
    }

    private void readBody(HttpClientResponse response, HttpClientRequest req, UpstreamRequest request,
                          Promise<UpstreamResponse> result, long timer) {
        Buffer body = Buffer.buffer();
        response.handler(chunk -> {
            if (body.length() + chunk.length() > request.maxResponseBytes()) {
                vertx.cancelTimer(timer);
                if (result.tryFail(new UpstreamException(UpstreamException.Kind.TOO_LARGE,
                        request.target().service(), "answered more than " + request.maxResponseBytes() + " bytes"))) {
                    req.reset();
                }
                return;
            }
            body.appendBuffer(chunk);
        });
        response.exceptionHandler(t -> {
            vertx.cancelTimer(timer);
            result.tryFail(UpstreamException.from(t, request.target()));
        });
        response.endHandler(v -> {
            vertx.cancelTimer(timer);
            String coding = response.getHeader("content-encoding");
            boolean gzip = "gzip".equalsIgnoreCase(coding) || "x-gzip".equalsIgnoreCase(coding);
            if (!gzip && !"deflate".equalsIgnoreCase(coding)) {
                result.tryComplete(new UpstreamResponse(response.statusCode(), response.statusMessage(),
                        response.headers(), body));
                return;
            }
            BodyReader.inflate(body, gzip, request.maxResponseBytes()).onComplete(inflated -> {
                if (inflated.failed()) {
                    result.tryFail(inflated.cause() instanceof dev.toolgate.error.GatewayException
                            && ((dev.toolgate.error.GatewayException) inflated.cause()).error()
                            instanceof dev.toolgate.error.GatewayError.BodyTooLarge
                            ? new UpstreamException(UpstreamException.Kind.TOO_LARGE, request.target().service(),
                                    "answered more than " + request.maxResponseBytes() + " bytes")
                            : new UpstreamException(UpstreamException.Kind.BROKEN, request.target().service(),
                                    "sent a body that is not valid " + coding));
                    return;
                }
                MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(response.headers());
                headers.remove("content-encoding");
                headers.remove("content-length");
                result.tryComplete(new UpstreamResponse(response.statusCode(), response.statusMessage(), headers,
                        inflated.result()));
            });
        });
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
