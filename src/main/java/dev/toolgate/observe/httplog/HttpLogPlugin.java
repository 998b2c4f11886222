package dev.toolgate.observe.httplog;

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

/** Kong's {@code http-log} plugin: each exchange, as Kong's log serializer shapes it, sent to an HTTP endpoint. */
public final class HttpLogPlugin extends LogPlugin {

    public static final String NAME = "http-log";

    @Override
    public PluginSchema schema() {
        return PolicySchema.anyScope(NAME, HttpLogConfig::read);
    }

    @Override
    protected TrafficSink sink(Plugin plugin, Provisioning provisioning, Telemetry telemetry) {
        HttpLogConfig config = (HttpLogConfig) plugin.config();
        String name = NAME + " " + plugin.source();
        HttpLogSender sender = kept(telemetry, plugin, () -> new HttpLogSender(config, telemetry, name));
        LogEntities entities = provisioning.logEntities().get();
        return new TrafficSink() {
            @Override
            public void exchange(ExchangeEvent event) {
                sender.offer(new LogQueue(event, entities));
            }

            @Override
            public boolean readsHeaders() {
                return true;
            }
        };
    }
}
