package dev.toolgate.cluster;

import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.VerboseResult;
import io.vertx.core.Future;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.InstantSource;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * Counting with Bucket4j buckets, wherever they are kept. A key's windows live in one bucket or
 * (with a month or year) a few ({@link BucketPlan}); they are taken from in order, and when a later
 * one refuses, the token taken from the earlier ones is given back, so a refused request counts
 * nowhere (as in Kong). Bucket handles are kept per key until every window of the key has been reset,
 * and there are at most {@link #MAX_KEYS}. Past that, a new key takes the place of one not used lately
 * (as Kong's counters dictionary forgets its least recently used): were new keys refused instead, a
 * client minting keys ({@code limit_by: header} values, made-up tool names) would leave every route's
 * new callers uncounted, or refused with {@code fault_tolerant: false}, until its windows ended. With
 * Redis only the handle goes, not the count. A key is
 * kept (here and in Redis) at most {@link #MAX_KEY_CHARS} long plus a digest: keys hold what clients
 * send (a {@code limit_by: header} value, a tool name passthrough counts), and a count must not cost
 * what the client chose to send.
 */
abstract class BucketCounters<B> implements Counters {

    static final int MAX_KEYS = 200_000;
    /** Longer keys are kept as their first this many characters and a digest of the whole. */
    static final int MAX_KEY_CHARS = 200;
    static final long SWEEP_EVERY_MILLIS = 1_000;
    private static final Base64.Encoder DIGEST_TEXT = Base64.getUrlEncoder().withoutPadding();

    /** One bucket as the counting step sees it. */
    interface Slot {
        Future<VerboseResult<ConsumptionProbe>> take();

        Future<Void> giveBack();

        Future<long[]> available();
    }

    /** A key's handle, and whether it was used since eviction last passed it (a second chance). */
    private static final class Held<B> {
        final B bucket;
        final long endsAt;
        volatile boolean used;

        Held(B bucket, long endsAt) {
            this.bucket = bucket;
            this.endsAt = endsAt;
        }
    }

    /** How many used handles eviction passes over before it takes one anyway. */
    private static final int SECOND_CHANCES = 64;

    protected final InstantSource clock;
    /** The most handles this table holds: asked at each new key, since tables may come to share the bound. */
    private final IntSupplier maxKeys;
    private final ConcurrentHashMap<String, Held<B>> held = new ConcurrentHashMap<>();
    /** When the table was last swept (ms): a full one is swept again only after {@link #SWEEP_EVERY_MILLIS}. */
    private volatile long sweptAt = Long.MIN_VALUE / 2;
    private final LongAdder sweeps = new LongAdder();
    /** The keys held, oldest first: eviction's round (CLOCK, an approximation of least recently used). */
    private final ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
    private final LongAdder evictions = new LongAdder();

    BucketCounters(InstantSource clock, IntSupplier maxKeys) {
        this.clock = clock;
        this.maxKeys = maxKeys;
    }

    /**
     * The handles each table may hold so that the {@code lanes} tables of each of {@code counters} Redis
     * configurations together hold at most {@link #MAX_KEYS}: a handle costs ~700 bytes of heap, an instance on a
     * large machine has dozens of event loops, and several rate-limiting plugins may each name their own Redis, so a
     * bound per loop, or per Redis, would let a client minting keys fill gigabytes.
     */
    static int perLane(int lanes, int counters) {
        return (int) Math.max(1, MAX_KEYS / Math.max(1L, (long) lanes * counters));
    }

    /** The clock as Bucket4j reads it: wall-clock time, which aligned refills need. */
    static TimeMeter timeMeter(InstantSource clock) {
        return new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return clock.millis() * 1_000_000L;
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
    }

    /** A new handle on the bucket of {@code key}. */
    protected abstract B open(String key, BucketPlan.Bucket plan);

    protected abstract Slot slot(B bucket);

    @Override
    public Future<Usage> hit(String key, Windows windows) {
        long now = clock.millis();
        List<BucketPlan.Bucket> plan = BucketPlan.of(windows, now);
        Slot[] slots = new Slot[plan.size()];
        String kept = kept(key);
        for (int i = 0; i < slots.length; i++) {
            B bucket = bucket(kept + windows.keySuffix() + plan.get(i).suffix(), plan.get(i), now);
            slots[i] = slot(bucket);
        }
        Map<Period, Long> remaining = new EnumMap<>(Period.class);
        return take(plan, slots, 0, remaining).map(exceeded -> new Usage(windows, remaining, exceeded, now));
    }

    @Override
    public Future<Void> giveBack(String key, Usage counted) {
        // the plan as of the count names the same buckets (a month's or a year's key included)
        List<BucketPlan.Bucket> plan = BucketPlan.of(counted.windows(), counted.atMillis());
        String kept = kept(key);
        long now = clock.millis();
        Future<Void> given = Future.succeededFuture();
        for (BucketPlan.Bucket bucket : plan) {
            if (rolledOver(bucket, now)) {
                // a window that reset since may have been spent from: the request stays counted, not one let through
                continue;
            }
            Slot slot = slot(bucket(kept + counted.windows().keySuffix() + bucket.suffix(), bucket, now));
            given = given.compose(v -> slot.giveBack());
        }
        return given;
    }

    /** True when a window of {@code bucket} has begun again since it was planned. */
    private static boolean rolledOver(BucketPlan.Bucket bucket, long now) {
        for (Period period : bucket.periods()) {
            if (period.start(now) != period.start(bucket.atMillis())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The key as it is kept: itself when short, else its start (for operators reading Redis) and the
     * SHA-256 of the whole, so distinct keys still count apart. The long form is longer than any short
     * one, so a client cannot write a short key that equals another's digest.
     */
    static String kept(String key) {
        if (key.length() <= MAX_KEY_CHARS) {
            return key;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8));
            return key.substring(0, MAX_KEY_CHARS) + "#" + DIGEST_TEXT.encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }

    /** Takes from the buckets from {@code index} on; completes with the window that refused, or null. */
    private Future<Period> take(List<BucketPlan.Bucket> plan, Slot[] slots, int index, Map<Period, Long> remaining) {
        if (index == slots.length) {
            return Future.succeededFuture();
        }
        BucketPlan.Bucket bucket = plan.get(index);
        return slots[index].take().compose(result -> {
            long[] available = result.getDiagnostics().getAvailableTokensPerEachBandwidth();
            record(bucket, available, remaining, 0);
            if (!result.getValue().isConsumed()) {
                Period exceeded = null;
                for (int i = 0; i < available.length; i++) {
                    if (available[i] < 1) {
                        exceeded = bucket.periods().get(i);
                    }
                }
                Period refused = exceeded;
                return look(plan, slots, index + 1, remaining).map(v -> refused);
            }
            return take(plan, slots, index + 1, remaining).compose(exceeded -> exceeded == null
                    ? Future.succeededFuture()
                    : slots[index].giveBack().map(v -> {
                        record(bucket, available, remaining, 1);
                        return exceeded;
                    }));
        });
    }

    /** What is left in the buckets from {@code index} on, without taking. */
    private Future<Void> look(List<BucketPlan.Bucket> plan, Slot[] slots, int index, Map<Period, Long> remaining) {
        if (index == slots.length) {
            return Future.succeededFuture();
        }
        return slots[index].available().compose(available -> {
            record(plan.get(index), available, remaining, 0);
            return look(plan, slots, index + 1, remaining);
        });
    }

    private static void record(BucketPlan.Bucket bucket, long[] available, Map<Period, Long> remaining, long plus) {
        for (int i = 0; i < available.length; i++) {
            remaining.put(bucket.periods().get(i), Math.max(0, available[i] + plus));
        }
    }

    private B bucket(String key, BucketPlan.Bucket plan, long now) {
        Held<B> current = held.get(key);
        if (current != null && current.endsAt > now) {
            if (!current.used) {
                current.used = true;
            }
            return current.bucket;
        }
        int max = maxKeys.getAsInt();
        if (held.size() >= max) {
            // walking the full table costs milliseconds: once a second at most, not once per new key,
            // or a client minting keys (a batch of made-up tool names) would hold the event loop
            if (now - sweptAt >= SWEEP_EVERY_MILLIS || now < sweptAt) {
                sweep(now);
            }
            // two per new key: a table whose share shrank (another Redis named) comes down to it as keys come
            for (int i = 0; i < 2 && held.size() >= max; i++) {
                evictOne();
            }
        }
        return held.compute(key, (k, h) -> {
            if (h != null && h.endsAt > now) {
                return h;
            }
            if (h == null) {
                order.add(k);
            }
            return new Held<>(open(k, plan), plan.endsAt());
        }).bucket;
    }

    /**
     * Makes room for one key: the oldest not used since eviction last passed it, or after
     * {@value #SECOND_CHANCES} used ones, the oldest. A client's flood of new keys, each used once,
     * so pushes out its own keys before those of callers that keep coming.
     */
    private void evictOne() {
        for (int passed = 0; ; ) {
            String key = order.poll();
            if (key == null) {
                return;
            }
            Held<B> oldest = held.get(key);
            if (oldest == null) {
                continue;
            }
            if (oldest.used && passed++ < SECOND_CHANCES) {
                oldest.used = false;
                order.add(key);
                continue;
            }
            if (held.remove(key, oldest)) {
                evictions.increment();
                return;
            }
        }
    }

    /** Forgets the handles of keys whose every window has been reset (their buckets are full again). */
    public void sweep(long now) {
        sweptAt = now;
        sweeps.increment();
        held.values().removeIf(h -> h.endsAt <= now);
        order.removeIf(k -> !held.containsKey(k));
    }

    /** How many handles were evicted to make room. */
    long evictions() {
        return evictions.sum();
    }

    /** How many times the table was walked. */
    long sweeps() {
        return sweeps.sum();
    }

    /** How many keys are held. */
    public int size() {
        return held.size();
    }
}
