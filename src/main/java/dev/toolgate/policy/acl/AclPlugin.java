package dev.toolgate.policy.acl;

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

/** Kong's {@code acl}: reads its configuration and provisions {@link Acl}. */
public final class AclPlugin implements PolicyPlugin {

    public static final String NAME = "acl";

    @Override
    public PluginSchema schema() {
        return new PluginSchema() {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public PluginSettings read(ConfigNode config, ConfigContext context) {
                return AclConfig.read(config);
            }

            @Override
            public void validate(Plugin plugin, DeclarativeConfig document, ConfigReport report) {
                Scoping.refuseConsumerScope(plugin, report);
            }
        };
    }

    @Override
    public ExchangePolicy provision(Plugin plugin, Provisioning provisioning) {
        return new Acl((AclConfig) plugin.config());
    }
}
