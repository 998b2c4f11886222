package dev.toolgate.cluster;

import io.vertx.core.Future;

import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters in this process (Kong's {@code local} policy): a {@link Tally} per key, which counts each of
 * the key's windows and is its own lock. Owned by the gateway, not by a configuration, so that counts
 * survive every reload; the limits are compared with them, never part of a key, so a reload that lowers a
 * limit refuses at once the callers already over it, and one that raises it allows exactly the difference.
 * A key is kept until every window it counted has ended, and there are at most {@link #MAX_KEYS}. Past
 * that, a new key takes the place of one not used lately (as Kong's counters dictionary forgets its least
 * recently used): were new keys refused instead, a client minting keys ({@code limit_by: header} values,
 * made-up tool names) would leave every route's new callers uncounted, or refused with
 * {@code fault_tolerant: false}, until its windows ended.
 */
public final class LocalCounters implements Counters {

    static final int MAX_KEYS = 200_000;
    static final long SWEEP_EVERY_MILLIS = 1_000;
    /** How many used keys eviction passes over before it takes one anyway. */
    private static final int SECOND_CHANCES = 64;

    private final InstantSource clock;
    private final ConcurrentHashMap<String, Tally> tallies = new ConcurrentHashMap<>();
    /**
     * The tallies held, oldest first: eviction's round (CLOCK, an approximation of least recently used). Tallies,
     * not keys: a sweep takes out the ones it retired, never one just made whose key it could not see in the table
     * yet (which would then stay out of the round, never evicted).
     */
    private final ConcurrentLinkedQueue<Tally> order = new ConcurrentLinkedQueue<>();
    /** When the table was last swept (ms): a full one is swept again only after {@link #SWEEP_EVERY_MILLIS}. */
    private volatile long sweptAt = Long.MIN_VALUE / 2;
    private final LongAdder sweeps = new LongAdder();
    private final LongAdder evictions = new LongAdder();

    public LocalCounters(InstantSource clock) {
        this.clock = clock;
    }

    @Override
    public Future<Usage> hit(String key, Windows windows) {
        long now = clock.millis();
        String kept = CountKey.kept(key);
        while (true) {
            // a tally swept or evicted between the look-up and the count is looked up again, not counted in
            Usage usage = tally(kept, now).hit(windows, now);
            if (usage != null) {
                return Future.succeededFuture(usage);
            }
        }
    }

    @Override
    public Future<Void> giveBack(String key, Usage counted) {
        Tally tally = tallies.get(CountKey.kept(key));
        if (tally != null) {
            // a tally gone since was swept (its windows ended) or evicted (its counts forgotten): nothing to give
            tally.giveBack(counted, clock.millis());
        }
        return Future.succeededFuture();
    }

    private Tally tally(String key, long now) {
        Tally current = tallies.get(key);
        if (current != null && !current.retired()) {
            if (!current.used) {
                current.used = true;
            }
            return current;
        }
        if (tallies.size() >= MAX_KEYS) {
            // walking the full table costs milliseconds: once a second at most, not once per new key,
            // or a client minting keys (a batch of made-up tool names) would hold the event loop
            if (now - sweptAt >= SWEEP_EVERY_MILLIS || now < sweptAt) {
                sweep(now);
            }
            for (int i = 0; i < 2 && tallies.size() >= MAX_KEYS; i++) {
                evictOne();
            }
        }
        return tallies.compute(key, (k, t) -> {
            if (t != null && !t.retired()) {
                return t;
            }
            // a retired key left the round when it was evicted: it joins it again
            Tally made = new Tally(k);
            order.add(made);
            return made;
        });
    }

    /**
     * Makes room for one key: the oldest not used since eviction last passed it, or after
     * {@value #SECOND_CHANCES} used ones, the oldest. A client's flood of new keys, each used once,
     * so pushes out its own keys before those of callers that keep coming.
     */
    private void evictOne() {
        for (int passed = 0; ; ) {
            Tally oldest = order.poll();
            if (oldest == null) {
                return;
            }
            if (oldest.retired()) {
                continue;
            }
            if (oldest.used && passed++ < SECOND_CHANCES) {
                oldest.used = false;
                order.add(oldest);
                continue;
            }
            // retired first: a count that took it before it left the table counts again in its successor
            oldest.retire();
            if (tallies.remove(oldest.key(), oldest)) {
                evictions.increment();
                return;
            }
        }
    }

    /** Forgets the keys whose every window has ended (the gateway calls it every minute). */
    public void sweep(long now) {
        sweptAt = now;
        sweeps.increment();
        tallies.values().removeIf(t -> t.retireIfEnded(now));
        order.removeIf(Tally::retired);
    }

    /** How many keys were evicted to make room. */
    long evictions() {
        return evictions.sum();
    }

    /** How many times the table was walked. */
    long sweeps() {
        return sweeps.sum();
    }

    /** How many keys are held. */
    public int size() {
        return tallies.size();
    }
}
