package dev.toolgate.observe.filelog;

import dev.toolgate.config.Plugin;
import dev.toolgate.config.PluginSchema;
import dev.toolgate.observe.ExchangeEvent;
import dev.toolgate.observe.LogEntities;
import dev.toolgate.observe.LogQueue;
import dev.toolgate.observe.Telemetry;
import dev.toolgate.observe.TrafficSink;
import dev.toolgate.pipeline.ExchangePolicy;
import dev.toolgate.pipeline.PolicyPlugin;
import dev.toolgate.pipeline.Provisioning;
import dev.toolgate.policy.PolicySchema;

/** Kong's {@code file-log} plugin: each exchange as one line of JSON in a file. */
public final class FileLogPlugin implements PolicyPlugin {

    public static final String NAME = "file-log";

    @Override
    public PluginSchema schema() {
        return PolicySchema.anyScope(NAME, FileLogConfig::read);
    }

    @Override
    public ExchangePolicy provision(Plugin plugin, Provisioning provisioning) {
        return null;
    }

    @Override
    public TrafficSink logger(Plugin plugin, Provisioning provisioning) {
        Telemetry telemetry = provisioning.telemetry();
        if (telemetry == null) {
            return null;
        }
        FileLogConfig config = (FileLogConfig) plugin.config();
        String name = NAME + " " + plugin.source();
        FileLogWriter writer = telemetry.shared(NAME + ":" + plugin.id() + ":" + config.hashCode(),
                () -> new FileLogWriter(config, telemetry, name));
        LogEntities entities = new LogEntities(provisioning.config());
        return new TrafficSink() {
            @Override
            public void exchange(ExchangeEvent event) {
                writer.offer(new LogQueue(event, entities));
            }
        };
    }
}
