package dev.toolgate.cluster;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.toolgate.config.ConfigNode;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How many requests each fixed window allows (Kong's {@code second} ... {@code year}); at least one.
 * Immutable; what counting needs on every request (the key text, which windows share a bucket) is
 * worked out once, here.
 */
public final class Windows {

    private final Map<Period, Long> limits;
    private final String keySuffix;
    private final List<Period> fixed;
    private final boolean calendar;

    /** @param limits the limit of each configured window */
    public Windows(Map<Period, Long> limits) {
        if (limits.isEmpty()) {
            throw new IllegalArgumentException("at least one window");
        }
        this.limits = Collections.unmodifiableMap(new EnumMap<>(limits));
        this.keySuffix = this.limits.entrySet().stream().map(e -> e.getKey().code() + e.getValue())
                .collect(Collectors.joining(".", "|", ""));
        this.fixed = this.limits.keySet().stream().filter(p -> !p.calendar()).toList();
        this.calendar = this.fixed.size() < this.limits.size();
    }

    /** The limit of each configured window, smallest window first. */
    public Map<Period, Long> limits() {
        return limits;
    }

    /**
     * What a counter key ends with: {@code |} and a short, stable text of the limits ({@code |m5.h100}),
     * so that a changed limit starts new counters (each window marked apart: {@link Period#code()}).
     */
    String keySuffix() {
        return keySuffix;
    }

    /** The windows of a fixed length (second to day), smallest first: they share one bucket. */
    List<Period> fixed() {
        return fixed;
    }

    /** True when a month or a year is limited (each counted in a bucket of its own). */
    boolean calendar() {
        return calendar;
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
