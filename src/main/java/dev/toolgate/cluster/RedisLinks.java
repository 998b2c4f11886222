package dev.toolgate.cluster;

import io.netty.channel.EventLoop;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The Redis servers this instance talks to, one {@link RedisLink} per distinct {@code redis} block
 * (a rate-limiting plugin and the sessions that name the same Redis share its connections). Links live
 * until a reload drops their block: a reload that keeps a block keeps its connection.
 */
public final class RedisLinks implements AutoCloseable {

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

    @Override
    public synchronized void close() {
        links.values().forEach(RedisLink::close);
        links.clear();
        if (loops != null) {
            loops.close();
            loops = null;
        }
    }
}
