package dev.toolgate.policy.oauth2;

import dev.toolgate.http.ClientAddresses;
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
 * threads and connections in the gateway. Nor may one client address take them all: the calls a
 * client's requests start count against its share, {@link #SHARE} at once, so made-up tokens from one
 * address cannot leave another's new token without a call. Past the limit or the share a request gets
 * the {@code busy} answer at once (a 503 the client may retry), never a place in a queue.
 *
 * @param <V> the answer
 */
final class SharedCalls<V> {

    /** Calls in flight per plugin: at 10–50 ms an introspection, thousands of new tokens a second. */
    static final int LIMIT = 256;
    /** Calls one client address may have in flight at once: an eighth of {@link #LIMIT}. */
    static final int SHARE = LIMIT / 8;

    private final String name;
    private final int limit;
    private final int share;
    private final Map<String, Future<V>> running = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Calls in flight by the client address that started them; an address leaves when its last call ends. */
    private final Map<String, Integer> byClient = new ConcurrentHashMap<>();

    SharedCalls(String name) {
        this(name, LIMIT);
    }

    SharedCalls(String name, int limit) {
        this(name, limit, limit);
    }

    SharedCalls(String name, int limit, int share) {
        this.name = name;
        this.limit = limit;
        this.share = share;
    }

    /** Same as {@link #call(String, String, Callable, Supplier)} with no client's share to count against. */
    Future<V> call(String key, Callable<V> work, Supplier<V> busy) {
        return call(key, null, work, busy);
    }

    /**
     * The answer for {@code key}: {@code work}'s, run on a virtual thread or joined when one runs for
     * that key already; {@code busy}'s when the limit's calls are in flight, or {@code address}'s share
     * (a client address, by {@link ClientAddresses#network}; null counts against the limit alone). Completes on the caller's context.
     */
    Future<V> call(String key, String address, Callable<V> work, Supplier<V> busy) {
        String client = address == null ? null : ClientAddresses.network(address);
        Future<V> shared = running.get(key);
        if (shared == null) {
            if (!take(client)) {
                return Future.succeededFuture(busy.get());
            }
            Promise<V> promise = Promise.promise();
            shared = running.putIfAbsent(key, promise.future());
            if (shared == null) {
                Blocking.call(name, work).onComplete(result -> {
                    running.remove(key);
                    release(client);
                    promise.handle(result);
                });
                return promise.future();
            }
            release(client);
        }
        return onThisContext(shared);
    }

    /** Takes a place for a new call, within the limit and the client's share; false when there is none. */
    private boolean take(String client) {
        if (inFlight.incrementAndGet() > limit) {
            inFlight.decrementAndGet();
            return false;
        }
        if (client == null) {
            return true;
        }
        boolean[] taken = {false};
        byClient.compute(client, (address, count) -> {
            int now = count == null ? 0 : count;
            taken[0] = now < share;
            return taken[0] ? now + 1 : count;
        });
        if (!taken[0]) {
            inFlight.decrementAndGet();
        }
        return taken[0];
    }

    private void release(String client) {
        if (client != null) {
            byClient.computeIfPresent(client, (address, count) -> count > 1 ? count - 1 : null);
        }
        inFlight.decrementAndGet();
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
