package dev.toolgate.http;

import dev.toolgate.error.ErrorCatalog;
import dev.toolgate.error.GatewayError;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Guards one HTTP/1.x connection of a listener, in its Netty pipeline: the bounds of
 * {@link ListenerLimits} (connections at once; idle, head and body timeouts), the framing answers
 * Vert.x does not give (RFC 9112: a request without {@code Host} or with two is 400; {@code HTTP/1.2}
 * is served as 1.1 and {@code HTTP/2.0} and above get 505; a path that is not UTF-8 is 400), and
 * {@code Connection: close} on a response, which closes the connection once it is written (and is added to a final
 * answer given before the body an {@code Expect: 100-continue} request announced was asked for).
 *
 * <p>Vert.x exposes no hook for a request's first bytes or for the version check it does before any
 * handler runs, so this sits in the pipeline (through {@link ConnectionBase#channel()}, Vert.x's
 * internal API): one handler before the decoder sees bytes, one after it sees requests and responses.
 * What it refuses it answers itself, from the {@link ErrorCatalog}, and closes the connection. All of it
 * runs on the connection's event loop.
 */
public final class ConnectionGuard {

    private enum State { IDLE, HEAD, BODY, BUSY, LINGERING, CLOSING }

    /** How long a closing connection waits for more of a body it will not read (nginx's {@code lingering_timeout}). */
    static final long LINGER_QUIET_MS = 5_000;
    /** The longest it waits in all (nginx's {@code lingering_time}). */
    static final long LINGER_MS = 30_000;

    private final ListenerLimits limits;
    private final AtomicInteger open;
    private State state = State.IDLE;
    private boolean requestDone;
    /**
     * Request heads read and final answers written whole. Counted, not flagged: requests sent together
     * (pipelined) are read before the first is answered, and the connection is idle only once the last one is.
     */
    private long requests;
    private long answers;
    /** A final answer is being written; reset once it is whole. */
    private boolean responseStarted;
    private boolean closeAfterResponse;
    /**
     * The number (in {@link #requests}) of the newest request if it sent {@code Expect: 100-continue} and no 100
     * (Continue) has answered it yet, else 0. A number, not a flag: with requests pipelined, the answer or the 100
     * being written may belong to an earlier request than the newest head read, and must not spend its state.
     */
    private long awaitingContinue;
    /** When the current state's bound ends ({@link System#nanoTime}), or 0 when it has none. */
    private long deadline;
    private ScheduledFuture<?> timer;
    /** Runs out the send timeout while the client reads nothing of its answer (the channel is not writable). */
    private ScheduledFuture<?> stall;
    /** What was left to write before the client could be written to again, when {@link #stall} was set. */
    private long stallPending;
    /** When {@link #timer} fires, if it is set. */
    private long timerAt;
    /** When lingering must end at the latest ({@link System#nanoTime}). */
    private long lingerUntil;
    /** While lingering: the answer is written whole; the body it answered has ended (no byte left unread). */
    private boolean answerWritten;
    private boolean bodyEnded;
    private ChannelHandlerContext messages;

    private ConnectionGuard(ListenerLimits limits, AtomicInteger open) {
        this.limits = limits;
        this.open = open;
    }

    /**
     * The server options that guard a connection before its first request head, when Vert.x has not yet
     * created the connection (it waits for that head to decide between HTTP/1.1 and an h2c upgrade): a
     * read-idle timeout of the head timeout, which {@link #attach} then removes. Vert.x places it behind the
     * HTTP decoder, so the bytes of a head not yet whole do not reset it: the first head must be whole within
     * the timeout of the accept. On a Vertx running on the {@link ListenerTransport} (the gateway's),
     * {@link FirstHead} counts the connection from its accept.
     */
    public static HttpServerOptions options(HttpServerOptions options, ListenerLimits limits) {
        return options.setIdleTimeoutUnit(TimeUnit.MILLISECONDS).setReadIdleTimeout((int) Math.min(Integer.MAX_VALUE,
                limits.headerTimeoutMs()));
    }

    /**
     * Answers a request head Netty could not decode (both {@code Transfer-Encoding} and {@code Content-Length},
     * a bad header line, a head too long...) as Vert.x does (400, 414 or 431) and closes the connection as
     * it does, but says so with {@code Connection: close}: a client must not take the silence for keep-alive
     * and send its next request into a closing connection. The guard closes once the answer is written.
     */
    public static void invalidRequest(HttpServerRequest request) {
        request.response().putHeader(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        HttpServerRequest.DEFAULT_INVALID_REQUEST_HANDLER.handle(request);
    }

    /**
     * Guards a new connection of a listener whose connections are counted in {@code open}. HTTP/2
     * connections are counted, closed when idle ({@link Http2Idle}) and have their streams' send timeout
     * ({@link Http2SendTimeout}).
     */
    public static void attach(HttpConnection connection, ListenerLimits limits, AtomicInteger open) {
        boolean pastCap = counted(connection, limits, open);
        if (!(connection instanceof ConnectionBase base) || base.channel().pipeline().get("httpDecoder") == null) {
            if (pastCap) {
                connection.close();
            } else if (connection instanceof ConnectionBase http2) {
                Http2Idle.install(http2.channel().pipeline(), limits.keepAliveMs());
                Http2SendTimeout.install(http2.channel().pipeline(), limits.sendTimeoutMs());
            }
            return;
        }
        ConnectionGuard guard = new ConnectionGuard(limits, open);
        ChannelPipeline pipeline = base.channel().pipeline();
        // until now (the first request head) the listener's read-idle timeout guarded the connection; the
        // guard takes over, and a quiet stream must not be cut by it
        if (pipeline.get("idle") != null) {
            pipeline.remove("idle");
        }
        pipeline.addBefore("httpDecoder", "toolgateBytes", guard.new Bytes());
        pipeline.addBefore("handler", "toolgateMessages", guard.new Messages());
        if (pastCap) {
            guard.refuse(new GatewayError.TooManyConnections(limits.maxConnections()), "5");
        } else {
            guard.bound(limits.headerTimeoutMs());
            guard.watch();
        }
    }

    /**
     * Counts the connection, unless {@link FirstHead} counted it at its accept (and now hands it over), and
     * says whether it is past the listener's cap.
     */
    private static boolean counted(HttpConnection connection, ListenerLimits limits, AtomicInteger open) {
        if (connection instanceof ConnectionBase base && base.channel().hasAttr(FirstHead.PAST_CAP)) {
            ChannelPipeline pipeline = base.channel().pipeline();
            if (pipeline.get(FirstHead.NAME) != null) {
                pipeline.remove(FirstHead.NAME);
            }
            return base.channel().attr(FirstHead.PAST_CAP).get();
        }
        int now = open.incrementAndGet();
        connection.closeHandler(v -> open.decrementAndGet());
        return now > limits.maxConnections();
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
                lingerOn();
                return;
            }
            if (state == State.IDLE && msg instanceof ByteBuf bytes && bytes.isReadable()) {
                state = State.HEAD;
                bound(limits.headerTimeoutMs());
            }
            ctx.fireChannelRead(msg);
            // the decoder and the server have seen these bytes: a request that came whole needs no timer
            watch();
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
                    bodyEnded = true;
                    closeIfLingered();
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
                requestDone = false;
                requests++;
                awaitingContinue = HttpUtil.is100ContinueExpected(request) ? requests : 0;
                bound(limits.bodyTimeoutMs());
            }
            if (msg instanceof HttpContent) {
                if (msg instanceof LastHttpContent) {
                    requestDone = true;
                    state = State.BUSY;
                    deadline = 0;
                    idleIfDone();
                } else if (state == State.BODY) {
                    bound(limits.bodyTimeoutMs());
                }
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            // answers go out in the order requests came: this one answers request answers + 1
            boolean newest = awaitingContinue == answers + 1;
            if (msg instanceof HttpResponse response && response.status().code() == 100 && newest) {
                awaitingContinue = 0;
            }
            if (msg instanceof HttpResponse response && response.status().code() >= 200) {
                responseStarted = true;
                if (newest && !requestDone) {
                    // answered before the body was asked for: the client need not send it (RFC 9110 §10.1.1),
                    // and the next bytes, another request perhaps, must not be read as that body
                    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                }
                closeAfterResponse |= response.headers().containsValue(HttpHeaderNames.CONNECTION, "close", true);
            }
            if (msg instanceof LastHttpContent && responseStarted) {
                if (closeAfterResponse && !requestDone) {
                    linger(ctx, msg, promise);
                    return;
                }
                if (closeAfterResponse) {
                    state = State.CLOSING;
                    cancel();
                    ctx.write(msg, promise.unvoid()).addListener(ChannelFutureListener.CLOSE);
                    return;
                }
                answers++;
                responseStarted = false;
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
                flowing();
            } else {
                stalled();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            cancel();
            flowing();
            ctx.fireChannelInactive();
        }
    }

    /**
     * Answered while the client still sends a body the gateway will not read (a 413): closing now would
     * answer the bytes still coming with a TCP reset, and a client that reads its answer only once it has
     * sent all (curl, Node's fetch) would see the reset, not the 413. So, as nginx's lingering close does, the
     * answer is written, the connection's sending side shut, and what the client still sends is read and
     * dropped, unparsed, until it closes, is quiet for {@link #LINGER_QUIET_MS}, or {@link #LINGER_MS} pass.
     */
    private void linger(ChannelHandlerContext ctx, Object last, ChannelPromise promise) {
        state = State.LINGERING;
        answerWritten = false;
        bodyEnded = false;
        lingerUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINGER_MS);
        lingerOn();
        ctx.writeAndFlush(last, promise.unvoid()).addListener(written -> {
            answerWritten = true;
            if (!written.isSuccess() || !(ctx.channel() instanceof DuplexChannel duplex)) {
                closeNow();
            } else if (!closeIfLingered()) {
                duplex.shutdownOutput();
            }
        });
    }

    /** Closes once the answer is written and nothing of the body is left to read; says whether it did. */
    private boolean closeIfLingered() {
        if (state != State.LINGERING || !answerWritten || !bodyEnded) {
            return false;
        }
        closeNow();
        return true;
    }

    private void closeNow() {
        state = State.CLOSING;
        cancel();
        messages.channel().close();
    }

    /** Some of the dropped body arrived: the quiet bound starts again, within the whole one. */
    private void lingerOn() {
        long quietEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINGER_QUIET_MS);
        deadline = quietEnd - lingerUntil < 0 ? quietEnd : lingerUntil;
        watch();
    }

    /**
     * The client stopped reading its answer (what is written waits past the channel's high-water mark): it
     * has the send timeout to read some of it, or its connection is closed, and with it what feeds the answer
     * (nginx's {@code send_timeout}). A client that reads anything in that time gets the time again. Armed in
     * any state: an answer that closes the connection once written (a client's {@code Connection: close})
     * waits on the client as any other.
     */
    private void stalled() {
        if (stall != null || messages == null) {
            return;
        }
        stallPending = messages.channel().bytesBeforeWritable();
        stall = messages.executor().schedule(this::stallEnded, limits.sendTimeoutMs(), TimeUnit.MILLISECONDS);
    }

    private void stallEnded() {
        stall = null;
        if (messages.channel().isWritable() || !messages.channel().isActive()) {
            return;
        }
        if (messages.channel().bytesBeforeWritable() < stallPending) {
            stalled();
            return;
        }
        state = State.CLOSING;
        cancel();
        messages.close();
    }

    private void flowing() {
        if (stall != null) {
            stall.cancel(false);
            stall = null;
        }
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
        cancel();
        flowing();
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
        if (requestDone && answers == requests) {
            state = State.IDLE;
            bound(limits.keepAliveMs());
            watch();
        }
    }

    /** The current state ends in {@code delayMs}; only notes it (see {@link #watch}). */
    private void bound(long delayMs) {
        deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs);
    }

    /**
     * Makes sure a timer fires by the current deadline. A state change only notes its deadline: most
     * requests arrive in one read and are answered before any bound could end, and a timer per change (3
     * schedules and 3 cancels a request) cost about a microsecond a request. A timer that fires before
     * the deadline sets the next one.
     */
    private void watch() {
        if (deadline == 0 || (timer != null && timerAt - deadline <= 0) || messages == null) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        timerAt = deadline;
        timer = messages.executor().schedule(this::due, Math.max(0, deadline - System.nanoTime()),
                TimeUnit.NANOSECONDS);
    }

    /** No bound any more: the connection closes, or leaves HTTP/1. */
    private void cancel() {
        deadline = 0;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void due() {
        timer = null;
        if (deadline == 0) {
            return;
        }
        if (System.nanoTime() - deadline < 0) {
            watch();
            return;
        }
        deadline = 0;
        expired();
    }

    private void expired() {
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
                if (responseStarted || answers == requests) {
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
        cancel();
        ErrorCatalog.Entry entry = ErrorCatalog.of(error);
        byte[] body = ("{\"message\":" + quoted(entry.message()) + "}").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(entry.status()), Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, "close");
        if (retryAfter != null) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfter);
        }
        // written below this guard: straight to the encoder, around Vert.x, which never saw the request
        messages.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private static String quoted(String text) {
        return dev.toolgate.mcp.Json.text(text);
    }
}
