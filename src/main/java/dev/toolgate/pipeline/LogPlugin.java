package dev.toolgate.pipeline;

import dev.toolgate.config.Plugin;
import dev.toolgate.observe.Telemetry;
import dev.toolgate.observe.TrafficSink;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.function.Supplier;

/**
 * A Kong log plugin: it puts no policy on the exchange and consumes its events through a sink. What
 * must outlive a snapshot (queues, exporters, connections) comes from the gateway's {@link Telemetry};
 * a configuration that is only validated gets no sink.
 */
public abstract class LogPlugin implements PolicyPlugin {

    private static final Logger LOG = LoggerFactory.getLogger(LogPlugin.class);

    @Override
    public final ExchangePolicy provision(Plugin plugin, Provisioning provisioning) {
        return null;
    }

    /**
     * The sink, or a problem at the plugin's {@code config} when the client or exporter it sends through refuses
     * the configuration: the reader checks what it knows of, and anything it misses stays a config problem rather
     * than a 500. Said without the exception's message, which quotes the refused value (a header value, an
     * endpoint: often a secret); where it was thrown is enough to find which.
     */
    @Override
    public final TrafficSink logger(Plugin plugin, Provisioning provisioning) {
        Telemetry telemetry = provisioning.telemetry();
        if (telemetry == null) {
            return null;
        }
        try {
            return sink(plugin, provisioning, telemetry);
        } catch (IllegalArgumentException e) {
            StackTraceElement[] at = e.getStackTrace();
            // the whole stack for whoever must tell a refused value from a bug of ours, the message still left out
            String errorId = UUID.randomUUID().toString();
            IllegalArgumentException unquoted = new IllegalArgumentException(e.getClass().getName()
                    + " (its message is not shown)");
            unquoted.setStackTrace(at);
            LOG.warn("{}.config could not be set up (error id {})", plugin.source(), errorId, unquoted);
            provisioning.report().problem(plugin.source() + ".config", "could not be set up: "
                    + e.getClass().getSimpleName() + (at.length == 0 ? "" : " at " + at[0].getClassName() + "."
                    + at[0].getMethodName()) + " (its message is not shown, as it may quote a header value or an "
                    + "endpoint: check those; the gateway's log has its stack under error id " + errorId + ")");
            return null;
        }
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
