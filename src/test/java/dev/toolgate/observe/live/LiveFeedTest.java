package dev.toolgate.observe.live;

import dev.toolgate.observe.McpEvent;
import dev.toolgate.observe.Origin;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class LiveFeedTest {

    private static final Origin ORIGIN = new Origin(new Origin.RouteFacts("r1", "widgets-mcp", "s1", "widgets",
            "conversion-listener", true, false, false), null, null, null, "10.0.0.7", "gw.example", "2025-06-18");

    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private final LiveFeed feed = new LiveFeed(clock::get);

    private static McpEvent call(int n) {
        return new McpEvent(ORIGIN, 1_700_000_000_000L, "session-1", Integer.toString(n), "tools/call", "getWidget", null,
                2_000_000, 1_000_000, 500_000, 200, "widgets", "127.0.0.1:9", 80, 120, null, null, false, false, null, null,
                null, null, null);
    }

    private void write(int from, int count) {
        for (int i = from; i < from + count; i++) {
            feed.message(call(i));
        }
    }

    @Test
    void aPageReadsTheMessagesFromItsPositionInOrderAndWhereToGoOn() {
        write(0, 5);
        long position = feed.position();
        write(5, 3);

        LiveFeed.Page page = feed.since(position, 200);

        assertThat(page.events()).extracting(McpEvent::id).containsExactly("5", "6", "7");
        assertThat(page.next()).isEqualTo(8);
        assertThat(page.missed()).isZero();
        assertThat(feed.since(page.next(), 200).events()).isEmpty();
    }

    @Test
    void aPageReadsAtMostWhatItAsksForAndTheRestNextTime() {
        write(0, 10);

        LiveFeed.Page first = feed.since(0, 4);
        LiveFeed.Page second = feed.since(first.next(), 200);

        assertThat(first.events()).extracting(McpEvent::id).containsExactly("0", "1", "2", "3");
        assertThat(second.events()).hasSize(6).first().extracting(McpEvent::id).isEqualTo("4");
    }

    @Test
    void aPageThatFellBehindTheRingSkipsToTheOldestKeptAndIsToldHowManyItMissed() {
        write(0, LiveFeed.CAPACITY + 100);

        LiveFeed.Page page = feed.since(0, LiveFeed.CAPACITY);

        assertThat(page.missed()).isEqualTo(101);
        assertThat(page.events().getFirst().id()).isEqualTo("101");
        assertThat(page.next()).isEqualTo(LiveFeed.CAPACITY + 100);
    }

    @Test
    void theRingHoldsMoreThanTheMostAPageReadsInATick() {
        // the dashboard reads the newest 200 each tick: they must all still be there
        write(0, 10_000);

        LiveFeed.Page page = feed.since(feed.position() - 200, 200);

        assertThat(page.missed()).isZero();
        assertThat(page.events()).hasSize(200);
    }

    @Test
    void aPageLappedByWritersNeverShowsAMessageUnderAnotherOnesPosition() throws Exception {
        // writers lap the reader all the time, and each writer's messages take increasing positions: a
        // message read under a position it was not written at comes before older ones of its writer
        int writers = 2;
        AtomicBoolean done = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int n = 0; !done.get(); n++) {
                    feed.message(call(writer * 1_000_000_000 + n));
                }
            }));
        }
        long[] last = new long[writers];
        java.util.Arrays.fill(last, -1);
        long from = 0;
        long deadline = System.nanoTime() + 3_000_000_000L;
        String wrong = null;
        try {
            while (wrong == null && System.nanoTime() < deadline) {
                LiveFeed.Page page = feed.since(from, LiveFeed.CAPACITY);
                for (McpEvent e : page.events()) {
                    int id = Integer.parseInt(e.id());
                    int writer = id / 1_000_000_000;
                    int n = id % 1_000_000_000;
                    if (n <= last[writer]) {
                        wrong = "message " + n + " of writer " + writer + " after its message " + last[writer];
                    }
                    last[writer] = n;
                }
                from = page.next();
            }
        } finally {
            done.set(true);
            for (Thread t : threads) {
                t.join();
            }
        }

        assertThat(wrong).isNull();
    }

    @Test
    void toolNamesAClientMakesUpNeverCrowdTheRealToolsOutOfTheStatistics() {
        // each made-up name is refused as an unknown tool (-32602, a name nobody listed): no evidence it is real
        for (int i = 0; i < 2_000; i++) {
            feed.message(new McpEvent(ORIGIN, 1_700_000_000_000L, "session-1", Integer.toString(i), "tools/call",
                    "made-up-" + i, null, 1_000_000, -1, -1, -1, null, null, 80, 120, -32602, "Unknown tool", false, false,
                    null, null, null, null, null));
        }
        feed.message(call(1));

        assertThat(feed.stats()).extracting(ToolStats.Row::name).contains("getWidget");
        assertThat(feed.stats()).extracting(ToolStats.Row::name).noneMatch(t -> t.startsWith("made-up-"));
    }
}
