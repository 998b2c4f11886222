/**
 * The live traffic page's data: the ring of recent MCP messages and per-tool statistics.
 */
package dev.toolgate.observe.live;
