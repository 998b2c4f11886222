package dev.toolgate.policy.responsetransformer;

import dev.toolgate.config.Plugin;
import dev.toolgate.config.PluginSchema;
import dev.toolgate.pipeline.ExchangePolicy;
import dev.toolgate.pipeline.PolicyPlugin;
import dev.toolgate.pipeline.Provisioning;
import dev.toolgate.pipeline.UpstreamPolicy;
import dev.toolgate.policy.PolicySchema;

/** Kong's {@code response-transformer}: reads its configuration and provisions {@link ResponseTransformer}. */
public final class ResponseTransformerPlugin implements PolicyPlugin {

    public static final String NAME = "response-transformer";

    @Override
    public PluginSchema schema() {
        return PolicySchema.anyScope(NAME, ResponseTransformerConfig::read);
    }

    @Override
    public ExchangePolicy provision(Plugin plugin, Provisioning provisioning) {
        return null;
    }

    @Override
    public UpstreamPolicy upstream(Plugin plugin, Provisioning provisioning) {
        return new ResponseTransformer((ResponseTransformerConfig) plugin.config(), plugin.source());
    }
}
