/**
 * Conversion modes: tools compiled from configuration, the streamable-HTTP MCP server of conversion-listener and listener endpoints, and tool calls turned into REST requests.
 */
package dev.toolgate.mode.conversion;
