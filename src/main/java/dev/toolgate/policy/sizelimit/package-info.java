/** Kong's {@code request-size-limiting} plugin: a cap on request bodies, in Kong's units and answers. */
package dev.toolgate.policy.sizelimit;
