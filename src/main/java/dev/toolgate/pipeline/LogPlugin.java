package dev.toolgate.pipeline;

import dev.toolgate.config.Plugin;
import dev.toolgate.observe.Telemetry;
import dev.toolgate.observe.TrafficSink;

import java.util.function.Supplier;

/**
 * A Kong log plugin: it puts no policy on the exchange and consumes its events through a sink. What
 * must outlive a snapshot (queues, exporters, connections) comes from the gateway's {@link Telemetry};
 * a configuration that is only validated gets no sink.
 */
public abstract class LogPlugin implements PolicyPlugin {

    @Override
    public final ExchangePolicy provision(Plugin plugin, Provisioning provisioning) {
        return null;
    }

    @Override
    public final TrafficSink logger(Plugin plugin, Provisioning provisioning) {
        Telemetry telemetry = provisioning.telemetry();
        return telemetry == null ? null : sink(plugin, provisioning, telemetry);
    }

    /** The sink of one configured instance, on a snapshot that serves. */
    protected abstract TrafficSink sink(Plugin plugin, Provisioning provisioning, Telemetry telemetry);

    /**
     * The long-lived part of one plugin instance: kept across reloads while the instance and its
     * configuration are unchanged, closed when a snapshot no longer uses it.
     */
    protected static <T extends AutoCloseable> T kept(Telemetry telemetry, Plugin plugin, Supplier<T> make) {
        return telemetry.shared(plugin.name() + ":" + plugin.id() + ":" + plugin.config().hashCode(), make);
    }
}
