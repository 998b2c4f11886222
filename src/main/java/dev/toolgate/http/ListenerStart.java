package dev.toolgate.http;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.function.Supplier;

/**
 * How every listener (the proxy's servers, the admin and status listeners) is started: on the Vert.x context
 * whose event loop is to serve it. A server made while a context runs is that context's, and so is every
 * connection it accepts; made on another thread, it would take whichever loop Vert.x gives it.
 */
public final class ListenerStart {

    private ListenerStart() {
    }

    /**
     * Runs {@code bind} on {@code context}: the future is the one {@code bind} returns, or failed with what it
     * throws (options Vert.x refuses), so that a start is never left unanswered.
     */
    public static <T> Future<T> on(Context context, Supplier<Future<T>> bind) {
        Promise<T> started = Promise.promise();
        context.runOnContext(v -> {
            try {
                bind.get().onComplete(started);
            } catch (RuntimeException e) {
                started.tryFail(e);
            }
        });
        return started.future();
    }
}
