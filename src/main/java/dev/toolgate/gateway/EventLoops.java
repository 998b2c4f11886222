package dev.toolgate.gateway;

import dev.toolgate.http.ListenerTransport;
import dev.toolgate.http.UpstreamClient;
import io.netty.buffer.ByteBufAllocator;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.util.concurrent.CompletableFuture;

/**
 * Vert.x and the upstream connection pool on it: what the gateway's endpoints run on, kept across every
 * reload. Apart from {@link Gateway} because both are made off the start's path (Vert.x on its own
 * thread while the configuration loads, the pool when a route first asks for it) and neither knows
 * anything of the configuration.
 */
final class EventLoops {

    private final Limits limits;
    private final CompletableFuture<Vertx> vertxReady;
    private volatile UpstreamClient upstream;
    /** Not the gateway's own lock, which a configuration load holds while it parses and builds. */
    private final Object upstreamLock = new Object();

    EventLoops(Limits limits) {
        this.limits = limits;
        // Vert.x starts on its own thread while the configuration loads; only endpoints need it
        this.vertxReady = CompletableFuture.supplyAsync(EventLoops::startVertx,
                task -> Thread.ofPlatform().name("vertx-start").daemon().start(task));
    }

    private static Vertx startVertx() {
        // NIO, with a hook at each connection's accept (ListenerTransport: Vert.x has no other)
        Vertx vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(false))
                .withTransport(new ListenerTransport()).build();
        // The first direct buffer Netty takes links malloc and free through the JDK's FFM API (the jar's
        // Enable-Native-Access lets it): about 35 ms, here beside the configuration load instead of in
        // the first request a client sends
        ByteBufAllocator.DEFAULT.directBuffer(1).release();
        return vertx;
    }

    /** Vert.x, waiting for its start if it has not finished. */
    Vertx vertx() {
        return vertxReady.join();
    }

    /** The upstream connection pool, made the first time it is asked for. */
    UpstreamClient upstream() {
        UpstreamClient client = upstream;
        if (client == null) {
            synchronized (upstreamLock) {
                if (upstream == null) {
                    upstream = new UpstreamClient(vertx(), limits.upstreamPoolSize(),
                            limits.upstreamPoolWaitMs(), limits.upstreamIdleMs(),
                            "toolgate/" + Version.current());
                }
                client = upstream;
            }
        }
        return client;
    }
}
