package dev.toolgate.http;

import dev.toolgate.logging.LogThrottle;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * What a failure of one of the gateway's connections, not of an exchange on it, is worth to the operator.
 * Vert.x logs a connection's failure at ERROR, one line each, when the connection has no failure handler of
 * its own: a client killed mid-request, or closing with {@code SO_LINGER 0}, would write one such line per
 * connection it resets, on the public edge, and page operators for a client's normal behaviour.
 *
 * <p>A network failure ({@link IOException}: a reset, a broken pipe) is the peer's doing and logs nothing
 * here: a client that hung up is logged as unanswered in its exchange's entry, and an upstream that reset
 * an exchange is named, with an error id, by that exchange ({@link UpstreamException}); a pooled connection
 * reset while idle is simply not used again. Anything else is unexpected and logged as a warning, at most one
 * line a minute with how many there were, since a peer may be able to cause it at will.
 */
public final class ConnectionFailures {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionFailures.class);
    /** Every connection's: what bounds the lines is their rate, whichever connections fail. */
    private static final ConnectionFailures SHARED = new ConnectionFailures(LogThrottle::monotonicMillis);

    private final LogThrottle unexpected;

    /** @param millis the throttle's clock, in milliseconds */
    ConnectionFailures(LongSupplier millis) {
        this.unexpected = new LogThrottle(Duration.ofMinutes(1), millis);
    }

    /**
     * The failure handler of an HTTP client's connections, given where each is made: the line names the peer (an
     * upstream or a log endpoint, in the operator's own log), since for an idle pooled connection it is the only trace.
     */
    public static Handler<HttpConnection> onConnect() {
        return connection -> connection.exceptionHandler(failure -> SHARED.failed(failure,
                String.valueOf(connection.remoteAddress())));
    }

    /** Weighs a failure of a connection that has no handler of its own yet ({@link FirstHead}). */
    static void weigh(Throwable failure) {
        SHARED.failed(failure);
    }

    /** Weighs one connection failure: nothing for the peer's network failure, a throttled warning otherwise. */
    void failed(Throwable failure) {
        failed(failure, null);
    }

    /** As {@link #failed(Throwable)}, the line naming {@code peer} when known (the last of the minute's failures). */
    void failed(Throwable failure, String peer) {
        if (failure instanceof IOException) {
            return;
        }
        long count = unexpected.due(1);
        if (count > 0) {
            LOG.warn("a connection{} failed ({} such failures since the last line): {}",
                    peer == null ? "" : " to " + peer, count, failure.toString());
        }
    }
}
