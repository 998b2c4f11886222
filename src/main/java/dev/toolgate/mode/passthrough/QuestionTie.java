package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * One call of a client in flight, tied to the session's standalone stream ({@link QuestionStream}) while the
 * server may ask its client something there. Its reader, while it reads the call's stream and once that stream can
 * be resumed (it carried an event id: the retry continues after it), takes the questions tied to it: up to
 * {@link #MAX_QUESTIONS} in one round, within {@link #CLAIM_MS}; any other is refused.
 */
final class QuestionTie {

    /**
     * How long a question waits for its call's stream to be read (it may come before the call's response head, or
     * while a polled stream is being resumed) before it is refused.
     */
    static final long CLAIM_MS = 5_000;
    /** The most questions one round of a call asks its client; more are refused. */
    static final int MAX_QUESTIONS = 4;
    /** How often a question waiting for its call's reader checks again. */
    static final long CLAIM_WAIT_MS = 50;

    private final Context context = Vertx.currentContext();
    private QuestionStream watch;
    private BooleanSupplier resumable;
    private Predicate<List<JsonNode>> reader;
    /** The questions waiting for the reader, at most MAX_QUESTIONS (a round asks them all at once). */
    private final List<JsonNode> pending = new ArrayList<>();
    private int waits;

    /**
     * Reads the questions tied to the call while its stream is read; {@code reader} says whether it took them
     * (those it does not take are refused). Returns what stops it. Called on the call's event loop.
     */
    Runnable reading(BooleanSupplier resumable, Predicate<List<JsonNode>> reader) {
        synchronized (this) {
            this.resumable = resumable;
            this.reader = reader;
        }
        attempt();
        return () -> {
            synchronized (this) {
                if (this.reader == reader) {
                    this.reader = null;
                    this.resumable = null;
                }
            }
        };
    }

    /** Ties the call to the stream it is watched on. */
    synchronized void watchedOn(QuestionStream stream) {
        watch = stream;
    }

    /** Unties the call: returns the stream it was watched on (null for none), its waiting questions refused there. */
    QuestionStream untie() {
        QuestionStream at;
        List<JsonNode> questions;
        synchronized (this) {
            at = watch;
            questions = List.copyOf(pending);
            watch = null;
            pending.clear();
        }
        if (at != null) {
            questions.forEach(at::refuse);
        }
        return at;
    }

    /** A question heard on {@code at}: kept for the reader while the call is watched there with room, else refused. */
    void offer(QuestionStream at, JsonNode question) {
        boolean first;
        synchronized (this) {
            first = pending.isEmpty();
            if (watch == at && pending.size() < MAX_QUESTIONS) {
                pending.add(question);
                question = null;
            }
            if (first) {
                waits = 0;
            }
        }
        if (question != null) {
            at.refuse(question);
        } else if (first) {
            context.runOnContext(v -> attempt());
        }
    }

    /** Hands the pending questions to the reader when it can take them; else waits a little, up to CLAIM_MS. */
    private void attempt() {
        List<JsonNode> questions;
        Predicate<List<JsonNode>> taker = null;
        QuestionStream at;
        synchronized (this) {
            at = watch;
            if (pending.isEmpty() || at == null) {
                return;
            }
            if (reader != null && resumable.getAsBoolean()) {
                taker = reader;
            } else if (++waits <= CLAIM_MS / CLAIM_WAIT_MS) {
                context.owner().setTimer(CLAIM_WAIT_MS, id -> attempt());
                return;
            }
            questions = List.copyOf(pending);
            pending.clear();
        }
        if (taker == null || !taker.test(questions)) {
            questions.forEach(at::refuse);
        }
    }
}
