package dev.toolgate.http;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;

import java.util.function.Supplier;

/**
 * One streamed exchange up to the head of its answer: the request and its whole body sent on the
 * connection the pool gave, the answer's head handed to the caller, who reads its body. A request
 * that failed on a stale pooled connection before any answer goes once more on a new connection,
 * when {@link StaleConnection} allows it; else the failure is the caller's, unclassified.
 */
final class StreamedCall {

    private final UpstreamTarget target;
    private final HttpMethod method;
    private final Buffer body;
    private final Future<?> cancelled;
    private final Supplier<Future<HttpClientRequest>> fresh;
    private final Promise<HttpClientResponse> head = Promise.promise();
    /** The attempt whose failure counts; null while a new connection is being opened for the next. */
    private volatile HttpClientRequest current;

    private StreamedCall(UpstreamTarget target, HttpMethod method, Buffer body, Future<?> cancelled,
                         Supplier<Future<HttpClientRequest>> fresh) {
        this.target = target;
        this.method = method;
        this.body = body;
        this.cancelled = cancelled;
        this.fresh = fresh;
    }

    /**
     * Sends the request on {@code lease}; {@code fresh} opens a new connection for a second attempt.
     * When {@code cancelled} completes, the attempt in flight is reset.
     */
    static Future<HttpClientResponse> start(UpstreamTarget target, HttpMethod method, Buffer body,
                                            UpstreamClient.Lease lease, Future<?> cancelled,
                                            Supplier<Future<HttpClientRequest>> fresh) {
        StreamedCall call = new StreamedCall(target, method, body, cancelled, fresh);
        call.send(lease.request(), lease.reused());
        return call.head.future();
    }

    private void send(HttpClientRequest request, boolean reused) {
        current = request;
        // failures arrive through the response and end futures below (and the answer's own handler);
        // without this, Vert.x logs each reset (a client that went away) as an error
        request.exceptionHandler(t -> { });
        if (cancelled != null) {
            cancelled.onComplete(c -> request.reset());
        }
        request.response().onComplete(response -> {
            if (response.succeeded()) {
                head.tryComplete(response.result());
            } else {
                failed(request, reused, response.cause());
            }
        });
        (body == null || body.length() == 0 ? request.end() : request.end(body))
                .onFailure(t -> failed(request, reused, t));
    }

    private void failed(HttpClientRequest request, boolean reused, Throwable failure) {
        if (request != current || head.future().isComplete()) {
            return; // the attempt already failed once (its end and its response both say so), or was replaced
        }
        // a body goes once, whatever the method: a server may act on a GET's as on a POST's (a tools/call in it)
        if ((cancelled == null || !cancelled.isComplete()) && (body == null || body.length() == 0)
                && StaleConnection.resend(target, method, reused, failure)) {
            current = null;
            fresh.get().onComplete(opened -> {
                if (opened.failed()) {
                    head.tryFail(opened.cause());
                } else if (cancelled != null && cancelled.isComplete()) {
                    opened.result().reset(); // the caller gave up meanwhile: nothing goes out
                    head.tryFail(failure);
                } else {
                    send(opened.result(), false);
                }
            });
            return;
        }
        head.tryFail(failure);
    }
}
