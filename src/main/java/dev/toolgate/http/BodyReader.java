package dev.toolgate.http;

import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.http.HttpVersion;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * Reads a request body up to a limit, failing before reading when {@code Content-Length} already
 * says it is too large, and as soon as a chunked body crosses the limit, so an oversized body is
 * never held in memory. A client that sent {@code Expect: 100-continue} is told to go on once the
 * declared length is known to fit.
 *
 * <p>A {@code gzip} or {@code deflate} body is inflated here, and only here: the listener itself
 * decompresses nothing, so a request no route matches is never inflated, and the limit counts inflated
 * bytes, inflation stopping at the first byte past it (a 1 MB bomb that would inflate to 1 GiB costs
 * the limit's worth of work, then a 413 and a closed connection).
 */
public final class BodyReader {

    private BodyReader() {
    }

    /** The body, inflated when it is compressed, or a failed future carrying a {@link GatewayError}. */
    public static Future<Buffer> read(HttpServerRequest request, long limit) {
        return read(request, limit, new GatewayError.BodyTooLarge(limit));
    }

    /**
     * The body, inflated when it is compressed, or a failed future carrying {@code tooLarge} when it
     * (inflated) is larger than {@code limit}.
     */
    public static Future<Buffer> read(HttpServerRequest request, long limit, GatewayError tooLarge) {
        return readEncoded(request, limit, tooLarge).compose(body -> {
            try {
                return Future.succeededFuture(body.decoded());
            } catch (GatewayException e) {
                return Future.failedFuture(e);
            }
        });
    }

    /**
     * A body as sent, its coding checked but not undone: for a caller that inflates it off the event loop
     * ({@code POST /config} takes 64 MiB, a quarter of a second's inflating).
     */
    public record Encoded(Buffer sent, String coding, long limit, GatewayError tooLarge) {

        /** The body inflated, bounded by {@link #limit}; throws a {@link GatewayException} past it or on bad data. */
        public Buffer decoded() {
            return coding.equals("identity") ? sent : inflated(sent, !coding.equals("deflate"), limit, tooLarge);
        }
    }

    /** The body as sent, or a failed future as {@link #read(HttpServerRequest, long, GatewayError)} fails. */
    public static Future<Encoded> readEncoded(HttpServerRequest request, long limit, GatewayError tooLarge) {
        // every line: two are one list (RFC 9110 §5.3), and "identity" then "gzip" is a gzip body, which read
        // by its first line would pass unread (and uncounted) to a server that inflates it
        String encoding = ForwardedHeaders.joined(request, "content-encoding");
        String coding = encoding == null ? "identity" : encoding.trim().toLowerCase(Locale.ROOT);
        if (!coding.equals("identity") && !coding.equals("gzip") && !coding.equals("x-gzip") && !coding.equals("deflate")) {
            return Future.failedFuture(new GatewayException(new GatewayError.UnsupportedContentEncoding(encoding)));
        }
        Future<Buffer> raw = readRaw(request, limit, tooLarge);
        if (!coding.equals("identity")) {
            // what follows sees the body as sent without a coding (passthrough forwards it inflated)
            request.headers().remove("content-encoding");
        }
        String normalized = coding.equals("x-gzip") ? "gzip" : coding;
        return raw.map(body -> new Encoded(body, normalized, limit, tooLarge));
    }

    private static Future<Buffer> readRaw(HttpServerRequest request, long limit, GatewayError tooLarge) {
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
        if (request.version() != HttpVersion.HTTP_1_0 && "100-continue".equalsIgnoreCase(request.getHeader("expect"))) {
            // RFC 9110 §10.1.1: the client waits for this (or a final answer) before sending the body; over h2c
            // too, where the 100 is a HEADERS frame of its own (RFC 9113 §8.1); HTTP/1.0 knows no interim answer
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
        // a body cut short, or framed wrong, is the client's doing, not a gateway failure
        request.exceptionHandler(t -> {
            boolean broken = t instanceof HttpClosedException || t instanceof StreamResetException || t instanceof IOException;
            if (!broken && request.version() != HttpVersion.HTTP_2 && !request.response().headWritten()) {
                // the decoder stopped where the framing broke: nothing after it can be read as a request, and the
                // connection closes once answered, which the answer says
                request.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
            }
            promise.tryFail(new GatewayException(new GatewayError.InvalidMessage(null, broken
                    ? "the body could not be read: the connection broke while it was being sent"
                    : "the body could not be read: it is not framed as HTTP/1.1 says (a malformed chunk)")));
        });
        request.endHandler(v -> promise.tryComplete(body));
        return promise.future();
    }

    /** Inflates up to {@code limit} bytes; one byte more fails with {@link GatewayError.BodyTooLarge}. */
    public static Future<Buffer> inflate(Buffer compressed, boolean gzip, long limit) {
        return inflate(compressed, gzip, limit, new GatewayError.BodyTooLarge(limit));
    }

    private static Future<Buffer> inflate(Buffer compressed, boolean gzip, long limit, GatewayError tooLarge) {
        try {
            return Future.succeededFuture(inflated(compressed, gzip, limit, tooLarge));
        } catch (GatewayException e) {
            return Future.failedFuture(e);
        }
    }

    private static Buffer inflated(Buffer compressed, boolean gzip, long limit, GatewayError tooLarge) {
        byte[] bytes = compressed.getBytes();
        Buffer out = Buffer.buffer((int) Math.min(limit, Math.max(256, bytes.length * 4L)));
        byte[] chunk = new byte[16 * 1024];
        try (InputStream in = gzip ? new GZIPInputStream(new ByteArrayInputStream(bytes), 8192)
                : new InflaterInputStream(new ByteArrayInputStream(bytes))) {
            for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                if (out.length() + n > limit) {
                    throw new GatewayException(tooLarge);
                }
                out.appendBytes(chunk, 0, n);
            }
            return out;
        } catch (IOException e) {
            throw new GatewayException(new GatewayError.MalformedJson(
                    "the body is not valid " + (gzip ? "gzip" : "deflate") + " data"));
        }
    }
}
