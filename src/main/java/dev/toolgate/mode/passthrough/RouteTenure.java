package dev.toolgate.mode.passthrough;

import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.mcp.Session;
import dev.toolgate.mcp.SessionStore;
import io.vertx.core.Future;

import java.util.function.BooleanSupplier;

/**
 * Whether the route a proxy was built for is still served as built: a reload that removes it, or points it at
 * another server, ends the sessions its bridges and bindings hold ({@link RemovedRoutes}), but a request begun
 * before the reload may create one just after. Such a session would hold its client's and route's places under the
 * session caps for its idle time, and name a server the route no longer relays to: it is ended at once, and its
 * request refused as one whose route was removed while it ran.
 *
 * @param label the route as its client is told of it
 * @param ended whether a reload removed the route, or pointed it elsewhere, since the proxy was built
 */
record RouteTenure(String label, BooleanSupplier ended) {

    /**
     * The session just created in {@code store}; when the route ended meanwhile, it is removed and the request fails
     * with {@link GatewayError.RouteRemoved}. Asked after the session is kept: a reload ends the route before it ends
     * the route's sessions, so a session this finds alive was kept before that sweep, and the sweep ends it.
     */
    Future<Session> keep(Session created, SessionStore store) {
        if (!ended.getAsBoolean()) {
            return Future.succeededFuture(created);
        }
        return store.remove(created).otherwiseEmpty().transform(removed -> Future.failedFuture(
                new GatewayException(new GatewayError.RouteRemoved(label))));
    }
}
