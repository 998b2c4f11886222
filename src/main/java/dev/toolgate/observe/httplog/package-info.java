/**
 * Kong's {@code http-log} plugin.
 */
package dev.toolgate.observe.httplog;
