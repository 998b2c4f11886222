package dev.toolgate.policy.oauth2;

import dev.toolgate.policy.Blocking;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The calls one plugin makes to the authorization server for requests whose answer is not cached
 * (introspection, token exchange). Requests that need the same answer at once, such as a client's
 * first burst of parallel calls with a new token, share one call. At most {@link #LIMIT} calls run at
 * once: a flood of distinct tokens must not become a flood on the authorization server, nor a pile of
 * threads and connections in the gateway. Past the limit a request gets the {@code busy} answer at
 * once (a 503 the client may retry), never a place in a queue.
 *
 * @param <V> the answer
 */
final class SharedCalls<V> {

    /** Calls in flight per plugin: at 10–50 ms an introspection, thousands of new tokens a second. */
    static final int LIMIT = 256;

    private final String name;
    private final int limit;
    private final Map<String, Future<V>> running = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();

    SharedCalls(String name) {
        this(name, LIMIT);
    }

    SharedCalls(String name, int limit) {
        this.name = name;
        this.limit = limit;
    }

    /**
     * The answer for {@code key}: {@code work}'s, run on a virtual thread or joined when one runs for
     * that key already; {@code busy}'s when the limit's calls are in flight. Completes on the
     * caller's context.
     */
    Future<V> call(String key, Callable<V> work, Supplier<V> busy) {
        Future<V> shared = running.get(key);
        if (shared == null) {
            if (inFlight.incrementAndGet() > limit) {
                inFlight.decrementAndGet();
                return Future.succeededFuture(busy.get());
            }
            Promise<V> promise = Promise.promise();
            shared = running.putIfAbsent(key, promise.future());
            if (shared == null) {
                Blocking.call(name, work).onComplete(result -> {
                    running.remove(key);
                    inFlight.decrementAndGet();
                    promise.handle(result);
                });
                return promise.future();
            }
            inFlight.decrementAndGet();
        }
        return onThisContext(shared);
    }

    /** Calls in flight now. */
    int inFlight() {
        return inFlight.get();
    }

    // a joined call completes on the context of the request that started it; each request goes on on its own
    private static <V> Future<V> onThisContext(Future<V> shared) {
        Context context = Vertx.currentContext();
        if (context == null) {
            return shared;
        }
        Promise<V> mine = Promise.promise();
        shared.onComplete(result -> context.runOnContext(v -> mine.handle(result)));
        return mine.future();
    }
}
