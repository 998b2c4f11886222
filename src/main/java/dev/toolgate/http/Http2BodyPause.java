package dev.toolgate.http;

import dev.toolgate.error.GatewayError;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

import java.util.ArrayList;
import java.util.List;

/**
 * The body timeout of HTTP/2 streams, for one event loop's listener. Over HTTP/1.1 the connection guard
 * times a body on its connection; an h2c connection carries many streams, so each is timed here: a
 * stream whose body makes no progress for the body timeout is answered 408, as over HTTP/1.1, and reset
 * at the next look (by then the answer is out), which fails the body's reader and ends the exchange.
 * The connection and its other streams go on.
 *
 * <p>The streams whose bodies are still arriving are looked at together, once a second (or once per
 * timeout, when shorter), by one timer that runs only while there are any: a stream is let go at the
 * first look after it ends, and a pause is cut within a look of the timeout.
 */
final class Http2BodyPause {

    private final Vertx vertx;
    private final long timeoutMs;
    private final long everyMs;
    private final List<Stream> streams = new ArrayList<>();
    private long timer = -1;

    private static final class Stream {
        final HttpServerRequest request;
        long bytesSeen;
        long progressAt;
        boolean answered;

        Stream(HttpServerRequest request, long now) {
            this.request = request;
            this.bytesSeen = request.bytesRead();
            this.progressAt = now;
        }
    }

    /** Runs on the listener's event loop, as {@link #watch} and the looks do. */
    Http2BodyPause(Vertx vertx, long timeoutMs) {
        this.vertx = vertx;
        this.timeoutMs = timeoutMs;
        this.everyMs = Math.min(1_000, timeoutMs);
    }

    /** Times the body of {@code request} when it is an HTTP/2 stream whose body is still arriving. */
    void watch(HttpServerRequest request) {
        if (request.version() != HttpVersion.HTTP_2 || request.isEnded()) {
            return;
        }
        streams.add(new Stream(request, System.nanoTime()));
        if (timer < 0) {
            timer = vertx.setPeriodic(everyMs, id -> look());
        }
    }

    private void look() {
        long now = System.nanoTime();
        streams.removeIf(stream -> settled(stream, now));
        if (streams.isEmpty()) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    /** True when the stream needs no more looks: its body ended, its answer went, or it was reset. */
    private boolean settled(Stream stream, long now) {
        HttpServerRequest request = stream.request;
        if (request.isEnded() || request.response().closed()) {
            return true;
        }
        if (stream.answered) {
            // the 408 is out and the client is still sending: RST_STREAM (NO_ERROR) tells it to stop
            // (RFC 9113 §8.1)
            request.response().reset(0);
            return true;
        }
        if (request.response().ended()) {
            return true;
        }
        long bytes = request.bytesRead();
        if (bytes > stream.bytesSeen) {
            stream.bytesSeen = bytes;
            stream.progressAt = now;
            return false;
        }
        if (now - stream.progressAt >= timeoutMs * 1_000_000) {
            ErrorResponses.plain(request.response(), new GatewayError.RequestTimeout("request body"));
            stream.answered = true;
        }
        return false;
    }
}
