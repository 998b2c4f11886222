/**
 * Kong's {@code file-log} plugin.
 */
package dev.toolgate.observe.filelog;
