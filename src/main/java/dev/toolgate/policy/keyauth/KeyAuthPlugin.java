package dev.toolgate.policy.keyauth;

import dev.toolgate.config.Consumer;
import dev.toolgate.config.Plugin;
import dev.toolgate.config.PluginSchema;
import dev.toolgate.pipeline.ExchangePolicy;
import dev.toolgate.pipeline.PolicyPlugin;
import dev.toolgate.pipeline.Provisioning;
import dev.toolgate.policy.PolicySchema;

/** Kong's {@code key-auth}: reads its configuration and provisions {@link KeyAuth}. */
public final class KeyAuthPlugin implements PolicyPlugin {

    public static final String NAME = "key-auth";

    @Override
    public PluginSchema schema() {
        return PolicySchema.noConsumer(NAME, KeyAuthConfig::read);
    }

    @Override
    public ExchangePolicy provision(Plugin plugin, Provisioning provisioning) {
        KeyAuthConfig config = (KeyAuthConfig) plugin.config();
        Consumer anonymous = null;
        if (config.anonymous() != null) {
            anonymous = provisioning.consumers().byIdOrUsername(config.anonymous()).orElse(null);
            if (anonymous == null) {
                provisioning.report().problem(plugin.source() + ".config.anonymous",
                        "no consumer has the id or username '" + config.anonymous() + "'");
            }
        }
        return new KeyAuth(config, provisioning.consumers(), anonymous);
    }
}
