package dev.toolgate.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes of answers that several buffered calls running together may hold between them (a JSON-RPC
 * batch's calls). Each call reads through its own {@link Share}, which takes every chunk from the
 * budget as it arrives: a call whose next chunk finds no room is cut off there, so the calls never hold
 * more than the budget at once, however many run and however large each may answer on its own.
 */
public final class AnswerBudget {

    private final AtomicLong left;

    public AnswerBudget(long bytes) {
        this.left = new AtomicLong(bytes);
    }

    /** A share for one call: what it takes is its own, given back or settled when its answer is known. */
    public Share share() {
        return new Share();
    }

    /** Takes {@code bytes} when that many are left; nothing otherwise. */
    private boolean take(long bytes) {
        long now;
        do {
            now = left.get();
            if (now < bytes) {
                return false;
            }
        } while (!left.compareAndSet(now, now - bytes));
        return true;
    }

    /** One call's part of the budget. Thread-safe: a call's chunks and its end may run on different threads. */
    public final class Share {

        private long taken;
        private boolean overran;

        private Share() {
        }

        /** Takes {@code bytes} more for this call; false (and the call has overrun) when the budget lacks them. */
        public synchronized boolean take(long bytes) {
            if (AnswerBudget.this.take(bytes)) {
                taken += bytes;
                return true;
            }
            overran = true;
            return false;
        }

        /** Gives back all this call took: its body is dropped (the call failed). */
        public synchronized void release() {
            left.addAndGet(taken);
            taken = 0;
        }

        /**
         * Holds exactly {@code bytes} for this call from now on (what its answer came to), in one step so
         * that no other call takes the difference in between; false, holding nothing, when there is no room.
         */
        public synchronized boolean settle(long bytes) {
            if (bytes <= taken) {
                left.addAndGet(taken - bytes);
                taken = bytes;
                return true;
            }
            if (AnswerBudget.this.take(bytes - taken)) {
                taken = bytes;
                return true;
            }
            release();
            return false;
        }

        /** Whether a chunk of this call's answer found no room, so the call was cut off. */
        public synchronized boolean overran() {
            return overran;
        }
    }
}
