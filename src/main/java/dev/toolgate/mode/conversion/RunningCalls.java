package dev.toolgate.mode.conversion;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The tool calls running in this instance's sessions that {@code notifications/cancelled} may stop, each under its
 * session and JSON-RPC id ({@link ToolCalls#callKey}), with the context it runs on: a cancellation is heard on another
 * thread (the client's on the loop its POST came to, another instance's on the side loop), and the call's record, log
 * entry and answer are its own loop's to write.
 */
final class RunningCalls {

    private record Running(Promise<Void> cancel, Context context) {
    }

    private final ConcurrentHashMap<String, Running> running = new ConcurrentHashMap<>();

    /** Tracks a call, on its own context, until it {@link #finished}. */
    void started(String key, Promise<Void> cancel) {
        running.put(key, new Running(cancel, Vertx.currentContext()));
    }

    /**
     * The call tracked with {@code cancel} ended. Only its own entry goes: a client that reuses an id while
     * the first call runs registers a second one under the same key, which the first ending must not drop.
     */
    void finished(String key, Promise<Void> cancel) {
        running.computeIfPresent(key, (k, call) -> call.cancel() == cancel ? null : call);
    }

    /** Stops the call tracked under {@code key}, on its own context; false when none runs here. */
    boolean cancel(String key) {
        Running call = running.remove(key);
        if (call == null) {
            return false;
        }
        if (call.context() == null) {
            return call.cancel().tryComplete();
        }
        call.context().runOnContext(v -> call.cancel().tryComplete());
        return true;
    }
}
