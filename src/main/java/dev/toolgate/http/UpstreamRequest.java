package dev.toolgate.http;

import dev.toolgate.config.Redacted;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

/**
 * One buffered request to an upstream.
 *
 * @param target           where it goes
 * @param method           HTTP method
 * @param uri              path and query, already encoded
 * @param headers          headers to send (Host is set from the target)
 * @param body             body, or null for none
 * @param timeoutMs        the whole exchange must finish within this
 * @param maxResponseBytes a larger response body fails the request
 */
public record UpstreamRequest(UpstreamTarget target, HttpMethod method, String uri, MultiMap headers, Buffer body,
                              long timeoutMs, int maxResponseBytes) {
    /** Its secrets masked: a message or log line that quotes it must not carry them. */
    @Override
    public String toString() {
        return Redacted.describe(this, "uri", "headers", "body");
    }
}
