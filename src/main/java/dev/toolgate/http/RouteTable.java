package dev.toolgate.http;

import dev.toolgate.config.Route;
import io.vertx.core.http.HttpServerRequest;

import java.util.Optional;

/** One configuration's routes and their handlers; the proxy listener reads the current one per request. */
public interface RouteTable {

    /** The route this request matches, if any. */
    Optional<RouteMatch> match(HttpServerRequest request);

    /** The handler of a route of this table. */
    RouteHandler handler(Route route);

    /** The document the gateway publishes at this request's path, answered before routing; null when none. */
    default Published published(HttpServerRequest request) {
        return null;
    }
}
