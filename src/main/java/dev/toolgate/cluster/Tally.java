package dev.toolgate.cluster;

import java.util.EnumMap;
import java.util.Map;

/**
 * The counts of one key in this process: per period, the window being counted and how many requests it
 * holds. A window that has ended counts from 0 again when it is next read, which is Kong's new cache key
 * for the new window. Each tally is its own lock, held for a few array reads and writes: requests of one
 * key wait for each other, those of other keys never do.
 */
final class Tally {

    private static final int PERIODS = Period.values().length;

    /** The key it counts (as kept): what its table holds it under. */
    private final String key;

    /** Per period (by ordinal): when the counted window started and ends, and its count. */
    private final long[] starts = new long[PERIODS];
    private final long[] ends = new long[PERIODS];
    private final long[] counts = new long[PERIODS];
    /** When every window counted here has ended: the tally may be forgotten then. */
    private long endsAt;
    /** Taken out of its table (swept or evicted): a count that finds it so looks the key up again. */
    private volatile boolean retired;
    /** Counted since eviction last passed it (a second chance). */
    volatile boolean used;

    Tally(String key) {
        this.key = key;
    }

    String key() {
        return key;
    }

    /**
     * Counts one request if every window has room; else counts nothing and names the window that refused.
     * Null when the tally was retired meanwhile.
     */
    synchronized Usage hit(Windows windows, long now) {
        if (retired) {
            return null;
        }
        Period exceeded = null;
        for (Map.Entry<Period, Long> window : windows.limits().entrySet()) {
            if (current(window.getKey(), now) >= window.getValue()) {
                exceeded = window.getKey();
            }
        }
        Map<Period, Long> remaining = new EnumMap<>(Period.class);
        for (Map.Entry<Period, Long> window : windows.limits().entrySet()) {
            int i = window.getKey().ordinal();
            long count = exceeded == null ? ++counts[i] : counts[i];
            remaining.put(window.getKey(), Math.max(0, window.getValue() - count));
        }
        return new Usage(windows, remaining, exceeded, now);
    }

    /** Takes {@code counted} back from each of its windows that is still the one counting (never below 0). */
    synchronized void giveBack(Usage counted, long now) {
        for (Period period : counted.windows().limits().keySet()) {
            int i = period.ordinal();
            if (starts[i] <= counted.atMillis() && counted.atMillis() < ends[i] && now < ends[i] && counts[i] > 0) {
                counts[i]--;
            }
        }
    }

    /** Retires the tally when every window it counted has ended: nothing of it is still counting. */
    synchronized boolean retireIfEnded(long now) {
        if (endsAt <= now) {
            retired = true;
        }
        return retired;
    }

    /** Retires the tally whatever it holds: its table needs the room. */
    synchronized void retire() {
        retired = true;
    }

    boolean retired() {
        return retired;
    }

    /**
     * The count of the window of {@code period} holding {@code now}: 0 when that window is a new one. A time
     * before the counted window (read before another request took the lock, or a clock stepped back) counts in
     * it: moving a window back would start its count at 0, and the next request's would again, each time
     * forgetting what the windows had counted.
     */
    private long current(Period period, long now) {
        int i = period.ordinal();
        if (now >= ends[i]) {
            starts[i] = period.start(now);
            ends[i] = period.end(now);
            counts[i] = 0;
            endsAt = Math.max(endsAt, ends[i]);
        }
        return counts[i];
    }
}
