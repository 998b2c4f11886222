package dev.toolgate.cluster;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConfigurationBuilder;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Kong's fixed windows as Bucket4j buckets. A window of N requests is a bandwidth of capacity N
 * refilled by N at every window boundary ({@code refillIntervallyAligned}): the bucket is full again
 * when a window starts, whatever was left, which is a fixed-window counter. Seconds to days share one
 * bucket (one atomic step counts them all); a month or a year, whose length varies, gets a bucket of
 * its own whose key names the calendar month or year, so a new one starts with the window.
 */
final class BucketPlan {

    /**
     * One bucket of a key.
     *
     * @param suffix   added to the key: empty, or the month or year it counts
     * @param periods  its windows, in the order of its bandwidths
     * @param windows  the limits it counts
     * @param atMillis when it is planned
     * @param endsAt   when every window of it has been reset since {@code atMillis}: it may be forgotten then
     */
    record Bucket(String suffix, List<Period> periods, Windows windows, long atMillis, long endsAt) {

        /** Its bandwidths as of {@code atMillis}; built only when a bucket is opened, not on every count. */
        BucketConfiguration config() {
            ConfigurationBuilder builder = BucketConfiguration.builder();
            for (Period period : periods) {
                long limit = windows.limits().get(period);
                long end = period.end(atMillis);
                // a calendar window's bucket is replaced (new key) before its first refill would come
                Duration length = period.calendar() ? Duration.ofDays(400) : Duration.ofMillis(end - period.start(atMillis));
                builder.addLimit(Bandwidth.builder().capacity(limit)
                        .refillIntervallyAligned(limit, length, Instant.ofEpochMilli(end))
                        .id(period.key()).build());
            }
            return builder.build();
        }
    }

    private BucketPlan() {
    }

    static List<Bucket> of(Windows windows, long atMillis) {
        if (!windows.calendar()) {
            return List.of(bucket("", windows.fixed(), windows, atMillis));
        }
        List<Bucket> buckets = new ArrayList<>(2);
        if (!windows.fixed().isEmpty()) {
            buckets.add(bucket("", windows.fixed(), windows, atMillis));
        }
        for (Period calendar : List.of(Period.MONTH, Period.YEAR)) {
            if (windows.limits().containsKey(calendar)) {
                buckets.add(bucket(":" + calendarName(calendar, atMillis), List.of(calendar), windows, atMillis));
            }
        }
        return buckets;
    }

    private static Bucket bucket(String suffix, List<Period> periods, Windows windows, long atMillis) {
        long endsAt = atMillis;
        for (Period period : periods) {
            endsAt = Math.max(endsAt, period.end(atMillis));
        }
        return new Bucket(suffix, periods, windows, atMillis, endsAt);
    }

    private static String calendarName(Period period, long atMillis) {
        var date = Instant.ofEpochMilli(atMillis).atZone(ZoneOffset.UTC);
        return period == Period.MONTH ? date.getYear() + "-" + date.getMonthValue() : String.valueOf(date.getYear());
    }
}
