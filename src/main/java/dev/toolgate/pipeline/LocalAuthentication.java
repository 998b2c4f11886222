package dev.toolgate.pipeline;

/**
 * An authentication policy that finds the caller in the client's request alone, without I/O (key-auth's
 * key looked up among the consumers' credentials, jwt's token checked with secrets on file): whom it would
 * identify can be asked without running it. A listener's {@code tools/list} asks it of a route that owns
 * tools with its own authentication instance, so its {@code acl} hides tools from the callers it refuses,
 * as when the listener's own instance identified them. Policies that ask a server (introspection, a
 * key set fetched) are never so: who they find shows only in the call.
 */
public interface LocalAuthentication extends ExchangePolicy, NamedCredentials {

    /**
     * The caller this policy would record reading the exchange's request (when it does not skip it,
     * {@link NamedCredentials#skips}): the {@code anonymous} consumer where it falls back to it, or null when
     * it would refuse the request or cannot tell without more than the request's head (a body to read).
     * Changes nothing on the exchange; CPU only, so it may run on an event loop.
     */
    Principal identify(Exchange exchange);
}
