package dev.toolgate.policy.jwt;

import dev.toolgate.config.Consumer;
import dev.toolgate.config.Plugin;
import dev.toolgate.config.PluginSchema;
import dev.toolgate.pipeline.ExchangePolicy;
import dev.toolgate.pipeline.PolicyPlugin;
import dev.toolgate.pipeline.Provisioning;
import dev.toolgate.policy.PolicySchema;

/** Kong's {@code jwt}: reads its configuration, builds the consumers' verifiers and provisions {@link JwtAuth}. */
public final class JwtPlugin implements PolicyPlugin {

    public static final String NAME = "jwt";

    @Override
    public PluginSchema schema() {
        return PolicySchema.noConsumer(NAME, JwtConfig::read);
    }

    @Override
    public ExchangePolicy provision(Plugin plugin, Provisioning provisioning) {
        JwtConfig config = (JwtConfig) plugin.config();
        Consumer anonymous = null;
        if (config.anonymous() != null) {
            anonymous = provisioning.consumers().byIdOrUsername(config.anonymous()).orElse(null);
            if (anonymous == null) {
                provisioning.report().problem(plugin.source() + ".config.anonymous",
                        "no consumer has the id or username '" + config.anonymous() + "'");
            }
        }
        JwtSecrets secrets = new JwtSecrets(provisioning.config(), config.secretIsBase64(), plugin.source(),
                provisioning.report());
        return new JwtAuth(config, secrets, provisioning.consumers(), anonymous, provisioning.clock());
    }
}
