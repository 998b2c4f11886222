package dev.toolgate.http;

import dev.toolgate.error.GatewayError;
import io.netty.channel.EventLoop;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The proxy listener: one HTTP server per event loop it is given (the gateway gives it one per core, loops
 * nothing else runs on) sharing one port. Each request is routed with
 * the route table current at its arrival and handed to that route's handler; a request in flight
 * keeps the table it started with.
 */
public final class ProxyServer {

    /**
     * The scheme clients reach this listener by: it speaks plain HTTP (TLS ends in front of it), so a log
     * entry's URL need not ask each connection's pipeline whether it holds a TLS handler.
     */
    public static final String SCHEME = "http";

    private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

    private final Vertx vertx;
    private final int port;
    private final List<HttpServer> servers;

    private ProxyServer(Vertx vertx, int port, List<HttpServer> servers) {
        this.vertx = vertx;
        this.port = port;
        this.servers = servers;
    }

    /**
     * Binds {@code host:port} (port 0 picks a free port) with one server on each of {@code loops}, with the
     * listener's connection bounds ({@link ConnectionGuard}).
     */
    public static Future<ProxyServer> start(Vertx vertx, String host, int port, List<EventLoop> loops,
                                            Supplier<RouteTable> table, ListenerLimits limits) {
        AtomicInteger open = new AtomicInteger();
        // Vert.x shares one socket among servers listening on the same host and port; a negative port
        // means "one random port shared by all of them" (port 0 would give each instance its own).
        int shared = port == 0 ? -1 : port;
        AtomicInteger boundPort = new AtomicInteger();
        List<HttpServer> servers = new CopyOnWriteArrayList<>();
        List<Future<Void>> listening = new ArrayList<>();
        for (EventLoop loop : loops) {
            Listener listener = new Listener(vertx, host, shared, table, boundPort, servers, limits, open);
            listening.add(ListenerStart.on(((VertxInternal) vertx).contextBuilder().withEventLoop(loop).build(),
                    listener::start));
        }
        // a start that fails on one loop closes what the others bound, as an undeployment did
        return Future.join(listening).transform(all -> all.succeeded()
                ? Future.succeededFuture(new ProxyServer(vertx, boundPort.get(), List.copyOf(servers)))
                : Future.join(servers.stream().map(HttpServer::close).toList())
                        .transform(closed -> Future.failedFuture(all.cause())));
    }

    /** The bound port. */
    public int port() {
        return port;
    }

    /**
     * Stops accepting connections at once and lets the requests in flight finish: each connection
     * closes after its current exchange, and whatever is still open after {@code grace} is closed.
     */
    public Future<Void> shutdown(Duration grace) {
        ConnectionShutdown.began(vertx);
        return Future.join(servers.stream().map(server -> server.shutdown(grace)).toList()).<Void>mapEmpty().otherwiseEmpty();
    }

    /** One server instance on one event loop. */
    private static final class Listener {
        private final Vertx vertx;
        private final String host;
        private final int port;
        private final Supplier<RouteTable> table;
        private final AtomicInteger boundPort;
        private final List<HttpServer> servers;
        private final ListenerLimits limits;
        /** HTTP/2 streams whose bodies are still arriving, timed on this listener's event loop. */
        private Http2BodyPause pauses;
        private final AtomicInteger open;

        Listener(Vertx vertx, String host, int port, Supplier<RouteTable> table, AtomicInteger boundPort,
                 List<HttpServer> servers, ListenerLimits limits, AtomicInteger open) {
            this.vertx = vertx;
            this.host = host;
            this.port = port;
            this.table = table;
            this.boundPort = boundPort;
            this.servers = servers;
            this.limits = limits;
            this.open = open;
        }

        /** Binds this instance's server; called on its event loop. */
        Future<Void> start() {
            pauses = new Http2BodyPause(vertx, limits.bodyTimeoutMs());
            // no decompression here: BodyReader inflates, bounded, and only for a matched route
            HttpServerOptions options = Http2HeaderList.options(ConnectionGuard.options(new HttpServerOptions()
                    .setTcpNoDelay(true).setReuseAddress(true), limits));
            HttpServer server = vertx.createHttpServer(options).requestHandler(this::route)
                    .invalidRequestHandler(ConnectionGuard::invalidRequest)
                    .connectionHandler(connection -> ConnectionGuard.attach(connection, limits, open));
            return server.listen(port, host).map(s -> {
                // kept first: a guard that throws fails the start, whose clean-up closes only the servers kept
                servers.add(s);
                boundPort.set(s.actualPort());
                ListenerTransport.guard(vertx, s.actualPort(), limits, open);
                return null;
            });
        }

        private void route(HttpServerRequest request) {
            pauses.watch(request);
            try {
                if (request.version() == io.vertx.core.http.HttpVersion.HTTP_2) {
                    // the connection guard stepped out of this h2c connection: the framing rules are checked here
                    GatewayError refused = Http2HeaderList.check(request);
                    if (refused == null) {
                        refused = HttpFraming.check(request);
                    }
                    if (refused != null) {
                        request.resume();
                        ErrorResponses.plain(request.response(), refused);
                        return;
                    }
                }
                RouteTable current = table.get();
                Published document = current.published(request);
                if (document != null) {
                    document.answer(request);
                    return;
                }
                Optional<RouteMatch> match = current.match(request);
                if (match.isEmpty()) {
                    request.resume();
                    ErrorResponses.plain(request.response(), new GatewayError.NoRoute(request.method().name(), request.path()));
                    return;
                }
                current.handler(match.get().route()).handle(request, match.get());
            } catch (RuntimeException e) {
                String errorId = UUID.randomUUID().toString();
                LOG.error("request {} {} failed (error id {})", request.method(), request.path(), errorId, e);
                ErrorResponses.plain(request.response(), new GatewayError.Internal(errorId));
            }
        }
    }
}
