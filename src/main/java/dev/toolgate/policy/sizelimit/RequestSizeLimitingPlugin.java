package dev.toolgate.policy.sizelimit;

import dev.toolgate.config.Plugin;
import dev.toolgate.config.PluginSchema;
import dev.toolgate.pipeline.ExchangePolicy;
import dev.toolgate.pipeline.PolicyPlugin;
import dev.toolgate.pipeline.Provisioning;
import dev.toolgate.policy.PolicySchema;

/** Kong's {@code request-size-limiting}: reads its configuration and provisions {@link RequestSizeLimiting}. */
public final class RequestSizeLimitingPlugin implements PolicyPlugin {

    public static final String NAME = "request-size-limiting";

    @Override
    public PluginSchema schema() {
        return PolicySchema.anyScope(NAME, RequestSizeLimitingConfig::read);
    }

    @Override
    public ExchangePolicy provision(Plugin plugin, Provisioning provisioning) {
        return new RequestSizeLimiting((RequestSizeLimitingConfig) plugin.config());
    }
}
