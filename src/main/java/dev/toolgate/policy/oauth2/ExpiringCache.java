package dev.toolgate.policy.oauth2;

import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded map whose entries expire: introspection results and exchanged tokens, keyed by a digest of
 * the client's token. At most {@code capacity} entries (the least recently used goes first), so a
 * flood of distinct tokens cannot grow memory. Thread-safe (entries are written on virtual threads
 * and read on event loops); every operation is a short critical section.
 */
final class ExpiringCache<V> {

    private record Held<V>(V value, Instant expires) {
    }

    private final InstantSource clock;
    private final Map<String, Held<V>> entries;

    ExpiringCache(InstantSource clock, int capacity) {
        this.clock = clock;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Held<V>> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The live value under {@code key}, or null. */
    synchronized V get(String key) {
        Held<V> entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        if (!entry.expires().isAfter(clock.instant())) {
            entries.remove(key);
            return null;
        }
        return entry.value();
    }

    /** Keeps {@code value} until {@code expires}; nothing when that is not in the future. */
    synchronized void put(String key, V value, Instant expires) {
        if (expires.isAfter(clock.instant())) {
            entries.put(key, new Held<>(value, expires));
        }
    }
}
