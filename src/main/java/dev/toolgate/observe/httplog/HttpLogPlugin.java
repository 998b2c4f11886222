package dev.toolgate.observe.httplog;

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

/** Kong's {@code http-log} plugin: each exchange, as Kong's log serializer shapes it, sent to an HTTP endpoint. */
public final class HttpLogPlugin implements PolicyPlugin {

    public static final String NAME = "http-log";

    @Override
    public PluginSchema schema() {
        return PolicySchema.anyScope(NAME, HttpLogConfig::read);
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
        HttpLogConfig config = (HttpLogConfig) plugin.config();
        String name = NAME + " " + plugin.source();
        HttpLogSender sender = telemetry.shared(NAME + ":" + plugin.id() + ":" + config.hashCode(),
                () -> new HttpLogSender(config, telemetry, name));
        LogEntities entities = new LogEntities(provisioning.config());
        return new TrafficSink() {
            @Override
            public void exchange(ExchangeEvent event) {
                sender.offer(new LogQueue(event, entities));
            }
        };
    }
}
