package dev.toolgate.pipeline;

import dev.toolgate.config.Plugin;
import dev.toolgate.config.PluginSchema;
import dev.toolgate.observe.TrafficSink;

/**
 * One Kong plugin Toolgate runs in the pipeline: how its configuration is read and checked
 * ({@link #schema()}), and how a configured instance becomes a policy ({@link #provision}). Its
 * place in the order is {@link PolicyOrder}'s, never its own.
 */
public interface PolicyPlugin {

    /** Reads and checks the plugin's {@code config}; its name is the plugin's name. */
    PluginSchema schema();

    /**
     * The policy of one enabled instance (null when it acts only on upstream traffic), built from its
     * checked configuration. No I/O and no waiting
     * here: provisioning also runs for {@code toolgate validate}. Problems found only now go to
     * {@code provisioning.report()} with the instance's path.
     */
    ExchangePolicy provision(Plugin plugin, Provisioning provisioning);

    /**
     * What the instance does where the mode talks to its upstream (transformers), or null for
     * nothing. Same rules as {@link #provision}.
     */
    default UpstreamPolicy upstream(Plugin plugin, Provisioning provisioning) {
        return null;
    }

    /**
     * What the instance does with the route's traffic once it is handled (Kong's log plugins:
     * prometheus, opentelemetry, http-log, file-log), or null for nothing. Same rules as
     * {@link #provision}; the sink's long-lived parts come from {@code provisioning.telemetry()}, which is
     * null when the document is only validated.
     */
    default TrafficSink logger(Plugin plugin, Provisioning provisioning) {
        return null;
    }
}
