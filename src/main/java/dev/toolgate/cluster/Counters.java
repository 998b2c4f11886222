package dev.toolgate.cluster;

import io.vertx.core.Future;

/**
 * Where requests are counted against fixed windows: in this process ({@link LocalCounters}), or in
 * Redis for the whole fleet ({@link RedisCounters}).
 */
public interface Counters {

    /**
     * Counts one request of {@code key} in every window if each window's count is under its limit in
     * {@code windows}; else counts it nowhere and says which window refused. The limits are the caller's
     * own, compared with counts that hold none (Kong's model): a changed limit meets the usage so far. Fails
     * when the counters cannot be reached (Redis down); the caller decides what that means
     * ({@code fault_tolerant}).
     */
    Future<Usage> hit(String key, Windows windows);

    /**
     * Takes back a request of {@code key} that {@code counted} counted, when what it was counted for was
     * not done after all (a passthrough batch refused whole): each of its windows still counting gets the
     * request back (a count at 0 stays so); windows that have reset since get nothing (they may have been
     * spent from, and one more request would pass), so across a window's end the request stays counted.
     * Fails when the counters cannot be reached.
     */
    Future<Void> giveBack(String key, Usage counted);
}
