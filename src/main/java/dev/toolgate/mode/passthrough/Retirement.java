package dev.toolgate.mode.passthrough;

import io.vertx.core.Future;

import java.util.function.Supplier;

/**
 * When one route and server's legacy sessions ({@link LegacySessions}) end at the server, once a reload removed the
 * route or pointed it at another server: at once when no bridged call runs on them, else once the last call in
 * flight has ended, since a DELETE would cut it short. A call begun on the configuration before the reload finishes
 * on the server it began on.
 */
final class Retirement {

    /** Why the sessions were retired: what a request that opened one as it happened is told. */
    enum Cause {
        /** The reload removed the route (or its MCP listener). */
        ROUTE_REMOVED,
        /** The route is still served, but relays to another server now (its service's URL changed, or another). */
        ROUTE_REPOINTED
    }

    /** The gateway's session cache, whose lock guards the count: the sessions are ended under it too. */
    private final Object cache;
    /** Ends every one of the sessions at the server (called with the cache's lock held). */
    private final Runnable endAll;
    /** The calls in flight on the sessions (guarded by the cache). */
    private int running;
    /** Why the sessions were retired; null while their route is served as built (written with the cache held). */
    private volatile Cause cause;

    /**
     * @param cache  the gateway's session cache, whose lock guards the sessions and this count alike
     * @param endAll ends the sessions at the server, once retired and no call runs on them
     */
    Retirement(Object cache, Runnable endAll) {
        this.cache = cache;
        this.endAll = endAll;
    }

    /**
     * Runs one bridged call on the sessions, counted in flight until it completes: a retirement meanwhile ends the
     * sessions when the last such call has (a session one opens after it, on the configuration it began on, too).
     */
    <T> Future<T> running(Supplier<Future<T>> call) {
        synchronized (cache) {
            running++;
        }
        Future<T> done;
        try {
            done = call.get();
        } catch (RuntimeException e) {
            finished();
            throw e;
        }
        return done.onComplete(ignored -> finished());
    }

    private void finished() {
        synchronized (cache) {
            if (--running == 0 && cause != null) {
                endAll.run();
            }
        }
    }

    /**
     * The route is gone, or relays to another server now ({@code cause}): the sessions end at the server, at once
     * when no call runs on them, else once the last call in flight has ended.
     */
    void retire(Cause cause) {
        synchronized (cache) {
            this.cause = cause;
            if (running == 0) {
                endAll.run();
            }
        }
    }

    /** Why a reload retired the sessions ({@link #retire}), or null while their route is served as built. */
    Cause cause() {
        return cause;
    }
}
