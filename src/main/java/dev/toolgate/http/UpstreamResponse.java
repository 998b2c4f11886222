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
 */
public record UpstreamResponse(int status, String statusMessage, MultiMap headers, Buffer body) {

    public String contentType() {
        return headers.get("content-type");
    }
}
