package dev.toolgate.mode.conversion;

import java.util.BitSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The {@code tools/list} pages of the views callers had of the {@link ToolSet}s of one configuration (every
 * conversion and listener endpoint of a gateway), least recently used out past one byte budget: each view is a copy
 * of its part of the list (and, once compressed, its gzip), so a population of distinct views (many
 * consumer-group combinations) would otherwise hold hundreds of copies of a large list, and so would many
 * endpoints serving one large tool set. A view put out is built again on its next use from the same definitions:
 * same pages, same fingerprint, so its callers' cursors keep working.
 */
public final class ViewPages {

    /**
     * Bytes of pages kept per configuration, each page counted once plus its gzip; the most recently used view is
     * kept even when it alone is larger.
     */
    static final long BUDGET = 48L * 1024 * 1024;

    /** Views kept at once, however small: each also holds its key and page lists. */
    static final int MAX_VIEWS = 256;

    /**
     * What is kept: for tests and diagnostics.
     *
     * @param views how many views have pages prepared
     * @param bytes the bytes of their pages, compressed ones included
     */
    public record Kept(int views, long bytes) {
    }

    /**
     * One caller's view of one tool set, the set compared by identity: the same positions of two tool sets are two
     * views, even of equal tools (two endpoints' lists).
     */
    private record View(Object set, BitSet visible) {
        @Override
        public boolean equals(Object other) {
            return other instanceof View view && view.set == set && view.visible.equals(visible);
        }

        @Override
        public int hashCode() {
            return 31 * System.identityHashCode(set) + visible.hashCode();
        }
    }

    private final long budget;
    private final LinkedHashMap<View, ToolPages> kept = new LinkedHashMap<>(16, 0.75f, true);

    ViewPages(long budget) {
        this.budget = budget;
    }

    /**
     * The pages of {@code set}'s view, built with {@code build} outside the lock when they are not kept (a racing
     * build loses). {@code set} is compared by identity.
     */
    ToolPages of(Object set, BitSet visible, Function<BitSet, ToolPages> build) {
        View view = new View(set, visible);
        ToolPages known = get(view);
        return known != null ? known : keep(view, build.apply(visible));
    }

    /** Puts views out again after one grew (its pages were compressed). */
    synchronized void recount() {
        trim();
    }

    synchronized Kept kept() {
        return new Kept(kept.size(), bytes());
    }

    private synchronized ToolPages get(View view) {
        return kept.get(view);
    }

    private synchronized ToolPages keep(View view, ToolPages built) {
        ToolPages raced = kept.putIfAbsent(view, built);
        if (raced != null) {
            return raced;
        }
        trim();
        return built;
    }

    /**
     * Puts out the least recently used views until the rest fit, never the most recently used one: a view
     * larger than the budget alone would otherwise be built again on every list.
     */
    private void trim() {
        long bytes = bytes();
        Iterator<Map.Entry<View, ToolPages>> eldest = kept.entrySet().iterator();
        while ((bytes > budget || kept.size() > MAX_VIEWS) && kept.size() > 1) {
            bytes -= eldest.next().getValue().bytes();
            eldest.remove();
        }
    }

    /** Counted afresh: a view's pages grow when compressed, off the lock, and there are at most {@link #MAX_VIEWS}. */
    private long bytes() {
        long bytes = 0;
        for (ToolPages pages : kept.values()) {
            bytes += pages.bytes();
        }
        return bytes;
    }
}
