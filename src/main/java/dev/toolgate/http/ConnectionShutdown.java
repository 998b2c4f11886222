package dev.toolgate.http;

import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.impl.ConnectionBase;

import java.util.ArrayList;
import java.util.List;

/**
 * What the answers of one connection do when the gateway stops gracefully. Vert.x keeps one shutdown
 * handler per connection, and an h2c connection carries many streams: were each to set its own, each
 * would replace the one before, and only the stream opened last would hear of the stop.
 */
public final class ConnectionShutdown {

    /** An answer still under way and what it does at the stop. */
    private record Hook(HttpServerResponse response, Runnable action) {
    }

    private static final AttributeKey<List<Hook>> HOOKS = AttributeKey.valueOf("toolgate.shutdownHooks");
    /** Marks, in the Vert.x instance's local data, that its proxy listener began its graceful shutdown. */
    private static final String BEGAN = "toolgate.shutdownBegan";

    /**
     * The proxy listener of {@code vertx} begins its graceful shutdown now: an answer registered from now on
     * (a stream whose server answered after the stop began) is acted on at once, since its connection's
     * shutdown handler has already run and is not run again.
     */
    public static void began(Vertx vertx) {
        vertx.sharedData().getLocalMap(BEGAN).put(BEGAN, Boolean.TRUE);
    }

    private ConnectionShutdown() {
    }

    /**
     * Runs {@code action} when {@code request}'s connection begins its graceful shutdown, unless the answer
     * is over by then. Called on the connection's event loop, as its requests are handled.
     */
    public static void onShutdown(HttpServerRequest request, Runnable action) {
        Context context = Vertx.currentContext();
        if (context != null && context.owner().sharedData().getLocalMap(BEGAN).containsKey(BEGAN)) {
            // after the caller set its answer up, as a shutdown handler would run
            context.runOnContext(v -> {
                if (!over(request.response())) {
                    action.run();
                }
            });
            return;
        }
        HttpConnection connection = request.connection();
        if (!(connection instanceof ConnectionBase base)) {
            connection.shutdownHandler(v -> action.run());
            return;
        }
        Attribute<List<Hook>> attribute = base.channel().attr(HOOKS);
        List<Hook> hooks = attribute.get();
        if (hooks == null) {
            List<Hook> created = new ArrayList<>();
            attribute.set(created);
            connection.shutdownHandler(v -> {
                List<Hook> due = List.copyOf(created);
                created.clear();
                due.stream().filter(hook -> !over(hook.response())).forEach(hook -> hook.action().run());
            });
            hooks = created;
        }
        // a connection may live long and open many streams: the answers already over need no hook
        hooks.removeIf(hook -> over(hook.response()));
        hooks.add(new Hook(request.response(), action));
    }

    private static boolean over(HttpServerResponse response) {
        return response.ended() || response.closed();
    }
}
