package dev.toolgate.policy.cors;

import dev.toolgate.config.Plugin;
import dev.toolgate.config.PluginSchema;
import dev.toolgate.pipeline.ExchangePolicy;
import dev.toolgate.pipeline.PolicyPlugin;
import dev.toolgate.pipeline.Provisioning;
import dev.toolgate.policy.PolicySchema;

import java.util.regex.PatternSyntaxException;

/** Kong's {@code cors}: reads its configuration and provisions {@link Cors}. */
public final class CorsPlugin implements PolicyPlugin {

    public static final String NAME = "cors";

    @Override
    public PluginSchema schema() {
        return PolicySchema.noConsumer(NAME, CorsConfig::read);
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
