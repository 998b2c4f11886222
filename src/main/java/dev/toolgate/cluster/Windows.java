package dev.toolgate.cluster;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.toolgate.config.ConfigNode;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How many requests each fixed window allows (Kong's {@code second} ... {@code year}); at least one.
 * Immutable. The limits are compared with the counts, never part of a count's key: a changed limit
 * meets the usage counted so far (Kong's model).
 */
public final class Windows {

    private final Map<Period, Long> limits;

    /** @param limits the limit of each configured window */
    public Windows(Map<Period, Long> limits) {
        if (limits.isEmpty()) {
            throw new IllegalArgumentException("at least one window");
        }
        this.limits = Collections.unmodifiableMap(new EnumMap<>(limits));
    }

    /** The limit of each configured window, smallest window first. */
    public Map<Period, Long> limits() {
        return limits;
    }

    /**
     * Reads Kong's {@code second} ... {@code year} from a config object, with Kong's rules: each above
     * 0, and a larger window never allows fewer requests than a smaller one. Null when none is set
     * (whether that is a problem is the caller's to say).
     */
    public static Windows read(ConfigNode node) {
        Map<Period, Long> limits = new EnumMap<>(Period.class);
        for (Period period : Period.values()) {
            Long limit = node.integerOrNull(period.key(), 1, Long.MAX_VALUE / 4);
            if (limit != null) {
                limits.put(period, limit);
            }
        }
        Map.Entry<Period, Long> smaller = null;
        for (Map.Entry<Period, Long> e : limits.entrySet()) {
            if (smaller != null && e.getValue() < smaller.getValue()) {
                node.problem(e.getKey().key(), "the limit for " + e.getKey().key() + " (" + e.getValue()
                        + ") cannot be lower than the limit for " + smaller.getKey().key() + " (" + smaller.getValue() + ")");
            }
            smaller = e;
        }
        return limits.isEmpty() ? null : new Windows(limits);
    }

    /** As Kong writes them: {@code {"minute": 5, "hour": 100}} (the Admin API shows this). */
    @JsonValue
    public Map<String, Long> byName() {
        Map<String, Long> named = new java.util.LinkedHashMap<>();
        limits.forEach((period, limit) -> named.put(period.key(), limit));
        return named;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Windows w && w.limits.equals(limits);
    }

    @Override
    public int hashCode() {
        return limits.hashCode();
    }

    /** Shown in messages: {@code 5 per minute, 100 per hour}. */
    @Override
    public String toString() {
        return limits.entrySet().stream().map(e -> e.getValue() + " per " + e.getKey().key())
                .collect(Collectors.joining(", "));
    }
}
