package dev.toolgate.policy;

import dev.toolgate.config.ConfigContext;
import dev.toolgate.config.ConfigNode;
import dev.toolgate.config.ConfigReport;
import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.config.Plugin;
import dev.toolgate.config.PluginSchema;
import dev.toolgate.config.PluginSettings;

import java.util.function.Function;

/**
 * The schema of a pipeline plugin: its name, how its {@code config} is read, and whether Kong lets
 * it be scoped to a consumer (authentication plugins, {@code acl} and {@code cors} cannot be: Kong's
 * {@code no_consumer}).
 */
public record PolicySchema(String name, Function<ConfigNode, PluginSettings> reader, boolean consumerScopable)
        implements PluginSchema {

    /** A plugin Kong forbids on consumers and consumer groups. */
    public static PolicySchema noConsumer(String name, Function<ConfigNode, PluginSettings> reader) {
        return new PolicySchema(name, reader, false);
    }

    /** A plugin Kong allows on consumers and consumer groups (limits, transformers). */
    public static PolicySchema anyScope(String name, Function<ConfigNode, PluginSettings> reader) {
        return new PolicySchema(name, reader, true);
    }

    @Override
    public PluginSettings read(ConfigNode config, ConfigContext context) {
        return reader.apply(config);
    }

    @Override
    public void validate(Plugin plugin, DeclarativeConfig document, ConfigReport report) {
        if (!consumerScopable && (plugin.consumerId() != null || plugin.consumerGroupId() != null)) {
            report.problem(plugin.source(), plugin.name() + " cannot be scoped to a consumer or consumer group");
        }
    }
}
