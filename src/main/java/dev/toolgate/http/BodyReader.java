package dev.toolgate.http;

import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

/**
 * Reads a request body up to a limit, failing before reading when {@code Content-Length} already
 * says it is too large, and as soon as a chunked body crosses the limit, so an oversized body is
 * never held in memory. A client that sent {@code Expect: 100-continue} is told to go on once the
 * declared length is known to fit.
 */
public final class BodyReader {

    private BodyReader() {
    }

    /** The body, or a failed future carrying {@link GatewayError.BodyTooLarge}. */
    public static Future<Buffer> read(HttpServerRequest request, long limit) {
        return read(request, limit, new GatewayError.BodyTooLarge(limit));
    }

    /** The body, or a failed future carrying {@code tooLarge} when it is larger than {@code limit}. */
    public static Future<Buffer> read(HttpServerRequest request, long limit, GatewayError tooLarge) {
        String declared = request.getHeader("content-length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > limit) {
                    return Future.failedFuture(new GatewayException(tooLarge));
                }
            } catch (NumberFormatException e) {
                return Future.failedFuture(new GatewayException(new GatewayError.InvalidMessage(null,
                        "Content-Length is not a number")));
            }
        }
        if (request.version() == HttpVersion.HTTP_1_1 && "100-continue".equalsIgnoreCase(request.getHeader("expect"))) {
            // RFC 9110 §10.1.1: the client waits for this (or a final answer) before sending the body
            request.response().writeContinue();
        }
        Promise<Buffer> promise = Promise.promise();
        Buffer body = Buffer.buffer();
        request.handler(chunk -> {
            if (body.length() + chunk.length() > limit) {
                if (promise.tryFail(new GatewayException(tooLarge))) {
                    request.pause();
                }
                return;
            }
            body.appendBuffer(chunk);
        });
        // a body cut short is the client's doing, not a gateway failure
        request.exceptionHandler(t -> promise.tryFail(new GatewayException(new GatewayError.InvalidMessage(null,
                "the body could not be read: the connection broke while it was being sent"))));
        request.endHandler(v -> promise.tryComplete(body));
        return promise.future();
    }
}
