package dev.toolgate.http;

import dev.toolgate.error.GatewayError;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

/**
 * The body timeout of an HTTP/2 stream. Over HTTP/1.1 the connection guard times a body on its
 * connection; an h2c connection carries many streams, so each is timed here: a stream whose body makes
 * no progress for the body timeout is answered 408, as over HTTP/1.1, and reset, so that the body's
 * reader fails and the exchange ends. The connection and its other streams go on.
 *
 * <p>One timer per stream whose body is still arriving, looked at once per timeout (not moved on every
 * chunk): a pause is cut between one and two timeouts after it began.
 */
final class Http2BodyPause {

    private final Vertx vertx;
    private final HttpServerRequest request;
    private final long timeoutMs;
    private long bytesSeen = -1;

    private Http2BodyPause(Vertx vertx, HttpServerRequest request, long timeoutMs) {
        this.vertx = vertx;
        this.request = request;
        this.timeoutMs = timeoutMs;
    }

    /** Times the body of {@code request} when it is an HTTP/2 stream whose body is still arriving. */
    static void watch(Vertx vertx, HttpServerRequest request, long timeoutMs) {
        if (request.version() == HttpVersion.HTTP_2 && !request.isEnded()) {
            new Http2BodyPause(vertx, request, timeoutMs).look();
        }
    }

    private void look() {
        if (request.isEnded() || request.response().ended() || request.response().closed()) {
            return;
        }
        long bytes = request.bytesRead();
        if (bytes > bytesSeen) {
            bytesSeen = bytes;
            vertx.setTimer(timeoutMs, id -> look());
            return;
        }
        // once the answer is out, the client may still be sending: RST_STREAM (NO_ERROR) tells it to stop
        // (RFC 9113 §8.1), and closes the stream here
        request.response().bodyEndHandler(v -> request.response().reset(0));
        ErrorResponses.plain(request.response(), new GatewayError.RequestTimeout("request body"));
    }
}
