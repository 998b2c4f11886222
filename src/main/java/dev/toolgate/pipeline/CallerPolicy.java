package dev.toolgate.pipeline;

/**
 * A policy that decides from who the caller is alone (Kong's {@code acl}): what it would answer can be
 * asked without a request. A listener's {@code tools/list} asks it of the route that owns each tool,
 * so a caller is not shown tools whose calls that route would refuse.
 */
public interface CallerPolicy extends ExchangePolicy {

    /** True when this policy refuses every request of {@code caller}. */
    boolean refuses(Principal caller);
}
