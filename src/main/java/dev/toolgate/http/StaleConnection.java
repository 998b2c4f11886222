package dev.toolgate.http;

import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;

import java.io.IOException;
import java.util.Set;

/**
 * When a request that failed on a reused pooled connection is sent once more, on a new connection. A
 * server closes a keep-alive connection it finds idle (Node.js after 5 s, others after 2 to 15 s); a
 * request the gateway sends on it as it closes fails with no answer, though the server is well. As
 * nginx does ({@code proxy_next_upstream}), the request is sent again when doing so cannot make the
 * server act twice on what it did once: only for an idempotent method, only when the connection had
 * carried an exchange before, only when it was closed or reset before any answer arrived (never after a
 * timeout, whose request the server may still be working on), and only when the service's
 * {@code retries} is not 0. POST and PATCH are never sent again: Vert.x reports a connection closed
 * under a request the same way whether or not the request's bytes reached the server, so the gateway
 * cannot tell one that never left from one the server read.
 */
final class StaleConnection {

    private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
            HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.TRACE);

    private StaleConnection() {
    }

    /**
     * @param reused  the connection had carried an exchange before this request
     * @param failure how the request failed, before any answer arrived
     */
    static boolean resend(UpstreamTarget target, HttpMethod method, boolean reused, Throwable failure) {
        return reused && target.retries() > 0 && IDEMPOTENT.contains(method)
                && (failure instanceof HttpClosedException || failure instanceof IOException);
    }
}
