/**
 * Kong's {@code opentelemetry} plugin: MCP spans, metrics and access logs over OTLP/HTTP.
 */
package dev.toolgate.observe.otel;
