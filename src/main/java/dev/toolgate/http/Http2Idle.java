package dev.toolgate.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/**
 * The keep-alive bound of a connection that speaks HTTP/2 (h2c, by prior knowledge or an upgrade): it is
 * closed once it has had no open stream for the keep-alive timeout. A connection with a stream open (a
 * quiet server-sent event stream, a call in progress) is left alone, as an HTTP/1.1 connection with a
 * request in progress is; the head timeout that guarded the connection before it spoke is removed, since
 * it would cut such a stream.
 */
final class Http2Idle extends IdleStateHandler {

    private static final String NAME = "toolgateHttp2Idle";

    private Http2Idle(long keepAliveMs) {
        super(0, 0, keepAliveMs, TimeUnit.MILLISECONDS);
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
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
        Http2ConnectionHandler http2 = ctx.pipeline().get(Http2ConnectionHandler.class);
        if (http2 == null || http2.connection().numActiveStreams() == 0) {
            ctx.close();
        }
    }
}
