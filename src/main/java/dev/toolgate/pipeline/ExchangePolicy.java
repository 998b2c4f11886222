package dev.toolgate.pipeline;

import io.vertx.core.Future;

/**
 * One configured plugin that runs once per HTTP exchange, before the mode (Kong's access phase):
 * authentication, Kong's {@code acl}, CORS, limits. Runs on an event loop: it must not block, and
 * anything that waits on I/O returns an incomplete future. A refusal is a {@link Decision}, not an
 * exception; an exception (or a failed future) is a bug, answered as an internal error.
 */
@FunctionalInterface
public interface ExchangePolicy {

    /** Decides the exchange; may record the caller or headers on it. */
    Future<Decision> admit(Exchange exchange);
}
