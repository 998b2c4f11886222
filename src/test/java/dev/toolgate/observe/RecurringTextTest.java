package dev.toolgate.observe;

import io.netty.util.concurrent.FastThreadLocalThread;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

class RecurringTextTest {

    /** Runs on a thread of the kind Vert.x's event loops are. */
    private static <T> T onEventLoop(Supplier<T> work) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread loop = new FastThreadLocalThread(() -> result.complete(work.get()));
        loop.start();
        loop.join();
        return result.get();
    }

    private static String fresh(String text) {
        return new String(text.toCharArray());
    }

    @Test
    void anEqualTextOnTheSameEventLoopComesBackAsTheInstanceKept() throws Exception {
        String first = fresh("/mcp-observed");
        String[] seen = onEventLoop(() -> new String[]{RecurringText.of(first), RecurringText.of(fresh("/mcp-observed")),
                RecurringText.of(fresh("/mcp-observed"))});

        assertThat(seen[0]).isSameAs(first);
        assertThat(seen[1]).isSameAs(first);
        assertThat(seen[2]).isSameAs(first);
    }

    @Test
    void aDifferentTextIsNeverSwappedForAnother() throws Exception {
        String[] seen = onEventLoop(() -> {
            String[] out = new String[600];
            for (int i = 0; i < out.length; i++) {
                out[i] = RecurringText.of("session-" + i);
            }
            return out;
        });

        for (int i = 0; i < seen.length; i++) {
            assertThat(seen[i]).isEqualTo("session-" + i);
        }
    }

    @Test
    void offAnEventLoopAndForLongTextsNothingIsKept() throws Exception {
        String text = fresh("application/json");
        assertThat(RecurringText.of(fresh("application/json"))).isNotSameAs(RecurringText.of(text));

        String longText = "x".repeat(257);
        String[] seen = onEventLoop(() -> new String[]{RecurringText.of(longText), RecurringText.of(fresh(longText))});
        assertThat(seen[1]).isNotSameAs(seen[0]).isEqualTo(longText);
        assertThat(RecurringText.of(null)).isNull();
    }
}
