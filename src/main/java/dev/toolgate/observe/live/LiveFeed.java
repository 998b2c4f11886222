package dev.toolgate.observe.live;

import dev.toolgate.observe.McpEvent;
import dev.toolgate.observe.TrafficSink;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;

/**
 * The live page's source: the last {@link #CAPACITY} MCP messages in a ring that event loops write
 * without locks and that each open page reads from its own position, and the per-tool statistics of
 * the last minutes. Writing costs a slot and a few counters whether or not anyone watches; a page
 * that falls behind by more than the ring skips ahead and is told how many it missed.
 */
public final class LiveFeed implements TrafficSink {

    /**
     * A page reads at most the newest 200 messages a tick; the ring holds those with room to spare, and
     * no more: every message in it outlives the young collections that find it there. At 4096 the ring
     * kept a fifth of a second of traffic alive at 15,000 calls a second: each young collection copied
     * about 4,000 messages and promoted many (young pauses of 4-6 ms instead of 2, and an old
     * generation growing by half a megabyte a second towards a full collection).
     */
    public static final int CAPACITY = 512;

    /** Messages read from a position, and where the next read starts. */
    public record Page(List<McpEvent> events, long next, long missed) {
    }

    /**
     * A message and its position, written to a slot as one: kept apart (an array of messages, one of
     * positions), a reader could take the message a writer had just put in a slot under the position
     * still there, the one 512 before.
     */
    private record Entry(long sequence, McpEvent event) {
    }

    private final AtomicReferenceArray<Entry> ring = new AtomicReferenceArray<>(CAPACITY);
    private final AtomicLong next = new AtomicLong();
    private final ToolStats stats;

    public LiveFeed(LongSupplier clock) {
        this.stats = new ToolStats(clock);
    }

    @Override
    public void message(McpEvent event) {
        long sequence = next.getAndIncrement();
        ring.set((int) (sequence & (CAPACITY - 1)), new Entry(sequence, event));
        stats.add(event);
    }

    /** Where a page that shows only new messages starts. */
    public long position() {
        return next.get();
    }

    /** The messages from {@code from} on, at most {@code max}. */
    public Page since(long from, int max) {
        long end = next.get();
        long start = Math.max(from, end - CAPACITY + 1);
        long missed = start - from;
        List<McpEvent> events = new ArrayList<>((int) Math.min(max, Math.max(0, end - start)));
        long position = start;
        while (position < end && events.size() < max) {
            Entry entry = ring.get((int) (position & (CAPACITY - 1)));
            if (entry == null || entry.sequence() != position) {
                // not written yet (or already overwritten): read it next time
                break;
            }
            events.add(entry.event());
            position++;
        }
        return new Page(events, position, Math.max(0, missed));
    }

    /** Per-tool rates, error ratios and latency percentiles over the last minutes, busiest first. */
    public List<ToolStats.Row> stats() {
        return stats.rows();
    }

    /** The window the statistics cover, in seconds. */
    public static int windowSeconds() {
        return ToolStats.WINDOW_SECONDS;
    }
}
