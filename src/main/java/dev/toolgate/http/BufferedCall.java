package dev.toolgate.http;

import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One buffered exchange on a connection the pool gave: the request sent, the whole answer read within
 * {@code maxResponseBytes} and inflated, under two limits with one timer: the call's deadline
 * ({@code timeoutMs}) and the service's {@code read_timeout}, the longest silence from the upstream.
 * Reads only note the time; the timer, set for the nearer limit, checks both when it fires and sets
 * itself again while neither has passed, so a call costs one timer (a socket idle timeout beside a
 * deadline cost two, each a scheduled task made and cancelled on the event loop per call). A request
 * that failed on a stale pooled connection before any answer goes once more on a new connection, when
 * {@link StaleConnection} allows it, under the same deadline.
 */
final class BufferedCall {

    private final Vertx vertx;
    private final UpstreamRequest request;
    private final Supplier<Future<HttpClientRequest>> fresh;
    private final Promise<UpstreamResponse> result;
    /** The call's part of a budget shared with other calls, or null: bounded by its own limit alone. */
    private final AnswerBudget.Share share;
    /** The attempt in flight; null while a new connection is being opened for the next. */
    private volatile HttpClientRequest req;
    /** The answer began: a failure from now on is the call's, never sent again. */
    private volatile boolean answered;
    /** When the answer's head arrived ({@link System#nanoTime()}), or -1 before. */
    private volatile long headNanos = -1;
    /** The answer's status once its head was found usable; 0 before (a failure then has no answer's status). */
    private volatile int headStatus;
    private final long deadlineNanos;
    /** 0: no read_timeout. */
    private final long readTimeoutNanos;
    private volatile long lastReadNanos;
    private volatile long timer;

    private BufferedCall(Vertx vertx, UpstreamRequest request, Supplier<Future<HttpClientRequest>> fresh,
                         Promise<UpstreamResponse> result, AnswerBudget.Share share) {
        this.vertx = vertx;
        this.request = request;
        this.fresh = fresh;
        this.result = result;
        this.share = share;
        long now = System.nanoTime();
        this.deadlineNanos = now + TimeUnit.MILLISECONDS.toNanos(request.timeoutMs());
        int readTimeoutMs = request.target().readTimeoutMs();
        this.readTimeoutNanos = readTimeoutMs > 0 ? TimeUnit.MILLISECONDS.toNanos(readTimeoutMs) : 0;
        this.lastReadNanos = now;
    }

    /**
     * Sends {@code request} on {@code lease} and completes {@code result} with its answer or failure
     * ({@code fresh} opens a new connection for a second attempt); when {@code cancelled} completes first,
     * the upstream request is reset and the result fails. The answer's bytes are taken from {@code share}
     * as they arrive, when there is one.
     */
    static void start(Vertx vertx, UpstreamRequest request, UpstreamClient.Lease lease,
                      Supplier<Future<HttpClientRequest>> fresh, Promise<UpstreamResponse> result, Future<?> cancelled,
                      AnswerBudget.Share share) {
        new BufferedCall(vertx, request, fresh, result, share).start(lease, cancelled);
    }

    private void start(UpstreamClient.Lease lease, Future<?> cancelled) {
        if (share != null) {
            // a failed call's body is dropped: its bytes are room for the others again
            result.future().onFailure(t -> share.release());
        }
        schedule(System.nanoTime());
        if (cancelled != null) {
            cancelled.onComplete(c -> failAndReset(new UpstreamException(UpstreamException.Kind.BROKEN,
                    "the call was cancelled")));
        }
        send(lease.request(), lease.reused());
    }

    private void send(HttpClientRequest attempt, boolean reused) {
        if (result.future().isComplete()) {
            // cancelled (or out of time) while its connection was found: nothing goes out
            attempt.reset();
            return;
        }
        req = attempt;
        UpstreamTarget target = request.target();
        // failures reach the result below; without a handler Vert.x logs every reset as an error
        attempt.exceptionHandler(t -> failed(attempt, reused, t));
        attempt.response().onComplete(resp -> {
            if (resp.failed()) {
                failed(attempt, reused, resp.cause());
                return;
            }
            answered = true;
            headNanos = System.nanoTime();
            if (FinalStatus.problem(target, resp.result().statusCode()) instanceof UpstreamException unusable) {
                FinalStatus.discard(resp.result());
                failAndReset(unusable);
            } else {
                headStatus = resp.result().statusCode();
                lastReadNanos = System.nanoTime();
                read(resp.result());
            }
        });
        Future<Void> sent = request.body() == null ? attempt.end() : attempt.end(request.body());
        sent.onFailure(t -> failed(attempt, reused, t));
    }

    /** An attempt failed: before its answer began it may go once more on a new connection, else the call fails. */
    private void failed(HttpClientRequest attempt, boolean reused, Throwable failure) {
        if (attempt != req || result.future().isComplete()) {
            return; // the attempt already failed once (its end and its response both say so), or was replaced
        }
        UpstreamTarget target = request.target();
        if (answered || !StaleConnection.resend(target, request.method(), reused, failure)) {
            UpstreamException classified = UpstreamException.from(failure, target);
            // on its connection before any head: the request went out (or was going) and the wait for it ended
            fail(answered ? classified : classified.whileAwaitingAnswer());
            return;
        }
        req = null;
        fresh.get().onComplete(opened -> {
            if (opened.failed()) {
                if (!result.future().isComplete()) { // else given up on meanwhile: nothing failed of the upstream's
                    fail(UpstreamException.from(opened.cause(), target));
                }
            } else if (result.future().isComplete()) {
                opened.result().reset(); // cancelled or past the deadline meanwhile
            } else {
                send(opened.result(), false);
            }
        });
    }

