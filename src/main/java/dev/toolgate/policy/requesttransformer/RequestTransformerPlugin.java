package dev.toolgate.policy.requesttransformer;

import dev.toolgate.config.Plugin;
import dev.toolgate.config.PluginSchema;
import dev.toolgate.pipeline.ExchangePolicy;
import dev.toolgate.pipeline.PolicyPlugin;
import dev.toolgate.pipeline.Provisioning;
import dev.toolgate.pipeline.UpstreamPolicy;
import dev.toolgate.policy.PolicySchema;

/** Kong's {@code request-transformer}: reads its configuration and provisions {@link RequestTransformer}. */
public final class RequestTransformerPlugin implements PolicyPlugin {

    public static final String NAME = "request-transformer";

    @Override
    public PluginSchema schema() {
        return PolicySchema.anyScope(NAME, RequestTransformerConfig::read);
    }

    @Override
    public ExchangePolicy provision(Plugin plugin, Provisioning provisioning) {
        return null;
    }

    @Override
    public UpstreamPolicy upstream(Plugin plugin, Provisioning provisioning) {
        try {
            return new RequestTransformer((RequestTransformerConfig) plugin.config(), plugin.source());
        } catch (IllegalArgumentException e) {
            // a template that does not parse was reported with its path when the config was read
            return null;
        }
    }
}
