package dev.toolgate.cluster;

import io.lettuce.core.SetArgs;
import io.vertx.core.Future;

import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sealed sessions that were ended (DELETE) before they expire: an entry per session until its id
 * would have expired anyway. In Redis when one is configured, so an ended session is ended on every
 * instance; otherwise in this process only. When Redis cannot be reached, a lookup fails (the session
 * is answered as the store being out of reach, never served: another instance may have ended it) unless
 * this instance knows it ended, and ending a session fails (it cannot be ended for everyone).
 *
 * <p>Sealed sessions cost nothing to open, so ending them is what costs: each client address may end
 * {@link #PER_CLIENT_PER_HOUR} an hour on this instance, past which nothing is written and the caller is
 * told to wait; one address cannot fill Redis, nor this process's {@link #MAX_LOCAL} entries, for the others.
 */
final class Revocations {

    static final int MAX_LOCAL = 100_000;
    /** A full map is walked for expired entries at most this often, not for every session ended. */
    static final long WALK_EVERY_MILLIS = 1_000;
    private static final String PREFIX = "toolgate:revoked:";
    /** Sessions one client address may end per hour on one instance (a day at most fills a quarter of the map). */
    static final int PER_CLIENT_PER_HOUR = 1_000;
    static final long WINDOW_MILLIS = 3_600_000;
    /** Client addresses whose hour is counted; past as many in their hour, a new one takes the place of another. */
    static final int MAX_CLIENTS = 10_000;

    /** One address's hour: when it began, and how many sessions it ended in it. */
    private record Window(long start, int spent) {
    }

    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
    private volatile long windowsWalkedAt = Long.MIN_VALUE / 2;

    private final RedisLink redis;
    private final InstantSource clock;
    private final ConcurrentHashMap<String, Long> local = new ConcurrentHashMap<>();
    private volatile long walkedAt = Long.MIN_VALUE / 2;
    private final LongAdder walks = new LongAdder();

    /** @param redis where revocations are shared, or null to keep them here */
    Revocations(RedisLink redis, InstantSource clock) {
        this.redis = redis;
        this.clock = clock;
    }

    Future<Boolean> revoked(String key) {
        Long until = local.get(key);
        if (until != null && until > clock.millis()) {
            return Future.succeededFuture(true);
        }
        if (redis == null) {
            return Future.succeededFuture(false);
        }
        // fail closed: a session that cannot be checked may have been ended on another instance
        return redis.call(c -> c.exists(bytes(key))).map(n -> n > 0);
    }

    Future<Void> revoke(String key, long untilMillis) {
        return revoke(key, untilMillis, null);
    }

    /** @param client the address that asks (its hour is spent), or null when no client asks */
    Future<Void> revoke(String key, long untilMillis, String client) {
        long now = clock.millis();
        if (untilMillis <= now) {
            return Future.succeededFuture();
        }
        long waitSeconds = spend(client, now);
        if (waitSeconds > 0) {
            return Future.failedFuture(new dev.toolgate.mcp.SessionLimits.TooManyEnded(waitSeconds));
        }
        if (redis != null) {
            // Redis holds it for everyone; the copy here only answers while Redis is down, so a full map
            // skips it rather than growing (sealed sessions cost nothing to open, and so to end)
            return redis.call(c -> c.set(bytes(key), new byte[]{1}, SetArgs.Builder.px(untilMillis - now)))
                    .map(ok -> {
                        remember(key, untilMillis, now);
                        return null;
                    });
        }
        if (!remember(key, untilMillis, now)) {
            return Future.failedFuture(new IllegalStateException("too many ended sessions held in memory"));
        }
        return Future.succeededFuture();
    }

    /** Spends one of the client's hour; 0 when it had one left, else how many seconds until it has. */
    private long spend(String client, long now) {
        if (client == null) {
            return 0;
        }
        if (windows.size() >= MAX_CLIENTS && !windows.containsKey(client)) {
            if (now - windowsWalkedAt >= WALK_EVERY_MILLIS || now < windowsWalkedAt) {
                windowsWalkedAt = now;
                windows.values().removeIf(window -> now - window.start() >= WINDOW_MILLIS || now < window.start());
            }
            // every tracked address is in its hour: one makes room rather than every new address being
            // refused (a public gateway may see more addresses in an hour than are tracked)
            while (windows.size() >= MAX_CLIENTS) {
                windows.keySet().stream().findAny().ifPresent(windows::remove);
            }
        }
        boolean[] spent = {false};
        Window window = windows.compute(client, (address, old) -> {
            if (old == null || now - old.start() >= WINDOW_MILLIS || now < old.start()) {
                spent[0] = true;
                return new Window(now, 1);
            }
            if (old.spent() < PER_CLIENT_PER_HOUR) {
                spent[0] = true;
                return new Window(old.start(), old.spent() + 1);
            }
            return old;
        });
        return spent[0] ? 0 : Math.max(1, (window.start() + WINDOW_MILLIS - now + 999) / 1000);
    }

    /** Keeps the entry here unless {@link #MAX_LOCAL} unexpired ones are kept already. */
    private boolean remember(String key, long untilMillis, long now) {
        if (local.size() >= MAX_LOCAL) {
            // walking 100,000 entries costs milliseconds on the event loop: once a second at most, or a
            // client ending sessions in a loop would hold the loop for each
            if (now - walkedAt >= WALK_EVERY_MILLIS || now < walkedAt) {
                forgetExpired(now);
            }
            if (local.size() >= MAX_LOCAL) {
                return false;
            }
        }
        local.put(key, untilMillis);
        return true;
    }

    /** How many entries this instance keeps itself. */
    int heldHere() {
        return local.size();
    }

    /** Forgets entries whose sessions have expired anyway. */
    void sweep() {
        forgetExpired(clock.millis());
    }

    private void forgetExpired(long now) {
        walkedAt = now;
        walks.increment();
        local.values().removeIf(until -> until <= now);
    }

    /** How many times the map was walked. */
    long walks() {
        return walks.sum();
    }

    private static byte[] bytes(String key) {
        return (PREFIX + key).getBytes(StandardCharsets.UTF_8);
    }
}
