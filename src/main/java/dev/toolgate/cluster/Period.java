package dev.toolgate.cluster;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;

/**
 * Kong's rate-limiting windows: fixed, in UTC, aligned as Kong aligns them ({@code
 * kong.tools.timestamp}): a second, minute, hour or day starts at a multiple of its length since the
 * epoch; a month on its first day, a year on 1 January, at midnight.
 */
public enum Period {
    SECOND(1_000L), MINUTE(60_000L), HOUR(3_600_000L), DAY(86_400_000L), MONTH(0), YEAR(0);

    private final long millis;

    Period(long millis) {
        this.millis = millis;
    }

    /** The name in Kong's config and in its per-window headers: {@code minute}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Its mark in a counter key: the first letter, but {@code mo} for a month, which a minute's
     * {@code m} would otherwise stand for too (and a minute's counts then be read as a month's).
     */
    String code() {
        return this == MONTH ? "mo" : key().substring(0, 1);
    }

    /** As in {@code X-RateLimit-Limit-Minute}. */
    public String title() {
        return name().charAt(0) + key().substring(1);
    }

    /** True for month and year, whose length varies. */
    public boolean calendar() {
        return millis == 0;
    }

    /** Start of the window that holds {@code atMillis}. */
    public long start(long atMillis) {
        if (!calendar()) {
            return Math.floorDiv(atMillis, millis) * millis;
        }
        ZonedDateTime at = Instant.ofEpochMilli(atMillis).atZone(ZoneOffset.UTC);
        ZonedDateTime start = this == MONTH ? at.toLocalDate().withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC)
                : at.toLocalDate().withDayOfYear(1).atStartOfDay(ZoneOffset.UTC);
        return start.toInstant().toEpochMilli();
    }

    /** Start of the next window: when the one holding {@code atMillis} is reset. */
    public long end(long atMillis) {
        if (!calendar()) {
            return start(atMillis) + millis;
        }
        ZonedDateTime start = Instant.ofEpochMilli(start(atMillis)).atZone(ZoneOffset.UTC);
        return (this == MONTH ? start.plusMonths(1) : start.plusYears(1)).toInstant().toEpochMilli();
    }

    /**
     * The window holding {@code atMillis} as a count's key names it: its start in epoch seconds, or for a
     * month or a year the calendar month ({@code 2026-11}) or year ({@code 2026}), in UTC.
     */
    String window(long atMillis) {
        if (!calendar()) {
            return Long.toString(Math.floorDiv(atMillis, millis) * (millis / 1000));
        }
        ZonedDateTime at = Instant.ofEpochMilli(atMillis).atZone(ZoneOffset.UTC);
        return this == MONTH ? at.getYear() + "-" + at.getMonthValue() : Integer.toString(at.getYear());
    }

    /** Kong's {@code RateLimit-Reset}: whole seconds until the window resets, at least 1. */
    public long resetSeconds(long atMillis) {
        return Math.max(1, (end(atMillis) - atMillis + 999) / 1000);
    }
}
