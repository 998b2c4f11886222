package dev.toolgate.http;

import io.vertx.core.http.HttpServerRequest;

/**
 * Answers the requests that matched one route. Runs on an event loop: it must not block, and it must
 * eventually end the response (or reset it).
 */
@FunctionalInterface
public interface RouteHandler {

    void handle(HttpServerRequest request, RouteMatch match);
}
