package dev.toolgate.observe.live;

import dev.toolgate.observe.LabelBounds;
import dev.toolgate.observe.McpEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Rates, error ratios and latency percentiles per route and tool (or method, for other requests)
 * over the last {@link #WINDOW_SECONDS} seconds, in slots of {@link #SLOT_SECONDS} seconds: fixed
 * memory per name, nothing allocated per message. Names are bounded per route (a passthrough's tool
 * names come from clients); past the bound they share {@code (other)}.
 */
public final class ToolStats {

    static final int SLOT_SECONDS = 10;
    static final int SLOTS = 30;
    static final int WINDOW_SECONDS = SLOT_SECONDS * SLOTS;
    /** Upper bounds of the latency buckets, in milliseconds (the last one catches the rest). */
    static final long[] BOUNDS_MS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 30_000, Long.MAX_VALUE};
    private static final int MAX_NAMES = 512;

    /** What the page shows for one name. */
    public record Row(String route, String name, boolean tool, long calls, long errors, double perSecond, long p50Ms, long p99Ms) {
    }

    private static final class Window {
        private final boolean tool;
        private final long[] epochs = new long[SLOTS];
        private final long[] calls = new long[SLOTS];
        private final long[] errors = new long[SLOTS];
        private final long[][] buckets = new long[SLOTS][BOUNDS_MS.length];

        Window(boolean tool) {
            this.tool = tool;
        }

        synchronized void add(long slot, boolean failed, long latencyMs) {
            int i = (int) (slot % SLOTS);
            if (epochs[i] != slot) {
                epochs[i] = slot;
                calls[i] = 0;
                errors[i] = 0;
                java.util.Arrays.fill(buckets[i], 0);
            }
            calls[i]++;
            if (failed) {
                errors[i]++;
            }
            int b = 0;
            while (latencyMs > BOUNDS_MS[b]) {
                b++;
            }
            buckets[i][b]++;
        }

        synchronized Row row(String route, String name, long now) {
            long c = 0;
            long e = 0;
            long[] merged = new long[BOUNDS_MS.length];
            for (int i = 0; i < SLOTS; i++) {
                if (now - epochs[i] < SLOTS) {
                    c += calls[i];
                    e += errors[i];
                    for (int b = 0; b < merged.length; b++) {
                        merged[b] += buckets[i][b];
                    }
                }
            }
            return new Row(route, name, tool, c, e, c / (double) WINDOW_SECONDS, percentile(merged, c, 0.5),
                    percentile(merged, c, 0.99));
        }

        private static long percentile(long[] buckets, long total, double q) {
            if (total == 0) {
                return 0;
            }
            long rank = (long) Math.ceil(q * total);
            long seen = 0;
            for (int b = 0; b < buckets.length; b++) {
                seen += buckets[b];
                if (seen >= rank) {
                    return BOUNDS_MS[b] == Long.MAX_VALUE ? BOUNDS_MS[b - 1] : BOUNDS_MS[b];
                }
            }
            return BOUNDS_MS[BOUNDS_MS.length - 2];
        }
    }

    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Window>> byRoute = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    ToolStats(LongSupplier clock) {
        this.clock = clock;
    }

    void add(McpEvent e) {
        if (e.notification()) {
            return;
        }
        String route = e.origin().route().routeName();
        ConcurrentHashMap<String, Window> names = byRoute.get(route);
        if (names == null) {
            names = byRoute.computeIfAbsent(route, r -> new ConcurrentHashMap<>());
        }
        String name = e.tool() != null ? e.tool() : e.method();
        Window window = names.get(name);
        if (window == null) {
            boolean tool = e.tool() != null;
            // a name takes one of the route's places for good: only on evidence that it is real (as a metric
            // label), so that names a client makes up and gets refused never crowd the real tools out
            window = names.size() >= MAX_NAMES || !LabelBounds.proven(e)
                    ? names.computeIfAbsent(LabelBounds.OTHER, n -> new Window(tool))
                    : names.computeIfAbsent(name, n -> new Window(tool));
        }
        window.add(clock.getAsLong() / 1000 / SLOT_SECONDS, e.failed(), e.latencyMillis());
    }

    /** Every name with calls in the window, busiest first. */
    List<Row> rows() {
        long now = clock.getAsLong() / 1000 / SLOT_SECONDS;
        List<Row> rows = new ArrayList<>();
        byRoute.forEach((route, names) -> names.forEach((name, window) -> {
            Row row = window.row(route, name, now);
            if (row.calls() > 0) {
                rows.add(row);
            }
        }));
        rows.sort((a, b) -> Long.compare(b.calls(), a.calls()));
        return rows;
    }
}
