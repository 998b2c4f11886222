package dev.toolgate.cluster;

import io.vertx.core.Future;

/**
 * Where requests are counted against fixed windows: in this process ({@link LocalCounters}), or in
 * Redis for the whole fleet ({@link RedisCounters}).
 */
public interface Counters {

    /**
     * Counts one request of {@code key} if every window has room. Fails when the counters cannot be
     * reached (Redis down); the caller decides what that means ({@code fault_tolerant}).
     */
    Future<Usage> hit(String key, Windows windows);

    /**
     * Takes back a request of {@code key} that {@code counted} counted, when what it was counted for was
     * not done after all (a passthrough batch refused whole): its windows get the request back, never past
     * their limit; windows that have reset since get nothing (they may have been spent from, and one more
     * request would pass), so across a window's end the request stays counted. Fails when the counters
     * cannot be reached.
     */
    Future<Void> giveBack(String key, Usage counted);
}
