package dev.toolgate.pipeline;

/**
 * A policy that decides from the client's address alone (Kong's {@code ip-restriction}): like a
 * {@link CallerPolicy}, what it would answer can be asked without a request, so a listener's
 * {@code tools/list} does not show a client the tools whose owning route refuses where it calls from.
 */
public interface AddressPolicy extends ExchangePolicy {

    /** True when this policy refuses every request from {@code clientAddress} (null when unknown). */
    boolean refuses(String clientAddress);
}
