package dev.toolgate.cluster;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client and command connection of one event loop (a proxy loop's, or the side loop's for the status check),
 * with what {@link RedisLink} notes about it: when it last failed to connect, and its command timeouts in a row.
 * Apart from the link because it is plain state, one per event loop; the link alone reads and changes it, under its
 * own lock where it says.
 */
final class CommandLane {

    /** Made with the link, as its configuration is provisioned: never on an event loop. */
    final RedisClient client;
    volatile CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connection;
    long failedAt;
    /** Command timeouts since the last answer. */
    final AtomicInteger timeouts = new AtomicInteger();
    /** When the connection was last dropped as stuck: one drop at a time, at most one a second. */
    long droppedAt = System.nanoTime() - RedisLink.RETRY_NANOS;

    CommandLane(RedisClient client) {
        this.client = client;
    }
}
