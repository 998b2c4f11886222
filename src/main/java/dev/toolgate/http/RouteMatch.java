package dev.toolgate.http;

import dev.toolgate.config.Route;

/**
 * The route a request matched and how.
 *
 * @param route         the route
 * @param matchedPrefix the plain path prefix that matched, or null (regex path, or a route without paths)
 */
public record RouteMatch(Route route, String matchedPrefix) {
}
