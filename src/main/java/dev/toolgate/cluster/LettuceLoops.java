package dev.toolgate.cluster;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.EventLoopGroupProvider;
import io.lettuce.core.resource.NettyCustomizer;
import io.lettuce.core.resource.Transports;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Where Lettuce does its I/O. With the gateway's Vert.x, on the proxy's event loops, one lane per
 * loop: a command sent from a proxy loop is written, answered and continued on that same loop, with
 * no hand-off to another thread (waking a thread costs more than a Redis command does). A command
 * from any other thread takes the first lane. The pub/sub connections, which hear the other instances,
 * and the command connections of {@code /status}'s PING (control-plane work no proxied call waits for)
 * are on the side loop: what they read is decoded and handled there, not between a proxy loop's
 * requests. Without Vert.x (validating a configuration, unit tests), all on one lane of Lettuce's own
 * small thread pool. The loops stay Vert.x's: Lettuce never shuts them down.
 */
final class LettuceLoops implements AutoCloseable {

    /**
     * Lettuce's switch for its Flight Recorder events, read once, when its first client resources are built (here,
     * so this class's initialization comes first). Registering those event types takes about 1.5 s at the first
     * connect of a process, on the event loop that connects, and the gateway reads none of them: off unless the
     * operator set it ({@code -Dio.lettuce.core.jfr=true}).
     */
    static final String JFR_EVENTS = "io.lettuce.core.jfr";

    static {
        if (System.getProperty(JFR_EVENTS) == null) {
            System.setProperty(JFR_EVENTS, "false");
        }
    }

    private final ClientResources shared;
    private final EventLoop[] loops;
    private final ClientResources[] lanes;
    private final ClientResources channels;

    private LettuceLoops(ClientResources shared, EventLoop[] loops, ClientResources[] lanes, ClientResources channels) {
        this.shared = shared;
        this.loops = loops;
        this.lanes = lanes;
        this.channels = channels;
    }

    /**
     * Lanes on the proxy's event loops and the pub/sub connections on the side loop, or one lane of Lettuce's own
     * for both when there are no loops (or no side loop, its pub/sub on the first lane).
     */
    static LettuceLoops of(List<EventLoop> proxyLoops, EventLoop sideLoop) {
        EventLoop[] loops = proxyLoops.stream().distinct().toArray(EventLoop[]::new);
        if (loops.length == 0 || !runNio(loops) || sideLoop != null && !runNio(new EventLoop[] {sideLoop})) {
            ClientResources own = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(1).build();
            return new LettuceLoops(own, new EventLoop[0], new ClientResources[] {own}, own);
        }
        ClientResources shared = DefaultClientResources.builder().eventLoopGroupProvider(new OnLoop(loops[0]))
                .computationThreadPoolSize(1).nettyCustomizer(new OneWritePerTurn()).build();
        ClientResources[] lanes = new ClientResources[loops.length];
        for (int i = 0; i < loops.length; i++) {
            lanes[i] = i == 0 ? shared : onLoop(shared, loops[i]);
        }
        return new LettuceLoops(shared, loops, lanes, sideLoop == null ? shared : onLoop(shared, sideLoop));
    }

    private static ClientResources onLoop(ClientResources shared, EventLoop loop) {
        return shared.mutate().eventLoopGroupProvider(new OnLoop(loop)).build();
    }

    /**
     * True when Lettuce's channels can live on these loops: Lettuce picks its transport by itself (NIO unless a
     * native one is on the class path), and the loops must run that one. Asked of the loops, not of
     * {@link io.vertx.core.Vertx#isNativeTransportEnabled}: Vert.x says true for any transport but its own NIO class, and the
     * gateway's ({@code ListenerTransport}) is NIO with a hook at accept; asking Vert.x sent every Redis command
     * to Lettuce's own threads and back, two thread wake-ups a command.
     */
    static boolean runNio(EventLoop[] loops) {
        if (Transports.socketChannelClass() != NioSocketChannel.class) {
            return false;
        }
        for (EventLoop loop : loops) {
            if (!(loop instanceof IoEventLoop io) || !io.isIoType(NioIoHandler.class)) {
                return false;
            }
        }
        return true;
    }

    /** How many lanes there are (at least one). */
    int count() {
        return lanes.length;
    }

    /** The lane of the calling thread's event loop; lane 0 for any other thread. */
    int current() {
        for (int i = 0; i < loops.length; i++) {
            if (loops[i].inEventLoop()) {
                return i;
            }
        }
        return 0;
    }

    ClientResources resources(int lane) {
        return lanes[lane];
    }

    /** Where the pub/sub connections and the status check's command connections are opened: the side loop. */
    ClientResources channels() {
        return channels;
    }

    /** Shuts the clients' resources down without waiting ({@link #shutdown} says when they have). */
    @Override
    public void close() {
        shutdown();
    }

    /**
     * Shuts the clients' resources down, the lanes then the shared one; the future completes when the shared
     * one's threads (the computation threads, which deliver Lettuce's notifications, and its timer) have ended.
     * Only after every client is shut down: a notification for a client closing after this is rejected, and
     * Netty logs it as an error.
     */
    CompletableFuture<Void> shutdown() {
        // lanes made by mutate() share the first one's threads and timer, which they leave running when shut down
        // (Lettuce logs a resource that is collected without a shutdown); the first one's ends them all
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (ClientResources lane : lanes) {
            if (lane != shared) {
                closing.add(ended(lane.shutdown(0, 2, TimeUnit.SECONDS)));
            }
        }
        if (channels != shared) {
            closing.add(ended(channels.shutdown(0, 2, TimeUnit.SECONDS)));
        }
        return CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                .thenCompose(done -> ended(shared.shutdown(0, 2, TimeUnit.SECONDS)));
    }

    /** Completes when a shutdown has, however it went (Lettuce's shutdown futures notify on the calling thread). */
    private static CompletableFuture<Void> ended(Future<Boolean> shutdown) {
        CompletableFuture<Void> ended = new CompletableFuture<>();
        shutdown.addListener(done -> ended.complete(null));
        return ended;
    }

    /**
     * The commands a loop sends in one turn (one per request it is serving) leave in one write: Lettuce
     * flushes each command, and a write call costs more than the command.
     */
    private static final class OneWritePerTurn implements NettyCustomizer {

        @Override
        public void afterChannelInitialized(Channel channel) {
            channel.pipeline().addFirst(new FlushConsolidationHandler(
                    FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
        }
    }

    /** One Vert.x event loop as the only loop of a Lettuce client; releasing it leaves it running. */
    private record OnLoop(EventLoop loop) implements EventLoopGroupProvider {

        @Override
        @SuppressWarnings("unchecked")
        public <T extends EventLoopGroup> T allocate(Class<T> type) {
            // Lettuce only uses the group as an EventLoopGroup (the erasure of T): a loop is one
            return (T) loop;
        }

        @Override
        public int threadPoolSize() {
            return 1;
        }

        @Override
        public Future<Boolean> release(EventExecutorGroup group, long quietPeriod, long timeout, TimeUnit unit) {
            return loop.newSucceededFuture(true);
        }

        @Override
        public Future<Boolean> shutdown(long quietPeriod, long timeout, TimeUnit unit) {
            return loop.newSucceededFuture(true);
        }
    }
}
