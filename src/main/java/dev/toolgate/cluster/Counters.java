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
}
