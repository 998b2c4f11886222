package dev.toolgate.policy;

import dev.toolgate.config.ConfigReport;
import dev.toolgate.config.Plugin;

/** Scope rules several of Kong's plugins share. */
public final class Scoping {

    private Scoping() {
    }

    /**
     * Kong's {@code no_consumer}: a plugin that decides who the consumer is (authentication), or that
     * acts before anyone is known, cannot be scoped to one.
     */
    public static void refuseConsumerScope(Plugin plugin, ConfigReport report) {
        if (plugin.consumerId() != null || plugin.consumerGroupId() != null) {
            report.problem(plugin.source(), plugin.name() + " cannot be scoped to a consumer or consumer group");
        }
    }
}
