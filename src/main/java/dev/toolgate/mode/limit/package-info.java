/**
 * Per-tool limits (a Toolgate extension): how often one caller may call one tool, counted where Kong's
 * rate-limiting counts ({@code local} or {@code redis}), answered over the limit with a tool result a
 * model can act on.
 */
package dev.toolgate.mode.limit;
