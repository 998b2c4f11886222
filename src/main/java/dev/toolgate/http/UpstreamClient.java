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
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ClientSSLOptions;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pooled, keep-alive HTTP clients every upstream call goes through. Runs on the Vert.x event
 * loops: nothing here blocks. Timeouts: the service's connect timeout; a buffered call also has the
 * service's read timeout and an overall deadline ({@link BufferedCall}). Two pools: buffered calls (tool calls)
 * ask for compressed answers and decompress them; streamed exchanges (passthrough) neither ask nor
 * decompress, so the upstream answers in the encoding the gateway can observe and relay as is. Each twice:
 * services reached over TLS by a host name are named in the handshake (SNI) by clients of their own.
 *
 * <p>Each event loop has its own pools: a request made on a loop uses connections of that loop, so
 * the client's connection, the upstream connection and every handler of the exchange run on one
 * thread. A shared pool would hand a loop's requests connections of another loop, and every chunk,
 * pause and resume would then cross threads (Vert.x dispatches them to the caller's context): a
 * hand-off per event, and a pause and its resume on different threads, the suspected cause of a
 * back-pressured stream that stalled once in CI.
 *
 * <p>Servers close keep-alive connections they find idle, and a request sent on one as it closes
 * fails with no answer. A pooled connection idle past the gateway's own bound is therefore closed
 * rather than used, and a request that failed on a reused connection all the same may go once more
 * on a new one ({@link StaleConnection}).
 */
public final class UpstreamClient {

    private static final ClientSSLOptions VERIFY = new ClientSSLOptions().setHostnameVerificationAlgorithm("HTTPS");
    private static final ClientSSLOptions NO_VERIFY = new ClientSSLOptions().setTrustAll(true)
            .setHostnameVerificationAlgorithm("");
    /** What {@link Pools#idleSince} holds for a connection carrying an exchange. */
    private static final long CARRYING = Long.MIN_VALUE;

    /**
     * The two pools of one event loop (or of callers off the loops), how many exchanges each upstream has
     * in flight on them, and when each connection they gave last finished an exchange ({@link #CARRYING}
     * while it carries one; weakly held, so a closed connection is forgotten). Beyond the pool size, a
     * request waits for a connection, under the pool wait timeout instead of the service's connect
     * timeout, and a failure says so. A connection not in {@code idleSince} is new.
     */
    private record Pools(Clients plain, Clients named, Map<String, AtomicInteger> busy,
                         Map<HttpConnection, Long> idleSince) {

        /**
         * The clients for {@code target}: those that name it (SNI) when it is reached over TLS by a host name.
         * The JDK names only dotted hosts, and a service at {@code https://api:8443} (a short name, as in
         * Kubernetes) behind a server choosing its certificate by name would meet the wrong one; an address
         * is never named (RFC 6066 §3), as nginx does not name it.
         */
        Clients of(UpstreamTarget target) {
            return target.tls() && !address(target.host()) ? named : plain;
        }

        /**
         * True for an IPv6 literal (no name holds a colon) or an all-digit dotted IPv4 one (no top-level domain
         * is all digits): asked on every call, so no parsing, no exception for a name.
         */
        private static boolean address(String host) {
            if (host.indexOf(':') >= 0) {
                return true;
            }
            for (int i = 0; i < host.length(); i++) {
                char c = host.charAt(i);
                if (c != '.' && (c < '0' || c > '9')) {
                    return false;
                }
            }
            return true;
        }
        AtomicInteger busy(String pool, UpstreamTarget target) {
            return busy.computeIfAbsent(pool + (target.tls() ? "s:" : ":") + target.host() + ":" + target.port(),
                    k -> new AtomicInteger());
        }
    }

    /** The pool of buffered calls and the pool of streamed exchanges. */
    private record Clients(HttpClientAgent buffered, HttpClientAgent streaming) {
    }

    /** A request on a connection of the pool; {@code reused} when the connection carried an exchange before. */
    record Lease(HttpClientRequest request, boolean reused) {
    }

    /** How long a pooled connection may sit idle and still be used, by default: below Node.js's 5 s. */
    public static final long DEFAULT_IDLE_MS = 4_000;

    private final Vertx vertx;
    private final PoolOptions pool;
    private final int poolSize;
    private final long poolWaitMs;
    private final long idleNanos;
    private final int idleSeconds;
    private final Map<Thread, Pools> byLoop = new ConcurrentHashMap<>();
    private final Pools offLoop;
    private final String userAgent;

    /** @param maxConnectionsPerHost pool size per upstream host and port, per event loop */
    public UpstreamClient(Vertx vertx, int maxConnectionsPerHost, String userAgent) {
        this(vertx, maxConnectionsPerHost, 5_000, DEFAULT_IDLE_MS, userAgent);
    }

    /**
     * @param maxConnectionsPerHost pool size per upstream host and port, per event loop
     * @param poolWaitMs            how long a request may wait for a connection when the pool is full
     * @param idleMs                a pooled connection idle longer than this is closed, not used: servers close
     *                              idle keep-alive connections, and one closing as a request goes out fails it
     */
    public UpstreamClient(Vertx vertx, int maxConnectionsPerHost, long poolWaitMs, long idleMs, String userAgent) {
        this.vertx = vertx;
        this.poolSize = maxConnectionsPerHost;
        this.poolWaitMs = poolWaitMs;
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(idleMs);
        this.idleSeconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (idleMs + 999) / 1000));
        this.pool = new PoolOptions().setHttp1MaxSize(maxConnectionsPerHost);
        this.userAgent = userAgent;
        this.offLoop = newPools();
    }

    /** Pooled connections per upstream host and port, per event loop. */
    public int poolSize() {
        return poolSize;
    }

    private Pools newPools() {
        // buffered answers are asked for compressed and inflated by BodyReader.inflate, bounded: Netty's own inflater
        // would inflate a 256 KB gzip bomb to 256 MiB on the event loop before any limit applied.
        // Vert.x's keep-alive timeout closes idle connections in the background (its cleaner runs once a
        // second, and a server's Keep-Alive header overrides it): lease() holds the bound exactly.
        return new Pools(new Clients(client(false), client(false)), new Clients(client(true), client(true)),
                new ConcurrentHashMap<>(), Collections.synchronizedMap(new WeakHashMap<>()));
    }

    private HttpClientAgent client(boolean namesServer) {
        // a connection's failure reaches its exchange, which logs it; with no handler of the connection's own,
        // Vert.x would log it again, at ERROR
        return vertx.httpClientBuilder().with(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                .setKeepAliveTimeout(idleSeconds).setForceSni(namesServer)).with(pool)
                .withConnectHandler(ConnectionFailures.onConnect()).build();
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
     * is reset and the result fails. A request that failed on a stale pooled connection may be sent once
     * more on a new one ({@link StaleConnection}).
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
        HttpClientAgent client = pools.of(target).buffered();
        acquire(client, pools, pools.busy("buffered", target), target, options, result.future())
                .onComplete(ar -> {
                    if (ar.failed()) {
                        result.tryFail(ar.cause());
                    } else {
                        BufferedCall.start(vertx, request, ar.result(),
                                () -> fresh(client, target, options, result.future()), result, cancelled,
                                share);
                    }
                });
        return result.future();
    }

    /**
     * Sends a request whose body is known ({@code body}, or null for none) and gives the head of its
     * answer as it arrives; the caller reads the body. Target, TLS and the service's connect timeout
     * applied, the Host header set. No read timeout is set: a stream may be quiet for long; the caller
     * decides, from {@code connected} on (run once, when the request has its connection). When
     * {@code cancelled} completes, the request is reset. A request that failed on a stale pooled
     * connection may be sent once more on a new one ({@link StaleConnection}).
     */
    public Future<HttpClientResponse> exchange(UpstreamTarget target, HttpMethod method, String uri, MultiMap headers,
                                               Buffer body, Future<?> cancelled, Runnable connected) {
        Pools pools = pools();
        Promise<Void> ended = Promise.promise();
        RequestOptions options = options(target, method, uri, headers);
        HttpClientAgent client = pools.of(target).streaming();
        Future<HttpClientResponse> answer = acquire(client, pools, pools.busy("streaming", target), target,
                options, ended.future()).compose(lease -> {
                    connected.run();
                    return StreamedCall.start(target, method, body, lease, cancelled,
                            () -> fresh(client, target, options, ended.future()));
                });
        answer.onComplete(head -> {
            if (head.failed()) {
                ended.tryComplete();
            } else {
                head.result().end().onComplete(end -> ended.tryComplete());
            }
        });
        return answer;
    }

    private static RequestOptions options(UpstreamTarget target, HttpMethod method, String uri,
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
    private Future<Lease> acquire(HttpClientAgent client, Pools pools, AtomicInteger busy, UpstreamTarget target,
                                  RequestOptions options, Future<?> done) {
        boolean queued = busy.getAndIncrement() >= poolSize;
        if (queued) {
            options.setConnectTimeout(poolWaitMs);
        }
        done.onComplete(d -> busy.decrementAndGet());
        return lease(client, pools.idleSince(), options, done)
                .recover(t -> Future.failedFuture(acquiring(t, target, queued)));
    }

    /**
     * A request on a connection of the pool. One that sat idle past the bound is closed instead, and
     * another taken (each pass closes one pooled connection, so this ends): the server may be closing
     * it at this very moment, and a request sent on it then fails with no answer.
     */
    private Future<Lease> lease(HttpClientAgent client, Map<HttpConnection, Long> idleSince, RequestOptions options,
                                Future<?> done) {
        return client.request(options).compose(request -> {
            HttpConnection connection = request.connection();
            Long since = idleSince.put(connection, CARRYING);
            if (since != null && since != CARRYING && System.nanoTime() - since > idleNanos) {
                idleSince.remove(connection);
                request.exceptionHandler(t -> { }); // never sent: it goes with its connection
                return connection.close().transform(closed -> lease(client, idleSince, options, done));
            }
            done.onComplete(d -> idleSince.replace(connection, System.nanoTime()));
            return Future.succeededFuture(new Lease(request, since != null));
        });
    }

    /**
     * A request on a new connection of its own, outside the pool, closed once {@code done} completes:
     * where a request that failed on a stale pooled connection goes again (another pooled connection
     * may be as stale as the first, closed by the server at the same time).
     */
    private Future<HttpClientRequest> fresh(HttpClientAgent client, UpstreamTarget target, RequestOptions options,
                                            Future<?> done) {
        HttpConnectOptions connect = new HttpConnectOptions().setHost(target.host()).setPort(target.port())
                .setSsl(target.tls()).setConnectTimeout(target.connectTimeoutMs());
        if (target.tls()) {
            connect.setSslOptions(target.tlsVerify() ? VERIFY : NO_VERIFY);
        }
        return client.connect(connect).compose(connection -> {
            // a connection of its own: the pool's connect handler never sees it
            ConnectionFailures.onConnect().handle(connection);
            done.onComplete(d -> connection.close());
            return connection.request(options);
        }).recover(t -> Future.failedFuture(UpstreamException.connecting(t, target)));
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
            for (Clients clients : List.of(pools.plain(), pools.named())) {
                closing.add(clients.buffered().close());
                closing.add(clients.streaming().close());
            }
        }
        return Future.join(closing).mapEmpty();
    }
}
