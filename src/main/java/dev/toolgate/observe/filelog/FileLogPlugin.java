package dev.toolgate.observe.filelog;

import dev.toolgate.config.Plugin;
import dev.toolgate.config.PluginSchema;
import dev.toolgate.observe.ExchangeEvent;
import dev.toolgate.observe.LogEntities;
import dev.toolgate.observe.LogQueue;
import dev.toolgate.observe.Telemetry;
import dev.toolgate.observe.TrafficSink;
import dev.toolgate.pipeline.LogPlugin;
import dev.toolgate.pipeline.Provisioning;
import dev.toolgate.policy.PolicySchema;

/** Kong's {@code file-log} plugin: each exchange as one line of JSON in a file. */
public final class FileLogPlugin extends LogPlugin {

    public static final String NAME = "file-log";

    @Override
    public PluginSchema schema() {
        return PolicySchema.anyScope(NAME, FileLogConfig::read);
    }

    @Override
    protected TrafficSink sink(Plugin plugin, Provisioning provisioning, Telemetry telemetry) {
        FileLogConfig config = (FileLogConfig) plugin.config();
        String name = NAME + " " + plugin.source();
        FileLogWriter writer = kept(telemetry, plugin, () -> new FileLogWriter(config, telemetry, name));
        LogEntities entities = provisioning.logEntities().get();
        return new TrafficSink() {
            @Override
            public void exchange(ExchangeEvent event) {
                writer.offer(new LogQueue(event, entities));
            }

            @Override
            public boolean readsHeaders() {
                return true;
            }
        };
    }
}
