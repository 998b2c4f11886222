package dev.toolgate.cluster;

import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The Redis servers this instance talks to, one {@link RedisLink} per distinct {@code redis} block
 * (a rate-limiting plugin and the sessions that name the same Redis share its connections). Links live
 * until a reload drops their block: a reload that keeps a block keeps its connection.
 */
public final class RedisLinks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisLinks.class);
    /** How long a stop waits for each step of closing Redis: more than Lettuce's own 2 s shutdown timeout. */
    static final long SHUTDOWN_SECONDS = 3;

    private final Map<RedisSettings, RedisLink> links = new ConcurrentHashMap<>();
    private final Supplier<List<EventLoop>> proxyLoops;
    private final Supplier<EventLoop> sideLoop;
    private volatile LettuceLoops loops;

    /**
     * @param proxyLoops the proxy's event loops, which Lettuce shares for commands; null: Lettuce's own threads
     * @param sideLoop   the loop of the control plane, for the pub/sub connections; null: the first command lane's
     */
    public RedisLinks(Supplier<List<EventLoop>> proxyLoops, Supplier<EventLoop> sideLoop) {
        this.proxyLoops = proxyLoops;
        this.sideLoop = sideLoop;
    }

    /**
     * The link for these settings, with its clients: asked for as a configuration is provisioned, never on an
     * event loop. No connection is opened until it is used.
     */
    public RedisLink of(RedisSettings settings) {
        return links.computeIfAbsent(settings, s -> new RedisLink(s, loops()));
    }

    /** Every link made so far. */
    public List<RedisLink> all() {
        return List.copyOf(links.values());
    }

    /** Closes and forgets the links of every Redis but these; returns the ones closed. */
    public synchronized List<RedisLink> closeAllBut(Set<RedisSettings> kept) {
        List<RedisLink> closed = new ArrayList<>();
        links.values().removeIf(link -> {
            if (kept.contains(link.settings())) {
                return false;
            }
            link.close();
            closed.add(link);
            return true;
        });
        return closed;
    }

    private LettuceLoops loops() {
        if (loops == null) {
            synchronized (this) {
                if (loops == null) {
                    loops = LettuceLoops.of(proxyLoops == null ? List.of() : proxyLoops.get(),
                            sideLoop == null ? null : sideLoop.get());
                }
            }
        }
        return loops;
    }

    /**
     * Closes every link, then Lettuce's threads, each step waiting for the one before (bounded): the gateway
     * stops Vert.x's event loops next, and a socket closing on a stopped loop, or a Lettuce notification landing
     * on its stopped computation threads, had Netty log an error with its stack at every stop. On an event loop
     * (never, today) it waits for nothing.
     */
    @Override
    public synchronized void close() {
        List<CompletableFuture<Void>> closing = links.values().stream().map(RedisLink::shutdown).toList();
        links.clear();
        settle(CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)));
        if (loops != null) {
            settle(loops.shutdown());
            loops = null;
        }
    }

    private static void settle(CompletableFuture<?> step) {
        if (Context.isOnEventLoopThread()) {
            return;
        }
        try {
            step.get(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // a client that does not finish in time is left to the JVM's exit: nothing better to do at a stop
            LOG.debug("Redis clients did not shut down cleanly", e);
        }
    }
}
