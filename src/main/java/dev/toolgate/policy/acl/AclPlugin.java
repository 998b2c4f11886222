package dev.toolgate.policy.acl;

import dev.toolgate.config.Plugin;
import dev.toolgate.config.PluginSchema;
import dev.toolgate.pipeline.ExchangePolicy;
import dev.toolgate.pipeline.PolicyPlugin;
import dev.toolgate.pipeline.Provisioning;

/** Kong's {@code acl}: reads its configuration and provisions {@link Acl}. */
public final class AclPlugin implements PolicyPlugin {

    public static final String NAME = "acl";

    @Override
    public PluginSchema schema() {
        return new AclSchema();
    }

    @Override
    public ExchangePolicy provision(Plugin plugin, Provisioning provisioning) {
        return new Acl((AclConfig) plugin.config());
    }
}
