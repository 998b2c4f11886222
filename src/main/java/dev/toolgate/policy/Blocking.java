package dev.toolgate.policy;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.concurrent.Callable;

/**
 * Blocking work a policy needs (a call to an authorization server: key sets, introspection, token
 * exchange) on a virtual thread of its own, its outcome delivered back on the event loop that asked,
 * so the policy chain continues where it was. The event loop never waits.
 */
public final class Blocking {

    private Blocking() {
    }

    /** Runs {@code work} on a new virtual thread; the future completes on the caller's Vert.x context. */
    public static <T> Future<T> call(String name, Callable<T> work) {
        Context context = Vertx.currentContext();
        Promise<T> promise = Promise.promise();
        Thread.ofVirtual().name(name).start(() -> {
            T result = null;
            Throwable failure = null;
            try {
                result = work.call();
            } catch (Throwable t) {
                failure = t;
            }
            T value = result;
            Throwable error = failure;
            Runnable complete = () -> {
                if (error == null) {
                    promise.complete(value);
                } else {
                    promise.fail(error);
                }
            };
            if (context == null) {
                complete.run();
            } else {
                context.runOnContext(v -> complete.run());
            }
        });
        return promise.future();
    }
}
