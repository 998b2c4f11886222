/**
 * Kong's {@code ai-mcp-proxy} plugin: its configuration records and its four modes.
 */
package dev.toolgate.mode;
