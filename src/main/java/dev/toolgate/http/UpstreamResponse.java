package dev.toolgate.http;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * A complete upstream response.
 *
 * @param status        HTTP status code
 * @param statusMessage reason phrase
 * @param headers       response headers
 * @param body          body bytes (empty when there is none)
 * @param headNanos     when its head arrived ({@link System#nanoTime()}), or -1 when not known: the time from
 *                      there to its last byte is Kong's {@code latencies.receive}
 */
public record UpstreamResponse(int status, String statusMessage, MultiMap headers, Buffer body, long headNanos) {

    /** A response whose head's arrival is not known. */
    public UpstreamResponse(int status, String statusMessage, MultiMap headers, Buffer body) {
        this(status, statusMessage, headers, body, -1);
    }

    public String contentType() {
        return headers.get("content-type");
    }
}
