package dev.toolgate.http;

import dev.toolgate.error.GatewayError;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * The guard of one HTTP/1.x connection, in its Netty pipeline: where the connection is (between requests,
 * reading a head or a body, answering, lingering, closing), the timeout of each of those states, the framing
 * answers of {@link HttpFraming}, and {@code Connection: close} ({@link AnswerOrder} keeps which answer is
 * whose). Apart from {@link ConnectionGuard}, which decides at a connection's first request head what guards
 * it (the count, HTTP/2, this): this is the per-request state machine, one per HTTP/1 connection, and runs on
 * the connection's event loop.
 */
final class Http1Guard {

    private enum State { IDLE, HEAD, BODY, BUSY, LINGERING, CLOSING }

    private final ListenerLimits limits;
    final StateDeadline deadline = new StateDeadline(this);
    private final Http1SendTimeout sendTimeout;
    private final LingeringClose lingering = new LingeringClose(this);
    private final AnswerOrder order = new AnswerOrder();
    private State state = State.IDLE;
    /** Where decoded requests and answers pass (null until that handler is added): its event loop runs the timers. */
    ChannelHandlerContext messages;

    private Http1Guard(ListenerLimits limits) {
        this.limits = limits;
        this.sendTimeout = new Http1SendTimeout(this, limits.sendTimeoutMs());
    }

    /**
     * Guards the connection of {@code pipeline}: one handler before the decoder sees bytes, one after it sees
     * requests and responses. A connection past the listener's cap is refused at once.
     */
    static void install(ChannelPipeline pipeline, ListenerLimits limits, boolean pastCap) {
        Http1Guard guard = new Http1Guard(limits);
        pipeline.addBefore("httpDecoder", "toolgateBytes", guard.new Bytes());
        pipeline.addBefore("handler", "toolgateMessages", guard.new Messages());
        if (pastCap) {
            guard.refuse(new GatewayError.TooManyConnections(limits.maxConnections()), "5");
        } else {
            guard.deadline.bound(limits.headerTimeoutMs());
            guard.deadline.watch();
        }
    }

    /** Raw bytes: the first byte of a request starts the head timeout. */
    private final class Bytes extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (upgraded(ctx)) {
                ctx.fireChannelRead(msg);
                return;
            }
            if (state == State.CLOSING) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (state == State.LINGERING) {
                ReferenceCountUtil.release(msg);
                lingering.lingerOn();
                return;
            }
            if (state == State.IDLE && msg instanceof ByteBuf bytes && bytes.isReadable()) {
                state = State.HEAD;
                deadline.bound(limits.headerTimeoutMs());
            }
            ctx.fireChannelRead(msg);
            // the decoder and the server have seen these bytes: a request that came whole needs no timer
            deadline.watch();
        }
    }

    /** Decoded requests on the way in, responses on the way out. */
    private final class Messages extends ChannelDuplexHandler {
        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            messages = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (upgraded(ctx)) {
                ctx.fireChannelRead(msg);
                return;
            }
            if (state == State.CLOSING) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (state == State.LINGERING) {
                // decoded from bytes read with the head: the rest of a body no one will read, or a request after it
                ReferenceCountUtil.release(msg);
                if (msg instanceof LastHttpContent) {
                    lingering.bodyEnded();
                }
                return;
            }
            if (msg instanceof HttpRequest request) {
                GatewayError refused = HttpFraming.check(request);
                if (refused != null) {
                    ReferenceCountUtil.release(msg);
                    refuse(refused, null);
                    return;
                }
                state = State.BODY;
                order.headRead(request);
                deadline.bound(limits.bodyTimeoutMs());
            }
            if (msg instanceof HttpContent) {
                if (msg instanceof LastHttpContent) {
                    order.requestEnded();
                    state = State.BUSY;
                    deadline.clear();
                    idleIfDone();
                } else if (state == State.BODY) {
                    deadline.bound(limits.bodyTimeoutMs());
                }
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            order.writing(msg);
            if (msg instanceof LastHttpContent && order.answering()) {
                if (order.closeAfterResponse() && !order.requestDone()) {
                    state = State.LINGERING;
                    lingering.start(ctx, msg, promise);
                    return;
                }
                if (order.closeAfterResponse()) {
                    state = State.CLOSING;
                    deadline.cancel();
                    ctx.write(msg, promise.unvoid()).addListener(ChannelFutureListener.CLOSE);
                    return;
                }
                order.answered();
                if (ctx.channel().isWritable()) {
                    idleIfDone();
                } else {
                    // the answer is queued, not sent: the keep-alive starts once the client has read it (until
                    // then the send timeout bounds it), or a slow reader of a large answer would be cut as idle
                    promise = promise.unvoid();
                    promise.addListener(written -> idleIfDone());
                }
            }
            ctx.write(msg, promise);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                sendTimeout.flowing();
            } else {
                sendTimeout.stalled();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            deadline.cancel();
            sendTimeout.flowing();
            ctx.fireChannelInactive();
        }
    }

    /** Whether the connection lingers ({@link LingeringClose}). */
    boolean lingering() {
        return state == State.LINGERING;
    }

    /** Closes at once: the lingering ended, or its answer could not be written. */
    void closeNow() {
        state = State.CLOSING;
        deadline.cancel();
        messages.channel().close();
    }

    /** The client read nothing of its answer for the send timeout ({@link Http1SendTimeout}). */
    void sendTimedOut() {
        state = State.CLOSING;
        deadline.cancel();
        messages.close();
    }

    /**
     * After an h2c upgrade the HTTP/1 codec is gone and HTTP/2 keeps its own streams: the guard steps
     * out (it would otherwise answer an HTTP/2 connection in HTTP/1); the count and the keep-alive bound
     * ({@link Http2Idle}) remain.
     */
    private boolean upgraded(ChannelHandlerContext ctx) {
        ChannelPipeline pipeline = ctx.pipeline();
        if (pipeline.get("httpDecoder") != null) {
            return false;
        }
        deadline.cancel();
        sendTimeout.flowing();
        state = State.BUSY;
        Http2Idle.install(pipeline, limits.keepAliveMs());
        Http2SendTimeout.install(pipeline, limits.sendTimeoutMs());
        if (pipeline.get("toolgateBytes") != null) {
            pipeline.remove("toolgateBytes");
        }
        if (pipeline.get("toolgateMessages") != null) {
            pipeline.remove("toolgateMessages");
        }
        return true;
    }

    private void idleIfDone() {
        if (order.requestDone() && order.caughtUp()) {
            state = State.IDLE;
            deadline.bound(limits.keepAliveMs());
            deadline.watch();
        }
    }

    /** The current state's bound ended ({@link StateDeadline}). */
    void expired() {
        if (messages.pipeline().get("httpDecoder") == null) {
            return;
        }
        switch (state) {
            case IDLE -> {
                state = State.CLOSING;
                messages.close();
            }
            case HEAD -> refuse(new GatewayError.RequestTimeout("request head"), null);
            case BODY -> {
                if (order.answering() || order.caughtUp()) {
                    state = State.CLOSING;
                    messages.close();
                } else {
                    refuse(new GatewayError.RequestTimeout("request body"), null);
                }
            }
            case LINGERING -> closeNow();
            case BUSY, CLOSING -> {
            }
        }
    }

    /** Answers from the catalog with {@code Connection: close} and closes; what arrives after is dropped. */
    private void refuse(GatewayError error, String retryAfter) {
        state = State.CLOSING;
        deadline.cancel();
        Refusal.write(messages, error, retryAfter);
    }
}
