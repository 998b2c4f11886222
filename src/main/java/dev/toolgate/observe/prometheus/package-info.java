/**
 * Kong's {@code prometheus} plugin: Kong's HTTP and AI MCP metrics, served with the JVM's on {@code /metrics}.
 */
package dev.toolgate.observe.prometheus;
