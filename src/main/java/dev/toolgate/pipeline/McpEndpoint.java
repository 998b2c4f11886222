package dev.toolgate.pipeline;

import io.vertx.core.Future;

/**
 * What a mode serves on a route, once the exchange-level policies let the exchange through.
 * Runs on the request's event loop and must not block.
 */
public interface McpEndpoint {

    /**
     * Answers the exchange. The future completes once the answer is sent or under way (a stream);
     * a failed future, or an exception, is answered by the {@link PolicyGate} as an internal error.
     */
    Future<Void> handle(Exchange exchange);

    /**
     * True when the endpoint is the route's path itself (conversion-listener, listener): a path below
     * it, such as {@code /mcp/.well-known/...}, is not the endpoint and answers 404. False when every
     * path under the route is forwarded (passthrough).
     */
    boolean exactPath();

    /** The largest request body the endpoint takes ({@code max_request_body_size}). */
    long bodyLimit();
}
