package dev.toolgate.http;

import dev.toolgate.config.Route;

/**
 * The route a request matched and how.
 *
 * @param route         the route
 * @param matchedPrefix the part of the path the route's path matched (a plain prefix, or what a regex path
 *                      matched from the start), or null for a route without paths
 */
public record RouteMatch(Route route, String matchedPrefix) {
}
