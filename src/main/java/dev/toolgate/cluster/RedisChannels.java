package dev.toolgate.cluster;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The channels a {@link RedisLink} listens to, on its one pub/sub connection, opened with the first
 * subscription and closed with the last. Apart from the link's commands because it has a life of its
 * own: a subscription outlives reconnects and is retried until it holds, and the connection follows
 * the subscriptions, not the callers. It has its own lock; opening the connection takes the link's.
 */
final class RedisChannels {

    /** Logged under the link's name, as before the channels had a class of their own. */
    private static final Logger LOG = LoggerFactory.getLogger(RedisLink.class);

    private final RedisClient client;
    private final Supplier<RedisURI> uri;
    private final String address;
    private final Map<String, Consumer<byte[]>> listeners = new ConcurrentHashMap<>();
    private CompletableFuture<StatefulRedisPubSubConnection<byte[], byte[]>> pubSub;
    private volatile boolean closed;

    /**
     * @param client  the client to open the pub/sub connection with
     * @param uri     where to open it, read at each opening
     * @param address where Redis is, for log lines: never a credential
     */
    RedisChannels(RedisClient client, Supplier<RedisURI> uri, String address) {
        this.client = client;
        this.uri = uri;
        this.address = address;
    }

    /**
     * Listens to a channel for as long as this link lives; resubscribes by itself after a reconnect
     * (Lettuce does) and, when the first subscription fails (Redis down as the gateway starts), tries
     * again every second until it holds. Messages arrive on the client's event loop (the side loop).
     */
    synchronized void subscribe(String channel, Consumer<byte[]> listener) {
        if (listeners.putIfAbsent(channel, listener) != null) {
            return;
        }
        subscribeUntilDone(channel, 0);
    }

    /**
     * Stops listening to a channel. The last one closes the pub/sub connection: Lettuce would subscribe it
     * again after a reconnect, and an {@code UNSUBSCRIBE} could pass a {@code SUBSCRIBE} still on its way.
     */
    synchronized void unsubscribe(String channel) {
        if (listeners.remove(channel) == null || closed || pubSub == null) {
            return;
        }
        if (listeners.isEmpty()) {
            CompletableFuture<StatefulRedisPubSubConnection<byte[], byte[]>> open = pubSub;
            pubSub = null;
            open.thenAccept(StatefulRedisPubSubConnection::closeAsync);
        } else {
            pubSub.thenAccept(c -> c.async().unsubscribe(channel.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /**
     * Lettuce resubscribes only what a connection once subscribed, and a caller subscribes once: a
     * failed first attempt, left alone, would leave this instance deaf to the fleet until it restarts.
     */
    private void subscribeUntilDone(String channel, int failures) {
        if (closed || !listeners.containsKey(channel)) {
            // a retry that was due when the link closed: its connections and event loops are gone
            return;
        }
        CompletableFuture<?> subscribed;
        try {
            subscribed = pubSub().thenCompose(c -> c.async().subscribe(channel.getBytes(StandardCharsets.UTF_8)));
        } catch (RuntimeException e) {
            // Lettuce throws rather than fails once its event loops are shut down (the gateway stopping):
            // no later attempt can do better
            LOG.debug("not subscribing to {} on Redis {} again: {}", channel, address, e.toString());
            return;
        }
        subscribed.whenComplete((ok, failure) -> {
            if (failure == null || closed || !listeners.containsKey(channel)) {
                return;
            }
            if (failures == 0) {
                LOG.warn("cannot subscribe to {} on Redis {} (trying again every second): {}", channel,
                        address, failure.toString());
            }
            CompletableFuture.delayedExecutor(RedisLink.RETRY_NANOS, TimeUnit.NANOSECONDS)
                    .execute(() -> subscribeUntilDone(channel, failures + 1));
        });
    }

    private synchronized CompletableFuture<StatefulRedisPubSubConnection<byte[], byte[]>> pubSub() {
        if (closed) {
            // a retry that read the link open just before a reload closed it: no connection nothing would close
            return CompletableFuture.failedFuture(new IllegalStateException("the link to Redis " + address + " is closed"));
        }
        if (pubSub == null || pubSub.isCompletedExceptionally()) {
            pubSub = client.connectPubSubAsync(ByteArrayCodec.INSTANCE, uri.get()).toCompletableFuture()
                    .thenApply(c -> {
                        c.addListener(new RedisPubSubAdapter<>() {
                            @Override
                            public void message(byte[] channel, byte[] message) {
                                Consumer<byte[]> listener = listeners.get(new String(channel, StandardCharsets.UTF_8));
                                if (listener != null) {
                                    listener.accept(message);
                                }
                            }
                        });
                        return c;
                    });
        }
        return pubSub;
    }

    /**
     * Closes the pub/sub connection when it is still being opened (it closes when it comes up); an open one is
     * closed by the client's shutdown, which follows (closing it here too had Lettuce warn it was already closed).
     * The future completes once one being opened has come up and closed, or failed: the link shuts its client down
     * only then. A connection still opening as the client shut down came up after, outside the client's clean-up,
     * and was then closed by the stopping event loop: its Lettuce handlers ran on timers and threads already
     * stopped, and Netty logged each such task, with its stack, as an error (a start that failed on a taken port).
     */
    synchronized CompletableFuture<Void> close() {
        closed = true;
        if (pubSub == null || pubSub.isDone()) {
            return CompletableFuture.completedFuture(null);
        }
        return pubSub.handle((connection, failure) -> connection).thenCompose(connection -> connection == null
                ? CompletableFuture.<Void>completedFuture(null) : connection.closeAsync());
    }
}
