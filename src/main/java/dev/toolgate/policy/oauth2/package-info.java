/** Kong's {@code ai-mcp-oauth2} plugin: the MCP endpoint as an OAuth 2.1 resource server (RFC 9728, 8707, 7662, 8693). */
package dev.toolgate.policy.oauth2;
