package dev.toolgate.mode.passthrough;

import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.mcp.Session;
import dev.toolgate.mcp.SessionStore;
import io.vertx.core.Future;

import java.util.function.Supplier;

/**
 * Whether the route a proxy was built for is still served as built: a reload that removes it, or points it at
 * another server, ends the sessions its bridges and bindings hold ({@link RemovedRoutes}), but a request begun
 * before the reload may create one just after. Such a session would hold its client's and route's places under the
 * session caps for its idle time, and name a server the route no longer relays to: it is ended at once, and its
 * request refused, saying whether the route was removed or now relays to another server.
 *
 * @param label the route as its client is told of it
 * @param ended why a reload removed the route, or pointed it elsewhere, since the proxy was built; null while it
 *              has not
 */
record RouteTenure(String label, Supplier<Retirement.Cause> ended) {

    /**
     * The session just created in {@code store}; when the route ended meanwhile, it is removed and the request fails
     * with {@link GatewayError.RouteRemoved}, or {@link GatewayError.RouteRepointed} for a route that now relays to
     * another server. Asked after the session is kept: a reload ends the route before it ends the route's sessions,
     * so a session this finds alive was kept before that sweep, and the sweep ends it.
     */
    Future<Session> keep(Session created, SessionStore store) {
        Retirement.Cause cause = ended.get();
        if (cause == null) {
            return Future.succeededFuture(created);
        }
        // the route's own label only: the client is never told where the route relays, before or now
        GatewayError refused = cause == Retirement.Cause.ROUTE_REMOVED ? new GatewayError.RouteRemoved(label)
                : new GatewayError.RouteRepointed(label);
        return store.remove(created).otherwiseEmpty().transform(removed -> Future.failedFuture(
                new GatewayException(refused)));
    }
}
