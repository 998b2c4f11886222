package dev.toolgate.mode.conversion;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Callers' views' pages are kept within a byte budget, least recently used out, compressed copies counted. */
class ViewPagesTest {

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
        ToolPages first = views.of(view(1), v -> pages(v, 1_000));
        views.of(view(2), v -> pages(v, 1_000));
        views.of(view(3), v -> pages(v, 1_000));
        views.of(view(1), v -> pages(v, 1_000)); // used again: view 2 is now the eldest
        views.of(view(4), v -> pages(v, 1_000));

        assertThat(views.kept().views()).isEqualTo(3);
        assertThat(views.kept().bytes()).isLessThanOrEqualTo(3_500);
        assertThat(builds).hasValue(4);
        assertThat(views.of(view(1), v -> pages(v, 1_000))).as("still kept").isSameAs(first);
        ToolPages again = views.of(view(2), v -> pages(v, 1_000));
        assertThat(builds).as("view 2 was put out, and built again").hasValue(5);
        assertThat(again.fingerprint()).isEqualTo(pages(view(2), 1_000).fingerprint());
        assertThat(again.page(null)).get().isEqualTo(pages(view(2), 1_000).page(null).orElseThrow());
    }

    @Test
    void aViewLargerThanTheBudgetIsKeptWhileItIsTheMostRecentlyUsed() {
        ViewPages views = new ViewPages(1_000);
        views.of(view(1), v -> pages(v, 500));
        ToolPages large = views.of(view(2), v -> pages(v, 5_000));
        large.compress();
        views.recount();

        assertThat(views.kept().views()).isEqualTo(1);
        assertThat(views.of(view(2), v -> pages(v, 5_000))).isSameAs(large);
        assertThat(builds).hasValue(2);
    }

    @Test
    void compressedCopiesCountOnceTheyAreMadeAndPutOutOlderViews() {
        ViewPages views = new ViewPages(5_000);
        views.of(view(1), v -> pages(v, 2_000));
        ToolPages second = views.of(view(2), v -> pages(v, 2_000));
        long plain = views.kept().bytes();
        assertThat(views.kept().views()).isEqualTo(2);

        second.compress();
        views.recount();

        assertThat(second.bytes()).as("page and its compressed copy").isGreaterThan(plain);
        assertThat(views.kept().views()).as("the compressed copy took view 1's room").isEqualTo(1);
        assertThat(views.kept().bytes()).isEqualTo(second.bytes()).isLessThanOrEqualTo(5_000);
    }
}
