/** Kong's {@code key-auth} plugin: API keys in a header, the query or the body, mapped to consumers. */
package dev.toolgate.policy.keyauth;
