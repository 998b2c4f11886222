package dev.toolgate.observe.otel;

import dev.toolgate.config.Plugin;
import dev.toolgate.config.PluginSchema;
import dev.toolgate.observe.ExchangeEvent;
import dev.toolgate.observe.LogEntities;
import dev.toolgate.observe.LogQueue;
import dev.toolgate.observe.McpEvent;
import dev.toolgate.observe.Telemetry;
import dev.toolgate.observe.TrafficSink;
import dev.toolgate.observe.Tracing;
import dev.toolgate.pipeline.LogPlugin;
import dev.toolgate.pipeline.Provisioning;
import dev.toolgate.policy.PolicySchema;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Kong's {@code opentelemetry} plugin: traces, MCP metrics and access logs of its routes over OTLP/HTTP.
 * On the event loop it only records MCP metrics and queues events; spans and logs are made, and
 * everything is exported, on its own threads.
 */
public final class OpenTelemetryPlugin extends LogPlugin {

    public static final String NAME = "opentelemetry";

    @Override
    public PluginSchema schema() {
        return PolicySchema.anyScope(NAME, OpenTelemetryConfig::read);
    }

    @Override
    protected TrafficSink sink(Plugin plugin, Provisioning provisioning, Telemetry telemetry) {
        OpenTelemetryConfig config = (OpenTelemetryConfig) plugin.config();
        String name = NAME + " " + plugin.source();
        OtelExport export = kept(telemetry, plugin, () -> new OtelExport(config, telemetry, name));
        Tracing tracing = export.traces() || config.propagation().injects()
                ? new Tracing(config.samplingRate(), config.propagation().extract(), config.propagation().inject(),
                config.propagation().defaultFormat(), config.httpResponseHeaderForTraceid()) : null;
        Set<String> cleared = config.propagation().clear().stream().map(header -> header.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        LogEntities entities = export.wantsExchanges() ? provisioning.logEntities().get() : null;
        return new TrafficSink() {
            @Override
            public void message(McpEvent event) {
                if (export.wantsEvents()) {
                    export.offer(event);
                }
            }

            @Override
            public void exchange(ExchangeEvent event) {
                if (entities != null) {
                    export.offer(new LogQueue(event, entities));
                }
            }

            @Override
            public boolean readsHeaders() {
                return entities != null;
            }

            @Override
            public Tracing tracing() {
                return tracing;
            }

            @Override
            public Set<String> clearedHeaders() {
                return cleared;
            }
        };
    }
}
