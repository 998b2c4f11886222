package dev.toolgate.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameListenerDecorator;
import io.netty.handler.codec.http2.Http2RemoteFlowController;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The send timeout of a connection that speaks HTTP/2 (h2c): a stream whose answer waits on a client that lets
 * none of it through for the send timeout is reset (CANCEL), and with it what feeds the answer, as
 * {@link ConnectionGuard} closes an HTTP/1.x connection (nginx's {@code send_timeout}). Over HTTP/2 an answer
 * waits in the stream's flow control, not in the socket: a client that never grants a stream window (sends no
 * {@code WINDOW_UPDATE}) while it reads everything else would otherwise hold the stream, and a passthrough
 * answer's pooled upstream connection, for as long as it likes.
 *
 * <p>A stream waits when data is queued for it in Netty's flow controller, or when its writer is held back: the
 * flow controller calls the stream unwritable (its window or the connection's is spent, or the socket is full)
 * while what the writer holds has not reached Netty yet. It made progress when, since the last
 * look, the client granted window to it or to the connection, or the socket took some of what was queued (it
 * drained below its low-water mark, or less waits in it than at the last look). Looked
 * at once each send timeout: a stream waiting at two looks in a row without progress is reset, so a wait is cut
 * within two timeouts. Other streams of the connection go on.
 */
final class Http2SendTimeout extends ChannelInboundHandlerAdapter {

    private static final String NAME = "toolgateHttp2SendTimeout";

    private final long sendTimeoutMs;
    private ChannelHandlerContext context;
    private Http2ConnectionHandler http2;
    private Http2Connection.PropertyKey waiting;
    /** What counts the grants: while another listener replaced it, no stream is judged (none is reset unseen). */
    private Http2FrameListenerDecorator counting;
    /** Window granted to the connection (stream 0), counted as it arrives. */
    private long connectionGrants;
    private long connectionGrantsSeen;
    private long unwrittenSeen;
    /** The socket drained below its low-water mark since the last look: the client read. */
    private boolean drained;
    private ScheduledFuture<?> timer;

    private Http2SendTimeout(long sendTimeoutMs) {
        this.sendTimeoutMs = sendTimeoutMs;
    }

    /** Bounds the streams of this HTTP/2 connection's pipeline by the send timeout. */
    static void install(ChannelPipeline pipeline, long sendTimeoutMs) {
        if (pipeline.get(NAME) == null && pipeline.get(Http2ConnectionHandler.class) != null) {
            pipeline.addFirst(NAME, new Http2SendTimeout(sendTimeoutMs));
        }
    }

    /** What this connection knows of one stream at the last look. */
    private static final class Seen {
        long grants;
        long grantsAtLook;
        boolean waitedAtLook;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
        http2 = ctx.pipeline().get(Http2ConnectionHandler.class);
        waiting = http2.connection().newKey();
        // counts the window each stream is granted; everything else goes on to Vert.x as before
        counting = new Http2FrameListenerDecorator(http2.decoder().frameListener()) {
            @Override
            public void onWindowUpdateRead(ChannelHandlerContext c, int streamId, int increment)
                    throws Http2Exception {
                granted(streamId);
                super.onWindowUpdateRead(c, streamId, increment);
            }
        };
        http2.decoder().frameListener(counting);
        timer = ctx.executor().scheduleAtFixedRate(this::look, sendTimeoutMs, sendTimeoutMs, TimeUnit.MILLISECONDS);
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

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // two samples of what waits cannot tell a socket that drained and filled again from one that did not move
        if (ctx.channel().isWritable()) {
            drained = true;
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void granted(int streamId) {
        if (streamId == 0) {
            connectionGrants++;
            return;
        }
        Http2Stream stream = http2.connection().stream(streamId);
        if (stream != null) {
            seen(stream).grants++;
        }
    }

    private Seen seen(Http2Stream stream) {
        Seen seen = stream.getProperty(waiting);
        if (seen == null) {
            seen = new Seen();
            stream.setProperty(waiting, seen);
        }
        return seen;
    }

    private void look() {
        if (!context.channel().isActive()) {
            cancel();
            return;
        }
        if (http2.decoder().frameListener() != counting) {
            return; // grants are no longer counted: a client granting window would look stuck
        }
        Http2RemoteFlowController flow = http2.encoder().flowController();
        long unwritten = context.channel().isWritable() ? 0 : context.channel().bytesBeforeWritable();
        // what holds a stream's data back: its window, the connection's window, or the socket
        boolean connectionGranted = connectionGrants != connectionGrantsSeen;
        boolean socketMoved = drained || unwritten == 0 || unwrittenSeen == 0 || unwritten < unwrittenSeen;
        drained = false;
        boolean connectionOpen = flow.windowSize(http2.connection().connectionStream()) > 0;
        connectionGrantsSeen = connectionGrants;
        unwrittenSeen = unwritten;
        List<Http2Stream> stuck = new ArrayList<>();
        try {
            http2.connection().forEachActiveStream(stream -> {
                if (stuck(stream, flow, connectionOpen ? socketMoved : connectionGranted)) {
                    stuck.add(stream);
                }
                return true;
            });
        } catch (Http2Exception e) {
            // the visitor throws nothing
            return;
        }
        if (stuck.isEmpty()) {
            return;
        }
        ChannelHandlerContext handler = context.pipeline().context(http2);
        for (Http2Stream stream : stuck) {
            http2.resetStream(handler, stream.id(), Http2Error.CANCEL.code(), handler.newPromise());
        }
        handler.flush();
    }

    /**
     * Whether {@code stream} has data waiting now and at the last look, with no progress in between: window granted
     * to it when its own window holds it back, else {@code connectionMoved} (the connection's window or the socket).
     */
    private boolean stuck(Http2Stream stream, Http2RemoteFlowController flow, boolean connectionMoved) {
        Seen seen = seen(stream);
        // held back: data queued in the flow controller, or, once the answer began, none queued because the writer
        // was told to wait (Vert.x keeps what it could not hand over while the stream, its connection or the socket
        // is not writable); an answer not begun waits on its upstream, not on the client
        boolean waits = flow.hasFlowControlled(stream)
                || stream.isHeadersSent() && stream.state().localSideOpen() && !flow.isWritable(stream);
        boolean moved = flow.windowSize(stream) <= 0 ? seen.grants != seen.grantsAtLook : connectionMoved;
        boolean stuck = waits && seen.waitedAtLook && !moved;
        seen.waitedAtLook = waits;
        seen.grantsAtLook = seen.grants;
        return stuck;
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
