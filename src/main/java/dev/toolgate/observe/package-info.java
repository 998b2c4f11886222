/**
 * Observing MCP traffic: the event per message and per exchange ({@link dev.toolgate.observe.McpEvent},
 * {@link dev.toolgate.observe.ExchangeEvent}), the sink contract ({@link dev.toolgate.observe.TrafficSink})
 * and its bounded queues, redaction, trace context, what outlives reloads ({@link dev.toolgate.observe.Telemetry}),
 * the passthrough tap and the {@code /status} counts; Kong's log plugins in the sub-packages.
 */
package dev.toolgate.observe;
