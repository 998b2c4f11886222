package dev.toolgate.cluster;

import io.lettuce.core.Delegating;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.DefaultEndpoint;
import io.lettuce.core.resource.ClientResources;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One Redis, as Kong's {@code redis} block describes it: one multiplexed connection for commands per
 * event loop ({@link LettuceLoops}: a command goes out and is answered on the caller's own loop), and on
 * the side loop one for {@code /status}'s PING and one for pub/sub ({@link RedisChannels}), each opened on first use, asynchronously
 * and off the event loops (building a snapshot, or validating, opens nothing; the clients are made
 * then, with the link).
 * While Redis cannot be reached, commands fail at once instead
 * of queueing (the caller decides: {@code fault_tolerant}, a 503), and a connection that never came up
 * is tried again at most once a second. Every answer comes back on the caller's Vert.x context.
 */
public final class RedisLink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisLink.class);
    static final long RETRY_NANOS = 1_000_000_000L;
    /**
     * Command timeouts in a row, with no answer between, after which a lane's connection is taken for stuck (a
     * path that drops packets without a reset, a failed-over NAT) and dropped so that Lettuce opens a new one: the
     * kernel would close it only after minutes of retransmissions, and every command until then waits its timeout.
     */
    static final int TIMEOUTS_BEFORE_RECONNECT = 3;

    private final RedisSettings settings;
    private final LettuceLoops loops;
    /** The proxy loops' lanes, then the side loop's, {@link #checks}: {@link LettuceLoops#current} never names that one. */
    private final CommandLane[] lanes;
    /** The pub/sub connection's client, on the side loop: apart from the proxy loops' lanes' and from {@link #checks}'s. */
    private final RedisClient channelsClient;
    private final RedisChannels channels;
    private volatile boolean closed;

    RedisLink(RedisSettings settings, LettuceLoops loops) {
        this.settings = settings;
        this.loops = loops;
        this.lanes = new CommandLane[loops.count() + 1];
        for (int i = 0; i < loops.count(); i++) {
            // made here, as the configuration that names this Redis is provisioned (off the event loops): the
            // first RedisClient of a process loads much of Lettuce, time an event loop would spend serving no one
            lanes[i] = new CommandLane(client(loops.resources(i)));
        }
        lanes[loops.count()] = new CommandLane(client(loops.channels()));
        this.channelsClient = client(loops.channels());
        this.channels = new RedisChannels(channelsClient, this::uri, address());
    }

    private RedisClient client(ClientResources resources) {
        RedisClient client = RedisClient.create(resources);
        client.setOptions(LettuceSettings.clientOptions(settings));
        return client;
    }

    /**
     * The side loop's command lane, which only {@link #ping} takes: the status check is sent and answered there,
     * never queued behind (or held up by) a proxy loop's commands, nor taking a turn of a proxy loop.
     */
    private CommandLane checks() {
        return lanes[lanes.length - 1];
    }

    public RedisSettings settings() {
        return settings;
    }

    /** Where it is, for operators: {@code host:port} (or the Sentinel master), never a credential. */
    public String address() {
        return settings.sentinelMaster() != null ? "sentinel master " + settings.sentinelMaster()
                : settings.host() + ":" + settings.port() + "/" + settings.database();
    }

    /** Runs one command; the future fails when Redis cannot be reached or does not answer in {@code read_timeout}. */
    public <T> Future<T> call(Function<RedisAsyncCommands<byte[], byte[]>, CompletionStage<T>> command) {
        return call(lanes[loops.current()], command);
    }

    private <T> Future<T> call(CommandLane lane, Function<RedisAsyncCommands<byte[], byte[]>, CompletionStage<T>> command) {
        Context context = Vertx.currentContext();
        return onContext(watched(lane, connection(lane).thenCompose(c -> command.apply(c.async()))), context);
    }

    /**
     * The command's outcome, also noted for its lane: an answer clears the lane's count of timeouts, and the
     * {@value #TIMEOUTS_BEFORE_RECONNECT}th timeout in a row drops the lane's connection (Lettuce reconnects it).
     */
    private <T> CompletionStage<T> watched(CommandLane lane, CompletionStage<T> command) {
        return command.whenComplete((answer, failure) -> {
            if (failure == null) {
                lane.timeouts.set(0);
            } else if (timedOut(failure) && lane.timeouts.incrementAndGet() >= TIMEOUTS_BEFORE_RECONNECT) {
                dropStuck(lane);
            }
        });
    }

    private static boolean timedOut(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RedisCommandTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Closes the lane's socket, not its connection: Lettuce's reconnection opens a new socket under the same
     * connection, so the commands built on it stay valid, and commands fail at once while
     * it reconnects. Closing is asynchronous (on the connection's own event loop); nothing waits here.
     */
    private void dropStuck(CommandLane lane) {
        CompletableFuture<StatefulRedisConnection<byte[], byte[]>> current = lane.connection;
        synchronized (this) {
            long now = System.nanoTime();
            if (closed || now - lane.droppedAt < RETRY_NANOS || current == null || !current.isDone()
                    || current.isCompletedExceptionally()) {
                return;
            }
            lane.droppedAt = now;
            lane.timeouts.set(0);
        }
        Object writer = current.join() instanceof RedisChannelHandler<?, ?> handler ? handler.getChannelWriter() : null;
        if (writer instanceof Delegating<?> wrapper) {
            // with command timeouts on, the endpoint is wrapped in the writer that expires commands
            writer = wrapper.unwrap();
        }
        if (writer instanceof DefaultEndpoint endpoint) {
            LOG.warn("Redis {} did not answer {} commands in a row on one connection: opening it again", address(),
                    TIMEOUTS_BEFORE_RECONNECT);
            endpoint.disconnect();
        }
    }

    /** True when the calling event loop's connection is open (or being reopened by Lettuce): a command goes at once. */
    boolean connected() {
        var connection = lanes[loops.current()].connection;
        return connection != null && connection.isDone() && !connection.isCompletedExceptionally();
    }

    /** Opens the calling event loop's connection (bounded by {@code connect_timeout}); answered on the caller's context. */
    Future<Void> connect() {
        Context context = Vertx.currentContext();
        return onContext(connection(lanes[loops.current()]).thenApply(c -> (Void) null), context);
    }

    /** PING, timed, on the side loop's lane ({@link #checks}): what {@code /status} shows. */
    public Future<Long> ping() {
        long started = System.nanoTime();
        return call(checks(), c -> c.ping()).map(pong -> System.nanoTime() - started);
    }

    /** Publishes a message on a channel; fails when Redis cannot be reached. */
    public Future<Long> publish(String channel, byte[] message) {
        return call(c -> c.publish(channel.getBytes(StandardCharsets.UTF_8), message));
    }

    /**
     * Listens to a channel for as long as this link lives; resubscribes by itself after a reconnect
     * (Lettuce does) and, when the first subscription fails (Redis down as the gateway starts), tries
     * again every second until it holds. Messages arrive on the side loop (a Lettuce thread without Vert.x).
     */
    public void subscribe(String channel, Consumer<byte[]> listener) {
        channels.subscribe(channel, listener);
    }

    /**
     * Stops listening to a channel. The last one closes the pub/sub connection: Lettuce would subscribe it
     * again after a reconnect, and an {@code UNSUBSCRIBE} could pass a {@code SUBSCRIBE} still on its way.
     */
    public void unsubscribe(String channel) {
        channels.unsubscribe(channel);
    }

    /**
     * The lane's connection, opening it when it has none or when its last attempt failed more than a second ago
     * (or another lane shows Redis is back). The lock is held only to note the attempt: the connection is opened on
     * a virtual thread ({@link #open}), so that an event loop never waits on it, nor on this lock, while Lettuce
     * connects (the first connect of a process loads classes and resolves the address).
     */
    private CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connection(CommandLane lane) {
        CompletableFuture<StatefulRedisConnection<byte[], byte[]>> current = lane.connection;
        if (current != null && !current.isCompletedExceptionally()) {
            return current;
        }
        CompletableFuture<StatefulRedisConnection<byte[], byte[]>> opening;
        synchronized (this) {
            if (closed) {
                // a request still on the snapshot before a reload that dropped this Redis: no new connection
                return CompletableFuture.failedFuture(new IllegalStateException("the link to Redis " + address() + " is closed"));
            }
            // a lane that could not connect waits before trying again, unless another lane shows Redis is back
            if (lane.connection != null && (!lane.connection.isCompletedExceptionally()
                    || System.nanoTime() - lane.failedAt <= RETRY_NANOS && !anyUp())) {
                return lane.connection;
            }
            opening = new CompletableFuture<>();
            lane.connection = opening;
        }
        Thread.ofVirtual().name("redis-connect").start(() -> open(lane, opening));
        return opening;
    }

    /** Opens the lane's connection for {@code opening}, which fails, and is logged, when Redis cannot be reached. */
    private void open(CommandLane lane, CompletableFuture<StatefulRedisConnection<byte[], byte[]>> opening) {
        opening.whenComplete((c, failure) -> {
            if (failure != null) {
                synchronized (this) {
                    lane.failedAt = System.nanoTime();
                }
                LOG.warn("cannot connect to Redis {}: {}", address(), failure.toString());
            }
        });
        try {
            lane.client.connectAsync(ByteArrayCodec.INSTANCE, uri()).whenComplete((c, failure) -> {
                if (failure == null) {
                    opening.complete(c);
                } else {
                    opening.completeExceptionally(failure);
                }
            });
        } catch (RuntimeException e) {
            // Lettuce throws rather than fails once the link's client is shut down (a reload closed it meanwhile)
            opening.completeExceptionally(e);
        }
    }

    private boolean anyUp() {
        for (CommandLane lane : lanes) {
            var connection = lane.connection;
            if (connection != null && connection.isDone() && !connection.isCompletedExceptionally()
                    && connection.join().isOpen()) {
                return true;
            }
        }
        return false;
    }

    private RedisURI uri() {
        return LettuceSettings.uri(settings);
    }

    /** A stage completed on another thread, continued on the caller's Vert.x context (when it has one). */
    static <T> Future<T> onContext(CompletionStage<T> stage, Context context) {
        return context == null ? Future.fromCompletionStage(stage) : Future.fromCompletionStage(stage, context);
    }

    /** Closes the link without waiting (a reload that drops this Redis: the clients' threads stay up). */
    @Override
    public void close() {
        shutdown();
    }

    /**
     * Closes the link; the future completes once its clients are shut down, their sockets closed and Lettuce's
     * notifications of that delivered (on the computation threads of {@link LettuceLoops}, which must outlive them).
     */
    CompletableFuture<Void> shutdown() {
        // outside this link's lock: the channels hold theirs while they open a connection, which takes this one
        CompletableFuture<Void> pubSubClosed = channels.close();
        List<CompletableFuture<?>> closing = new ArrayList<>();
        synchronized (this) {
            closed = true;
            // the client's shutdown closes its open connections (closing them first as well had Lettuce warn that
            // each was already closed); one still being opened comes up all the same, and is closed when it does
            for (CommandLane lane : lanes) {
                if (lane.connection != null && !lane.connection.isDone()) {
                    closing.add(lane.connection.thenCompose(StatefulRedisConnection::closeAsync));
                }
                closing.add(lane.client.shutdownAsync(0, 2, TimeUnit.SECONDS));
            }
            // once a pub/sub connection still being opened has come up and closed (or failed): not before, or it
            // would come up outside the client's clean-up
            closing.add(pubSubClosed.handle((done, failure) -> done)
                    .thenCompose(done -> channelsClient.shutdownAsync(0, 2, TimeUnit.SECONDS)));
        }
        return CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new));
    }
}
