/**
 * The MCP and JSON-RPC protocol layer on Jackson trees: messages, envelopes, sessions, versions, SSE. Imports nothing else of ours.
 */
package dev.toolgate.mcp;
