/**
 * The passthrough-listener: MCP traffic streamed to an MCP server and back, observed on the side, tool ACLs enforced.
 */
package dev.toolgate.mode.passthrough;
