package dev.toolgate.http;

import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
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

    private ConnectionShutdown() {
    }

    /**
     * Runs {@code action} when {@code request}'s connection begins its graceful shutdown, unless the answer
     * is over by then. Called on the connection's event loop, as its requests are handled.
     */
    public static void onShutdown(HttpServerRequest request, Runnable action) {
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
