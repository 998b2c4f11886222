package dev.toolgate.cluster;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Kong's fixed windows as Bucket4j buckets, one per window. A window of N requests is a bandwidth of
 * capacity N refilled at every window boundary ({@code refillIntervallyAligned}) by more than it can
 * hold: the bucket is full again when a window starts, whatever was left (a count carried below zero
 * by a lowered limit included), which is a fixed-window counter. A bucket's key names its window but
 * not its limit, as Kong's counter key does, so a changed limit or an added window keeps the counts
 * ({@link BucketCounters} carries them); a month's or a year's key names the calendar month or year,
 * so a new one starts with the window.
 */
final class BucketPlan {

    /**
     * One bucket of a key.
     *
     * @param suffix   added to the key: the window's mark ({@link Period#code()}), and the month or year it counts
     * @param periods  its window (one: a list, as the counting step reads each bucket's windows)
     * @param limit    the window's limit
     * @param atMillis when it is planned
     * @param endsAt   when its window has been reset since {@code atMillis}: it may be forgotten then
     */
    record Bucket(String suffix, List<Period> periods, long limit, long atMillis, long endsAt) {

        /** Its bandwidth as of {@code atMillis}; built only when a bucket is opened or its limit changes. */
        BucketConfiguration config() {
            Period period = periods.get(0);
            long end = period.end(atMillis);
            // a calendar window's bucket is replaced (new key) before its first refill would come
            Duration length = period.calendar() ? Duration.ofDays(400) : Duration.ofMillis(end - period.start(atMillis));
            // one token a nanosecond at most (Bucket4j's bound), which no count below zero outweighs
            long refill = Math.max(limit, length.toNanos());
            return BucketConfiguration.builder().addLimit(Bandwidth.builder().capacity(limit)
                    .refillIntervallyAligned(refill, length, Instant.ofEpochMilli(end))
                    .id(period.key()).build()).build();
        }
    }

    private BucketPlan() {
    }

    static List<Bucket> of(Windows windows, long atMillis) {
        List<Bucket> buckets = new ArrayList<>(windows.limits().size());
        windows.limits().forEach((period, limit) -> {
            String suffix = "|" + period.code() + (period.calendar() ? ":" + calendarName(period, atMillis) : "");
            buckets.add(new Bucket(suffix, List.of(period), limit, atMillis, Math.max(atMillis, period.end(atMillis))));
        });
        return buckets;
    }

    private static String calendarName(Period period, long atMillis) {
        var date = Instant.ofEpochMilli(atMillis).atZone(ZoneOffset.UTC);
        return period == Period.MONTH ? date.getYear() + "-" + date.getMonthValue() : String.valueOf(date.getYear());
    }
}
