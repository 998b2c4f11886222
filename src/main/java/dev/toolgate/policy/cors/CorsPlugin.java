package dev.toolgate.policy.cors;

import dev.toolgate.config.ConfigContext;
import dev.toolgate.config.ConfigNode;
import dev.toolgate.config.ConfigReport;
import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.config.Plugin;
import dev.toolgate.config.PluginSchema;
import dev.toolgate.config.PluginSettings;
import dev.toolgate.pipeline.ExchangePolicy;
import dev.toolgate.pipeline.PolicyPlugin;
import dev.toolgate.pipeline.Provisioning;
import dev.toolgate.policy.Scoping;

import java.util.regex.PatternSyntaxException;

/** Kong's {@code cors}: reads its configuration and provisions {@link Cors}. */
public final class CorsPlugin implements PolicyPlugin {

    public static final String NAME = "cors";

    @Override
    public PluginSchema schema() {
        return new PluginSchema() {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public PluginSettings read(ConfigNode config, ConfigContext context) {
                return CorsConfig.read(config);
            }

            @Override
            public void validate(Plugin plugin, DeclarativeConfig document, ConfigReport report) {
                Scoping.refuseConsumerScope(plugin, report);
            }
        };
    }

    @Override
    public ExchangePolicy provision(Plugin plugin, Provisioning provisioning) {
        try {
            return new Cors((CorsConfig) plugin.config());
        } catch (PatternSyntaxException e) {
            provisioning.report().problem(plugin.source() + ".config.origins",
                    "'" + e.getPattern() + "' is not a valid regex: " + e.getDescription());
            return null;
        }
    }
}
