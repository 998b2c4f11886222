package dev.toolgate.gateway;

import dev.toolgate.http.ListenerTransport;
import dev.toolgate.http.UpstreamClient;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Vert.x and the upstream connection pool on it: what the gateway's endpoints run on, kept across every
 * reload. Apart from {@link Gateway} because both are made off the start's path (Vert.x on its own
 * thread while the configuration loads, the pool when a route first asks for it) and neither knows
 * anything of the configuration.
 *
 * <p>Also the one place that says which loop runs what, decided once when Vert.x starts, not by the order
 * in which the gateway's parts first ask for a context: the proxy's loops, one per core (a proxy instance
 * and a Redis command lane each), and the side loop, one the proxy does not use, for the control plane
 * (the admin and status listeners, the live page, the session sweep, the Redis pub/sub connections that hear
 * the other instances) and the log sinks' sending. Vert.x runs twice as many loops as cores, so there is
 * always one to spare (with one core: the proxy on one loop, the side on the other); the rest stay idle.
 */
final class EventLoops {

    private final Limits limits;
    private final CompletableFuture<Plan> vertxReady;
    private volatile UpstreamClient upstream;
    /** Not the gateway's own lock, which a configuration load holds while it parses and builds. */
    private final Object upstreamLock = new Object();

    EventLoops(Limits limits) {
        this.limits = limits;
        // Vert.x starts on its own thread while the configuration loads; only endpoints need it
        this.vertxReady = CompletableFuture.supplyAsync(() -> Plan.of(startVertx(),
                        Math.max(1, Runtime.getRuntime().availableProcessors())),
                task -> Thread.ofPlatform().name("vertx-start").daemon().start(task));
    }

    /** Vert.x and its loops as the gateway uses them. */
    record Plan(Vertx vertx, List<EventLoop> proxy, ContextInternal side) {

        /**
         * One proxy loop per core, as many as Vert.x has loops but one, and the next loop the side's. Vert.x sizes
         * its loops by the CPUs the process may use, which can be fewer than the processors the JVM is told of
         * ({@code -XX:ActiveProcessorCount}): counting cores alone put two proxy instances on one loop and the side
         * on a proxy's. Only a Vert.x of one loop shares it.
         */
        static Plan of(Vertx vertx, int cores) {
            List<EventLoop> all = new ArrayList<>();
            for (EventExecutor executor : ((VertxInternal) vertx).nettyEventLoopGroup()) {
                all.add((EventLoop) executor);
            }
            int proxyLoops = Math.max(1, Math.min(cores, all.size() - 1));
            EventLoop side = all.get(proxyLoops % all.size());
            return new Plan(vertx, List.copyOf(all.subList(0, proxyLoops)),
                    ((VertxInternal) vertx).contextBuilder().withEventLoop(side).build());
        }
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
        return vertxReady.join().vertx();
    }

    /** The proxy's loops, one per core: each serves a proxy instance and its Redis command lane. */
    List<EventLoop> proxy() {
        return vertxReady.join().proxy();
    }

    /**
     * The side loop, which no proxy instance uses: the admin and status listeners, the live page, the session
     * sweep, the Redis pub/sub connections and the log sinks' sending run here, so that none of them holds up
     * the proxied calls of the loop it would otherwise share.
     */
    ContextInternal side() {
        return vertxReady.join().side();
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
