/**
 * Observing MCP traffic: events per message, the passthrough tap, counters.
 */
package dev.toolgate.observe;
