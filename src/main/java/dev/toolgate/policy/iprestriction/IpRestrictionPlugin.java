package dev.toolgate.policy.iprestriction;

import dev.toolgate.config.Plugin;
import dev.toolgate.config.PluginSchema;
import dev.toolgate.pipeline.ExchangePolicy;
import dev.toolgate.pipeline.PolicyPlugin;
import dev.toolgate.pipeline.Provisioning;
import dev.toolgate.policy.PolicySchema;

/** Kong's {@code ip-restriction}: reads its configuration and provisions {@link IpRestriction}. */
public final class IpRestrictionPlugin implements PolicyPlugin {

    public static final String NAME = "ip-restriction";

    @Override
    public PluginSchema schema() {
        return PolicySchema.anyScope(NAME, IpRestrictionConfig::read);
    }

    @Override
    public ExchangePolicy provision(Plugin plugin, Provisioning provisioning) {
        return new IpRestriction((IpRestrictionConfig) plugin.config());
    }
}
