package dev.toolgate.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The keep-alive bound of a connection that speaks HTTP/2 (h2c, by prior knowledge or an upgrade): it is
 * closed once it has had no open stream for the keep-alive timeout. A connection with a stream open (a
 * quiet server-sent event stream, a call in progress) is left alone, as an HTTP/1.1 connection with a
 * request in progress is; the head timeout that guarded the connection before it spoke is removed, since
 * it would cut such a stream.
 *
 * <p>What counts is streams, not traffic: PING, SETTINGS and WINDOW_UPDATE frames are no request in
 * progress, and a client that sent one now and then would otherwise hold its connection for ever.
 */
final class Http2Idle extends ChannelInboundHandlerAdapter {

    private static final String NAME = "toolgateHttp2Idle";

    private final long keepAliveNanos;
    private ChannelHandlerContext context;
    /** When the connection last had no stream open ({@link System#nanoTime}); read when none is. */
    private long idleSince;
    private ScheduledFuture<?> timer;
    /** Stream closes are reported to {@link #idle}. */
    private boolean listening;

    private Http2Idle(long keepAliveMs) {
        this.keepAliveNanos = TimeUnit.MILLISECONDS.toNanos(keepAliveMs);
    }

    /** Puts the HTTP/2 keep-alive bound in place of the listener's read-idle timeout. */
    static void install(ChannelPipeline pipeline, long keepAliveMs) {
        if (pipeline.get("idle") != null) {
            pipeline.remove("idle");
        }
        if (pipeline.get(NAME) == null) {
            pipeline.addFirst(NAME, new Http2Idle(keepAliveMs));
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
        http2();
        idle();
    }

    /** The connection's HTTP/2 handler, or null; the first time it is found, its stream closes start waits. */
    private Http2ConnectionHandler http2() {
        Http2ConnectionHandler http2 = context.pipeline().get(Http2ConnectionHandler.class);
        if (http2 != null && !listening) {
            listening = true;
            http2.connection().addListener(new Http2ConnectionAdapter() {
                @Override
                public void onStreamClosed(Http2Stream stream) {
                    idle();
                }
            });
        }
        return http2;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    /**
     * A stream closed (perhaps the last one): the wait starts now. One timer at a time; when it fires
     * early (a stream closed since it was set) it sets itself for the rest of the wait.
     */
    private void idle() {
        idleSince = System.nanoTime();
        // streams close as the connection does: nothing is left to time
        if (timer == null && context.channel().isActive()) {
            timer = context.executor().schedule(this::due, keepAliveNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void due() {
        timer = null;
        Http2ConnectionHandler http2 = http2();
        if (http2 != null && http2.connection().numActiveStreams() > 0) {
            // the wait starts again when a stream closes
            return;
        }
        long left = idleSince + keepAliveNanos - System.nanoTime();
        if (left > 0) {
            timer = context.executor().schedule(this::due, left, TimeUnit.NANOSECONDS);
            return;
        }
        context.close();
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
