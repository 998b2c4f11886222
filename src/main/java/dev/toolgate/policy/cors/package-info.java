/** Kong's {@code cors} plugin: browser preflights answered, and CORS headers on every answer. */
package dev.toolgate.policy.cors;
