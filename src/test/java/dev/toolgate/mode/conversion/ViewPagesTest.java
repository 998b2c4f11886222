package dev.toolgate.mode.conversion;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Callers' views' pages are kept within a byte budget, least recently used out, each page counted once and its gzip
 * beside it, the views of every tool set of a configuration within one budget.
 */
class ViewPagesTest {

    /** The tool set the views are of (compared by identity). */
    private static final Object SET = new Object();

    private final AtomicInteger builds = new AtomicInteger();

    /** One tool definition of about {@code bytes} bytes: a view's pages are then a little larger. */
    private ToolPages pages(BitSet visible, int bytes) {
        builds.incrementAndGet();
        String description = "v" + visible + " " + "x".repeat(bytes);
        return new ToolPages(List.of(("{\"name\":\"t\",\"description\":\"" + description + "\"}")
                .getBytes(StandardCharsets.UTF_8)));
    }

    private static BitSet view(int... positions) {
        BitSet visible = new BitSet();
        for (int p : positions) {
            visible.set(p);
        }
        return visible;
    }

    @Test
    void theLeastRecentlyUsedViewsArePutOutPastTheBudgetAndBuiltAgainAlikeWhenNextUsed() {
        ViewPages views = new ViewPages(3_500);
        ToolPages first = views.of(SET, view(1), v -> pages(v, 1_000));
        views.of(SET, view(2), v -> pages(v, 1_000));
        views.of(SET, view(3), v -> pages(v, 1_000));
        views.of(SET, view(1), v -> pages(v, 1_000)); // used again: view 2 is now the eldest
        views.of(SET, view(4), v -> pages(v, 1_000));

        assertThat(views.kept().views()).isEqualTo(3);
        assertThat(views.kept().bytes()).isLessThanOrEqualTo(3_500);
        assertThat(builds).hasValue(4);
        assertThat(views.of(SET, view(1), v -> pages(v, 1_000))).as("still kept").isSameAs(first);
        ToolPages again = views.of(SET, view(2), v -> pages(v, 1_000));
        assertThat(builds).as("view 2 was put out, and built again").hasValue(5);
        assertThat(again.fingerprint()).isEqualTo(pages(view(2), 1_000).fingerprint());
        assertThat(again.page(null)).get().isEqualTo(pages(view(2), 1_000).page(null).orElseThrow());
    }

    @Test
    void aViewLargerThanTheBudgetIsKeptWhileItIsTheMostRecentlyUsed() {
        ViewPages views = new ViewPages(1_000);
        views.of(SET, view(1), v -> pages(v, 500));
        ToolPages large = views.of(SET, view(2), v -> pages(v, 5_000));
        large.compress();
        views.recount();

        assertThat(views.kept().views()).isEqualTo(1);
        assertThat(views.of(SET, view(2), v -> pages(v, 5_000))).isSameAs(large);
        assertThat(builds).hasValue(2);
    }

    /** About {@code bytes} bytes of definition that gzip cannot shrink much: a view whose gzip counts. */
    private ToolPages noisyPages(BitSet visible, int bytes) {
        builds.incrementAndGet();
        Random random = new Random(visible.hashCode());
        StringBuilder description = new StringBuilder("v" + visible + " ");
        for (int i = 0; i < bytes; i++) {
            description.append((char) ('a' + random.nextInt(26)));
        }
        return new ToolPages(List.of(("{\"name\":\"t\",\"description\":\"" + description + "\"}")
                .getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aCompressedViewCountsItsPageOnceAndItsGzipBesideItAndPutsOutOlderViews() {
        ViewPages views = new ViewPages(5_000);
        views.of(SET, view(1), v -> noisyPages(v, 2_000));
        ToolPages second = views.of(SET, view(2), v -> noisyPages(v, 2_000));
        long page = second.page(null).orElseThrow().length;
        assertThat(second.bytes()).isEqualTo(page);
        assertThat(views.kept().views()).isEqualTo(2);

        second.compress();
        views.recount();

        long gzip = second.compressedPage(null).orElseThrow().deflatedLength();
        assertThat(second.bytes()).as("the page once, and its gzip").isEqualTo(page + gzip).isLessThan(2 * page);
        assertThat(views.kept().views()).as("the gzip took view 1's room").isEqualTo(1);
        assertThat(views.kept().bytes()).isEqualTo(second.bytes()).isLessThanOrEqualTo(5_000);
    }

    @Test
    void theSameViewOfTwoToolSetsIsTwoViewsWithinTheOneBudget() {
        ViewPages views = new ViewPages(2_500);
        Object other = new Object();
        ToolPages mine = views.of(SET, view(1), v -> pages(v, 1_000));
        ToolPages theirs = views.of(other, view(1), v -> pages(v, 1_000));

        assertThat(theirs).isNotSameAs(mine);
        assertThat(views.kept().views()).isEqualTo(2);
        views.of(other, view(2), v -> pages(v, 1_000));
        assertThat(views.kept().views()).as("the other set's view put out this set's").isEqualTo(2);
        assertThat(views.of(SET, view(1), v -> pages(v, 1_000))).isNotSameAs(mine);
        assertThat(builds).hasValue(4);
    }
}