    private void schedule(long now) {
        long wait = deadlineNanos - now;
        if (readTimeoutNanos > 0) {
            wait = Math.min(wait, lastReadNanos + readTimeoutNanos - now);
        }
        // a millisecond late rather than early: a timer that fires before its limit only sets itself again
        timer = vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait) + 1), id -> expire());
    }

    private void expire() {
        if (result.future().isComplete()) {
            return;
        }
        long now = System.nanoTime();
        UpstreamTarget target = request.target();
        UpstreamException timedOut;
        if (now - deadlineNanos >= 0) {
            timedOut = new UpstreamException(UpstreamException.Kind.TIMEOUT, target.service(),
                    "gave no complete answer within " + request.timeoutMs() + " ms");
        } else if (readTimeoutNanos > 0 && now - lastReadNanos >= readTimeoutNanos) {
            timedOut = UpstreamException.readTimeout(target);
        } else {
            schedule(now);
            return;
        }
        // an attempt on its connection and no head yet: the request went out and the wait for its answer ended
        failAndReset(!answered && req != null ? timedOut.whileAwaitingAnswer() : timedOut);
    }

    private void read(HttpClientResponse response) {
        Buffer body = Buffer.buffer();
        response.handler(chunk -> {
            if (result.future().isComplete()) {
                // cut off already: chunks the reset did not stop are neither kept nor counted
                return;
            }
            lastReadNanos = System.nanoTime();
            if (body.length() + chunk.length() > request.maxResponseBytes()) {
                failAndReset(tooLarge());
                return;
            }
            if (share != null && !share.take(chunk.length())) {
                failAndReset(overBudget());
                return;
            }
            body.appendBuffer(chunk);
        });
        response.exceptionHandler(t -> {
            // after the call ended (cancelled, too large, timed out) the failure is the gateway's own reset of the
            // request: not the upstream's, and not to be logged as one
            if (!result.future().isComplete()) {
                fail(UpstreamException.from(t, request.target()));
            }
        });
        response.endHandler(v -> {
            vertx.cancelTimer(timer);
            String header = ForwardedHeaders.joined(response.headers(), "content-encoding");
            String coding = header == null ? "" : header.trim().toLowerCase(Locale.ROOT);
            // no body has no coding to undo: a HEAD, 204 or 304 answer of a server that compresses everything
            // carries the header alone
            if (coding.isEmpty() || coding.equals("identity") || body.length() == 0) {
                result.tryComplete(new UpstreamResponse(response.statusCode(), response.statusMessage(),
                        response.headers(), body, headNanos));
                return;
            }
            boolean gzip = coding.equals("gzip") || coding.equals("x-gzip");
            if (!gzip && !coding.equals("deflate")) {
                // the gateway asks for gzip or deflate alone: other bytes (br, a coding applied twice) cannot
                // be read, and passed on as they are they would be mistaken for the answer's text
                fail(new UpstreamException(UpstreamException.Kind.BROKEN, request.target().service(),
                        "sent its answer in a content coding the gateway did not ask for"));
                return;
            }
            BodyReader.inflate(body, gzip, request.maxResponseBytes()).onComplete(inflated -> {
                if (inflated.failed()) {
                    fail(inflated.cause() instanceof GatewayException e
                            && e.error() instanceof GatewayError.BodyTooLarge ? tooLarge()
                            : new UpstreamException(UpstreamException.Kind.BROKEN, request.target().service(),
                                    "sent a body that is not valid " + coding));
                    return;
                }
                if (share != null && !share.take(Math.max(0, inflated.result().length() - body.length()))) {
                    fail(overBudget());
                    return;
                }
                MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(response.headers());
                headers.remove("content-encoding");
                headers.remove("content-length");
                result.tryComplete(new UpstreamResponse(response.statusCode(), response.statusMessage(), headers,
                        inflated.result(), headNanos));
            });
        });
    }

    private UpstreamException tooLarge() {
        return new UpstreamException(UpstreamException.Kind.TOO_LARGE, request.target().service(),
                "answered more than " + request.maxResponseBytes() + " bytes");
    }

    private UpstreamException overBudget() {
        return new UpstreamException(UpstreamException.Kind.TOO_LARGE, request.target().service(),
                "answered more than the calls sent with it left room for");
    }

    private void fail(UpstreamException failure) {
        vertx.cancelTimer(timer);
        result.tryFail(ofAnswer(failure));
    }

    /** Fails the call and, when this failure is the one that ended it, resets the upstream request. */
    private void failAndReset(UpstreamException failure) {
        vertx.cancelTimer(timer);
        HttpClientRequest attempt = req;
        if (result.tryFail(ofAnswer(failure)) && attempt != null) {
            attempt.reset();
        }
    }

    /**
     * {@code failure} with the answer's status and head time when its head had come: nginx logs that status as its
     * {@code $upstream_status} whatever then became of the body, and the wait for the head as the proxy latency.
     */
    private UpstreamException ofAnswer(UpstreamException failure) {
        int status = headStatus;
        return status > 0 ? failure.afterHead(status, headNanos) : failure;
    }
}
