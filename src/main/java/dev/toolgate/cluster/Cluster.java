package dev.toolgate.cluster;

import dev.toolgate.mcp.SessionIds;
import dev.toolgate.mcp.SessionLimits;
import dev.toolgate.mcp.SessionStore;

import io.netty.channel.EventLoop;

import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The state that outlives a configuration: counters and sessions kept in this process, and the links
 * to the Redis servers the fleet shares. Snapshots are built against it, so a reload that keeps a
 * plugin's limits keeps its counts, and one that keeps a Redis keeps its connection; the Redis servers
 * the new snapshot no longer names have their connections closed ({@link #swapped()}). Nothing here
 * opens a connection until a request needs it (validation builds snapshots too).
 */
public final class Cluster implements AutoCloseable {

    private final InstantSource clock;
    private final RandomGenerator random;
    private final SessionIds ids;
    private final RedisLinks links;
    private final LocalCounters local;
    private final InMemorySessionStore memory;
    private final SessionLimits limits;
    private final SessionBus bus = new SessionBus();
    private final Map<RedisSettings, RedisCounters> shared = new ConcurrentHashMap<>();
    private final Map<RedisSettings, Revocations> revocations = new ConcurrentHashMap<>();
    private final Revocations localRevocations;
    /** The Redis servers named by the snapshot being built, and by the one serving. */
    private Set<RedisSettings> building = ConcurrentHashMap.newKeySet();
    private Set<RedisSettings> serving = Set.of();
    /**
     * The Redis servers whose sessions the snapshot being built shares: the bus joins them when it serves,
     * not before, so that a snapshot only checked ({@code validate}) or refused ({@code POST /config})
     * never connects to them nor hears the fleet's events.
     */
    private Set<RedisSettings> sharing = ConcurrentHashMap.newKeySet();

    /** Without the gateway's Vert.x: Redis I/O on Lettuce's own threads (validation, tests). */
    public Cluster(InstantSource clock, RandomGenerator random) {
        this(clock, random, SessionLimits.DEFAULT, null, null);
    }

    /**
     * @param limits bounds on the sessions this process holds
     * @param proxyLoops the proxy's event loops, asked for when Redis is first used: they do the Redis I/O, each
     *                   for the requests it serves
     * @param sideLoop   the control plane's loop, asked for then too: the pub/sub connections that hear the other
     *                   instances read and handle their messages there, not between a proxy loop's requests
     */
    public Cluster(InstantSource clock, RandomGenerator random, SessionLimits limits,
                   Supplier<List<EventLoop>> proxyLoops, Supplier<EventLoop> sideLoop) {
        this.links = new RedisLinks(proxyLoops, sideLoop);
        this.clock = clock;
        this.random = random;
        this.ids = new SessionIds(random);
        this.local = new LocalCounters(clock);
        this.memory = new InMemorySessionStore(clock, ids, limits);
        this.limits = limits;
        this.localRevocations = new Revocations(null, clock);
    }

    public InstantSource clock() {
        return clock;
    }

    /** Kong's {@code local} policy: counters of this process. */
    public Counters local() {
        return local;
    }

    /** Kong's {@code redis} policy: counters in that Redis. */
    public Counters redis(RedisSettings redis) {
        named(redis);
        return shared.computeIfAbsent(redis, k -> new RedisCounters(links.of(k), clock));
    }

    /**
     * The session store of an endpoint, by its {@code server.session}: {@code client} (sealed in the
     * id, ended sessions in {@code redis} when set), {@code redis}, or this process (no strategy).
     */
    public SessionStore sessions(String strategy, List<String> secrets, RedisSettings redis, long ttlSeconds) {
        named(redis);
        if ("client".equals(strategy)) {
            Revocations ended = redis == null ? localRevocations
                    : revocations.computeIfAbsent(redis, r -> new Revocations(links.of(r), clock));
            if (redis != null) {
                shares(redis);
            }
            return new SealedSessionStore(new SessionCipher(secrets, random), ended, clock);
        }
        if ("redis".equals(strategy)) {
            shares(redis);
            return new RedisSessionStore(links.of(redis), ids, ttlSeconds, limits, clock);
        }
        return memory;
    }

    private synchronized void shares(RedisSettings redis) {
        sharing.add(redis);
    }

    private synchronized void named(RedisSettings redis) {
        if (redis != null) {
            building.add(redis);
        }
    }

    /**
     * The snapshot built since the last swap now serves: the Redis servers it does not name are let go,
     * their connections closed (else every reload that drops or changes a {@code redis} block would
     * leave its connections open for as long as the gateway runs).
     */
    public synchronized void swapped() {
        serving = Set.copyOf(building);
        building = ConcurrentHashMap.newKeySet();
        closeUnused();
        // a Redis still named, by a rate limit say, whose sessions are no longer shared is left too
        bus.share(sharing.stream().map(links::of).toList());
        sharing = ConcurrentHashMap.newKeySet();
    }

    /** A snapshot failed to build: lets go of the Redis servers only it named (none was connected). */
    public synchronized void abandoned() {
        building = ConcurrentHashMap.newKeySet();
        sharing = ConcurrentHashMap.newKeySet();
        closeUnused();
    }

    private void closeUnused() {
        shared.keySet().removeIf(key -> !serving.contains(key));
        revocations.keySet().removeIf(redis -> !serving.contains(redis));
        links.closeAllBut(serving).forEach(bus::leave);
    }

    /** What instances tell each other about sessions. */
    public SessionBus bus() {
        return bus;
    }

    /** Sessions held in this process (endpoints without a strategy). */
    public InMemorySessionStore memory() {
        return memory;
    }

    /** The Redis servers in use, for {@code /status}. */
    public List<RedisLink> redis() {
        return links.all();
    }

    /** Forgets what has expired: idle sessions, counters whose windows all reset, old revocations. */
    public void sweep() {
        long now = clock.millis();
        memory.evictExpired();
        local.sweep(now);
        localRevocations.sweep();
        revocations.values().forEach(Revocations::sweep);
    }

    @Override
    public void close() {
        links.close();
    }
}
