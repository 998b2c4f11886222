package dev.toolgate.observe;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Where a log or telemetry sink sends: its URL as the Vert.x client's request target (host, the
 * scheme's port when none is given, path and query), and the one event loop its exchanges run on.
 */
public final class Destination {

    private Destination() {
    }

    /** True for an https URL: the client must speak TLS. */
    public static boolean tls(URI uri) {
        return "https".equals(uri.getScheme());
    }

    /** A request to {@code uri} with {@code method}; headers and timeout are the sink's to add. */
    public static RequestOptions request(URI uri, HttpMethod method) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return new RequestOptions().setMethod(method).setHost(uri.getHost())
                .setPort(uri.getPort() > 0 ? uri.getPort() : tls(uri) ? 443 : 80)
                .setURI(uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery());
    }

    /**
     * Runs a sink's HTTP exchange on {@code loop}, the one event loop where its connections live (asked
     * from a queue's thread, the client would take the next loop each time and hop to the connection's
     * loop and back, waking a sleeping loop at each hop). A client that throws at once, closed by a
     * reload or shutdown, fails the exchange instead of leaving it unanswered until its timeout. A failure
     * is told by its kind only ({@link #failure}).
     */
    public static <T> Future<T> onLoop(Context loop, Supplier<Future<T>> exchange) {
        Promise<T> outcome = Promise.promise();
        loop.runOnContext(v -> {
            try {
                exchange.get().onComplete(outcome);
            } catch (RuntimeException e) {
                outcome.tryFail(e);
            }
        });
        return outcome.future().recover(e -> Future.failedFuture(failure(e)));
    }

    /**
     * A failed exchange as the gateway's log may show it. The client's own messages quote the request's path
     * and query ("...while executing POST /receiver/v1/http/TOKEN"), where log services put their tokens,
     * and the address, which {@code http_endpoint} keeps as a secret: only the kind of failure is kept.
     */
    public static IOException failure(Throwable e) {
        String kind = e instanceof TimeoutException ? "no answer within the timeout"
                : e instanceof ConnectException ? "the connection was refused"
                : e instanceof HttpClosedException ? "the connection was closed"
                : e instanceof SSLException ? "TLS failed (" + e.getClass().getSimpleName() + ")"
                : e.getClass().getSimpleName();
        return new IOException(kind);
    }
}
