package dev.toolgate.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts a listener's connection against its cap from the accept, until Vert.x makes it an HTTP
 * connection, which it does only once the first request head is whole (it needs the head to tell
 * HTTP/1.1 from an h2c upgrade): counted only from then, connections still sending their first head
 * were outside the cap however many there were. {@link ConnectionGuard#attach} removes it and refuses
 * the connection if it was past the cap. The time its head may take is bounded by the listener's
 * read-idle timeout ({@link ConnectionGuard#options}), which sees no byte of a head not yet whole.
 *
 * <p>Until then Vert.x holds the connection as a plain socket with no failure handler, and would log its
 * failure at ERROR, a line for each client that resets its connection before its first head is whole: this,
 * the first handler to hear of a failure, weighs it ({@link ConnectionFailures}) and closes the connection
 * as Vert.x would. From the HTTP connection on, the server's own failure handler hears of them.
 */
final class FirstHead extends ChannelInboundHandlerAdapter {

    static final String NAME = "toolgateFirstHead";
    /** Set at the accept: whether the connection was one past the listener's cap. */
    static final AttributeKey<Boolean> PAST_CAP = AttributeKey.valueOf("toolgate.pastCap");

    private final ListenerLimits limits;
    private final AtomicInteger open;

    FirstHead(ListenerLimits limits, AtomicInteger open) {
        this.limits = limits;
        this.open = open;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        int now = open.incrementAndGet();
        ctx.channel().closeFuture().addListener(closed -> open.decrementAndGet());
        ctx.channel().attr(PAST_CAP).set(now > limits.maxConnections());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ConnectionFailures.weigh(cause);
        ctx.close();
    }
}
