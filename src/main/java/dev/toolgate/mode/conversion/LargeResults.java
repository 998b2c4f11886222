package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import dev.toolgate.http.UpstreamResponse;
import dev.toolgate.mcp.Json;
import dev.toolgate.policy.Blocking;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Tool results made and written out off the event loop when they are large. A REST answer of up to
 * {@link ToolInvoker#MAX_RESPONSE_BYTES} is decoded, parsed, checked against the output schema and written out
 * twice (as text and as {@code structuredContent}): seconds of one core for a 15 MB answer, while every other
 * session, stream and probe on that loop would wait. The work goes to a virtual thread of its own (calls are
 * independent: no order to keep), and its outcome comes back on the loop that asked. A small answer, the common
 * case, stays on the loop and pays no hop. Large arguments go the same way ({@link #checked}): checking a 1.8 MB
 * array of objects against a tool's input schema is a tenth of a second of schema walking.
 */
final class LargeResults {

    /**
     * Answers and results larger than this go off the loop. 128 KiB costs the loop about a millisecond to parse,
     * check and write out, no more than a busy turn; past it the cost grows with the size, to seconds at 16 MiB.
     * Below it the hop (a thread started, the outcome queued back to the loop) would be a large share of the
     * call's own work, and most REST answers are a few KiB.
     */
    static final int OFF_LOOP_BYTES = 128 * 1024;

    /**
     * How many large results are made or written out at once. On the loops at most one per loop was; off them each
     * holds the answer, its tree and its text twice at the same moment, so sixty concurrent 15 MB answers would
     * each build theirs together and run the heap out. The others wait their turn on their virtual threads, in the
     * order they came (fair: under a steady load of large answers a call is never passed over for later ones).
     */
    static final int AT_ONCE = Math.max(2, Runtime.getRuntime().availableProcessors());
    private static final Semaphore TURNS = new Semaphore(AT_ONCE, true);

    private LargeResults() {
    }

    /** How many calls wait for a turn now. */
    static int waiting() {
        return TURNS.getQueueLength();
    }

    /** {@code work} once a turn is free (on a virtual thread: waiting holds no event loop). */
    static <T> T inTurn(Callable<T> work) throws Exception {
        TURNS.acquire();
        try {
            return work.call();
        } finally {
            TURNS.release();
        }
    }

    /**
     * {@code work} once a turn is free, or {@code givenUp}'s value when {@code cancelled} (may be null) completes
     * first: a call whose client cancelled or went away leaves the line without the work, and frees what it holds (a
     * 16 MiB answer) at once rather than when its turn would have come. Called on a virtual thread.
     */
    static <T> T inTurn(Future<?> cancelled, Callable<T> work, Supplier<T> givenUp) throws Exception {
        if (cancelled == null) {
            return inTurn(work);
        }
        Thread waiting = Thread.currentThread();
        AtomicBoolean inLine = new AtomicBoolean(true);
        // interrupts the wait only, never the work: whoever clears inLine first decides
        cancelled.onComplete(c -> {
            if (inLine.compareAndSet(true, false)) {
                waiting.interrupt();
            }
        });
        try {
            TURNS.acquire();
        } catch (InterruptedException e) {
            if (inLine.get()) {
                throw e; // not the cancellation's
            }
            return givenUp.get();
        }
        if (!inLine.compareAndSet(true, false)) {
            TURNS.release();
            Thread.interrupted(); // the cancellation's, set as the turn came
            return givenUp.get();
        }
        try {
            return work.call();
        } finally {
            TURNS.release();
        }
    }

    /**
     * The tool's result of {@code response}, made by {@code mapping} off the loop when the answer is large.
     *
     * @param patterns  the request's pattern budget ({@link BoundedPatterns}), taken by the work off the loop
     *                  ({@link #offLoop})
     * @param cancelled completes when the client cancels or goes away (may be null): a call still waiting for its turn
     *                  then gives it up, unmade
     */
    static Future<ObjectNode> mapped(UpstreamResponse response, long[] patterns, Future<?> cancelled,
                                     Function<long[], ObjectNode> mapping) {
        if (response.body().length() <= OFF_LOOP_BYTES) {
            return Future.succeededFuture(mapping.apply(patterns));
        }
        return offLoop("tool-result", patterns, cancelled, mapping, LargeResults::unmade);
    }

    /**
     * The errors of a call's arguments, found by {@code validation} off the loop when the request that carried them
     * is large, in a turn as a large answer's ({@link #inTurn}: both hold a large tree while they walk it). A call
     * cancelled while it waits is not checked, and is not sent: its one error says so.
     *
     * @param requestBytes the bytes of the HTTP request the call came in (a batch's calls share its size: together
     *                     they cost the loop as much as one call of that size)
     * @param patterns     the request's pattern budget, taken by the work off the loop ({@link #offLoop})
     */
    static Future<List<Error>> checked(long requestBytes, long[] patterns, Future<?> cancelled,
                                       Function<long[], List<Error>> validation) {
        if (requestBytes <= OFF_LOOP_BYTES) {
            return Future.succeededFuture(validation.apply(patterns));
        }
        return offLoop("tool-arguments", patterns, cancelled, validation,
                () -> List.of(Error.builder().message("the call was cancelled").build()));
    }

    /**
     * {@code work} on a virtual thread in a turn, paying its patterns from the request's whole budget, which it takes
     * with it and gives back what is left of when done. The request's calls checked meanwhile (a batch's, on the loop
     * or off it) find none left but the allowance each value has for its own length ({@link BoundedPatterns#within}):
     * together they never spend more than one budget, as one after another on the loop would. A copy each would
     * have let each of a batch's hundred calls spend all of it. No two threads share the array.
     */
    private static <T> Future<T> offLoop(String name, long[] patterns, Future<?> cancelled, Function<long[], T> work,
                                         Supplier<T> givenUp) {
        long[] own = {patterns[0]};
        patterns[0] = 0;
        return Blocking.call(name, () -> inTurn(cancelled, () -> work.apply(own), givenUp))
                .onComplete(done -> patterns[0] += own[0]);
    }

    /**
     * The serialized JSON-RPC response carrying {@code result}, written out off the loop when it is large; a call
     * cancelled while it waits for its turn ({@code cancelled}, may be null) is not written out.
     */
    static Future<Buffer> answer(JsonNode id, ObjectNode result, Future<?> cancelled) {
        if (chars(result) <= OFF_LOOP_BYTES) {
            return Future.succeededFuture(McpMethods.result(id, Json.bytes(result)));
        }
        return Blocking.call("tool-result-answer", () -> inTurn(cancelled,
                () -> McpMethods.result(id, Json.bytes(result)), () -> McpMethods.result(id, Json.bytes(unmade()))));
    }

    /** What a call cancelled while it waited for its turn answers: nobody reads it (the client left or cancelled). */
    private static ObjectNode unmade() {
        return ResultMapper.error("The call was cancelled before its result was made");
    }

    /**
     * About how many characters the result writes: its content's texts and base64 data, twice over when it also
     * carries the answer as {@code structuredContent}. Reads a handful of fields, not the tree.
     */
    private static long chars(ObjectNode result) {
        long chars = 0;
        for (JsonNode item : result.path("content")) {
            chars += length(item.get("text")) + length(item.get("data")) + length(item.path("resource").get("blob"));
        }
        return result.has("structuredContent") ? 2 * chars : chars;
    }

    private static long length(JsonNode text) {
        return text == null || !text.isTextual() ? 0 : text.textValue().length();
    }
}
