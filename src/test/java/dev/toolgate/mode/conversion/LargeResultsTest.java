package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.http.UpstreamResponse;
import dev.toolgate.mcp.Json;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a large answer's mapping off the event loop spends of its request's pattern budget, and how calls take and
 * give up their turns.
 */
class LargeResultsTest {

    static final UpstreamResponse LARGE = new UpstreamResponse(200, "OK", MultiMap.caseInsensitiveMultiMap(),
            Buffer.buffer(new byte[LargeResults.OFF_LOOP_BYTES + 1]));

    @Test
    void whatAMappingOffTheLoopSpentIsTakenFromWhatIsLeftSoSpendingMeanwhileIsNotForgotten() throws Exception {
        long[] budget = {1_000};
        CountDownLatch meanwhile = new CountDownLatch(1);
        var mapped = LargeResults.mapped(LARGE, budget, null, own -> {
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
        var first = LargeResults.mapped(LARGE, budget, null, own -> {
            own[0] -= 600;
            return Json.object();
        });
        first.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        var second = LargeResults.mapped(LARGE, budget, null, own -> {
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
            mapped.add(LargeResults.mapped(LARGE, new long[]{1_000}, null, own -> {
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

    @Test
    void aCallCancelledWhileItWaitsForATurnLeavesTheLineAtOnceWithoutItsResultBeingMade() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<CompletableFuture<ObjectNode>> holding = holdEveryTurn(release, release);
        Promise<Void> cancelled = Promise.promise();
        AtomicInteger made = new AtomicInteger();
        var waiting = LargeResults.mapped(LARGE, new long[]{1_000}, cancelled.future(), own -> {
            made.incrementAndGet();
            return Json.object();
        }).toCompletionStage().toCompletableFuture();
        while (LargeResults.waiting() < 1) {
            Thread.onSpinWait();
        }
        cancelled.complete();
        // every turn is still held: it answers without one
        ObjectNode result = waiting.get(10, TimeUnit.SECONDS);
        release.countDown();
        for (CompletableFuture<ObjectNode> one : holding) {
            one.get(10, TimeUnit.SECONDS);
        }

        assertThat(made).hasValue(0);
        assertThat(result.path("isError").asBoolean()).isTrue();
    }

    @Test
    void callsWaitingForATurnTakeItInTheOrderTheyCame() throws Exception {
        CountDownLatch first = new CountDownLatch(1);
        CountDownLatch others = new CountDownLatch(1);
        List<CompletableFuture<ObjectNode>> holding = holdEveryTurn(first, others);
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<ObjectNode>> waiting = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int call = i;
            waiting.add(LargeResults.mapped(LARGE, new long[]{1_000}, Promise.<Void>promise().future(), own -> {
                order.add(call);
                return Json.object();
            }).toCompletionStage().toCompletableFuture());
            while (LargeResults.waiting() < call + 1) {
                Thread.onSpinWait();
            }
        }
        first.countDown(); // one turn comes free: the waiting calls pass through it one after another
        for (CompletableFuture<ObjectNode> one : waiting) {
            one.get(10, TimeUnit.SECONDS);
        }
        others.countDown();
        for (CompletableFuture<ObjectNode> one : holding) {
            one.get(10, TimeUnit.SECONDS);
        }

        assertThat(order).containsExactly(0, 1, 2, 3, 4);
    }

    /** Calls that hold every turn, the first until {@code first}, the others until {@code others}. */
    private static List<CompletableFuture<ObjectNode>> holdEveryTurn(CountDownLatch first, CountDownLatch others) {
        AtomicInteger holding = new AtomicInteger();
        List<CompletableFuture<ObjectNode>> calls = new ArrayList<>();
        for (int i = 0; i < LargeResults.AT_ONCE; i++) {
            CountDownLatch release = i == 0 ? first : others;
            calls.add(LargeResults.mapped(LARGE, new long[]{1_000}, null, own -> {
                holding.incrementAndGet();
                awaitQuietly(release);
                return Json.object();
            }).toCompletionStage().toCompletableFuture());
        }
        while (holding.get() < LargeResults.AT_ONCE) {
            Thread.onSpinWait();
        }
        return calls;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
