package dev.toolgate.http;

import dev.toolgate.error.ErrorCatalog;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;

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
 *
 * <p>This class is the listener's side: what guards a connection before its first request head, and what
 * guards it from then on (the count, HTTP/2's bounds, or {@link Http1Guard} for HTTP/1.x, with its
 * {@link StateDeadline}, {@link Http1SendTimeout}, {@link LingeringClose} and {@link Refusal}).
 */
public final class ConnectionGuard {

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
        ChannelPipeline pipeline = base.channel().pipeline();
        // until now (the first request head) the listener's read-idle timeout guarded the connection; the
        // guard takes over, and a quiet stream must not be cut by it
        if (pipeline.get("idle") != null) {
            pipeline.remove("idle");
        }
        Http1Guard.install(pipeline, limits, pastCap);
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
}
