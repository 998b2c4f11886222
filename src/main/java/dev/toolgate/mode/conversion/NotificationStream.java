package dev.toolgate.mode.conversion;

import dev.toolgate.mcp.MediaTypes;
import dev.toolgate.mcp.Session;
import dev.toolgate.mcp.SessionStore;
import dev.toolgate.mcp.SseEvent;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * The server's notification stream of one session (the transport's GET): an SSE response that stays
 * open for {@code notifications/tools/list_changed}, with a comment every 15 seconds so that proxies
 * and load balancers in between do not close it as idle. Each comment looks the session up, which
 * renews it: an open stream counts as use, so a session that may go unused for less than 30 seconds (its
 * TTL, or {@code --session-idle-timeout} when shorter) gets one twice per that time. It ends when the
 * session does.
 */
final class NotificationStream {

    private static final long KEEPALIVE_MS = 15_000;

    private NotificationStream() {
    }

    /**
     * Answers a GET stream that is to be opened again (a reload changed its policies while it was opened) as one
     * the reload ended: an SSE response saying when ({@link Sessions#RECONNECT_AFTER_MS}), ended at once.
     */
    static void reopenLater(HttpServerResponse response) {
        head(response);
        response.end(Buffer.buffer(SseEvent.retry(Sessions.RECONNECT_AFTER_MS)));
    }

    private static void head(HttpServerResponse response) {
        response.setStatusCode(200).setChunked(true)
                .putHeader("content-type", MediaTypes.EVENT_STREAM)
                .putHeader("cache-control", "no-cache")
                .putHeader("x-accel-buffering", "no");
    }

    /**
     * Starts the SSE response; the caller has registered it with {@link Sessions#openStream}.
     *
     * @param ttlSeconds how long the session lives without use ({@code session_ttl})
     */
    static void start(HttpServerResponse response, Session session, long ttlSeconds, Sessions sessions,
                      SessionStore store) {
        String sessionId = session.id();
        head(response);
        response.write(Buffer.buffer(SseEvent.comment("stream open")));
        Vertx vertx = Vertx.currentContext().owner();
        // half the idle time, in ms (capped first: a TTL of years must not overflow)
        long halfIdleMs = Math.min(store.idleSeconds(ttlSeconds), KEEPALIVE_MS) * 500;
        long keepalive = vertx.setPeriodic(Math.max(1, Math.min(KEEPALIVE_MS, halfIdleMs)), id -> {
            // a store that cannot be reached now does not end the stream; an ended session does
            store.find(sessionId, session.endpoint()).onSuccess(live -> {
                if (live == null) {
                    response.end();
                } else if (!response.closed()) {
                    response.write(Buffer.buffer(SseEvent.comment("keepalive")));
                }
            });
        });
        Handler<Void> finished = v -> {
            vertx.cancelTimer(keepalive);
            sessions.streamClosed(sessionId, response);
        };
        response.closeHandler(finished);
        response.endHandler(finished);
    }
}
