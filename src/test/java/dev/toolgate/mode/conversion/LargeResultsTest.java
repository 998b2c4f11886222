package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.http.UpstreamResponse;
import dev.toolgate.mcp.Json;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** What a large answer's mapping off the event loop spends of its request's pattern budget. */
class LargeResultsTest {

    static final UpstreamResponse LARGE = new UpstreamResponse(200, "OK", MultiMap.caseInsensitiveMultiMap(),
            Buffer.buffer(new byte[LargeResults.OFF_LOOP_BYTES + 1]));

    @Test
    void whatAMappingOffTheLoopSpentIsTakenFromWhatIsLeftSoSpendingMeanwhileIsNotForgotten() throws Exception {
        long[] budget = {1_000};
        CountDownLatch meanwhile = new CountDownLatch(1);
        var mapped = LargeResults.mapped(LARGE, budget, own -> {
            own[0] -= 300;
            awaitQuietly(meanwhile);
            return Json.object();
        });
        budget[0] -= 200; // a smaller answer of the same request checked meanwhile
        meanwhile.countDown();
        mapped.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(budget[0]).isEqualTo(500);
    }

    @Test
    void twoLargeAnswersOfOneRequestSpendOneBudgetBetweenThem() throws Exception {
        long[] budget = {1_000};
        var first = LargeResults.mapped(LARGE, budget, own -> {
            own[0] -= 600;
            return Json.object();
        });
        first.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        var second = LargeResults.mapped(LARGE, budget, own -> {
            own[0] = 0;
            return Json.object();
        });
        second.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(budget[0]).isZero();
    }

    @Test
    void noMoreLargeResultsAreMadeAtOnceThanItsTurnsTheOthersWaitAndAllAreMade() throws Exception {
        int calls = LargeResults.AT_ONCE * 3;
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        List<CompletableFuture<ObjectNode>> mapped = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            mapped.add(LargeResults.mapped(LARGE, new long[]{1_000}, own -> {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                awaitQuietly(release);
                running.decrementAndGet();
                return Json.object();
            }).toCompletionStage().toCompletableFuture());
        }
        while (running.get() < LargeResults.AT_ONCE) {
            Thread.onSpinWait();
        }
        release.countDown();
        for (CompletableFuture<ObjectNode> one : mapped) {
            one.get(10, TimeUnit.SECONDS);
        }

        assertThat(most.get()).isEqualTo(LargeResults.AT_ONCE);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
