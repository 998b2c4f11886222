package dev.toolgate.policy.ratelimit;

import dev.toolgate.cluster.Counters;
import dev.toolgate.config.Plugin;
import dev.toolgate.config.PluginSchema;
import dev.toolgate.pipeline.ExchangePolicy;
import dev.toolgate.pipeline.PolicyPlugin;
import dev.toolgate.pipeline.Provisioning;
import dev.toolgate.policy.PolicySchema;

/**
 * Kong's {@code rate-limiting}: reads its configuration and provisions {@link RateLimiting} on the
 * gateway's counters (this process's, or a Redis link that connects on first use), so the counts of a
 * plugin whose limits a reload keeps go on.
 */
public final class RateLimitingPlugin implements PolicyPlugin {

    public static final String NAME = "rate-limiting";

    @Override
    public PluginSchema schema() {
        return PolicySchema.anyScope(NAME, RateLimitingConfig::read);
    }

    @Override
    public ExchangePolicy provision(Plugin plugin, Provisioning provisioning) {
        RateLimitingConfig config = (RateLimitingConfig) plugin.config();
        if (config.windows() == null) {
            return null;
        }
        Counters counters = "redis".equals(config.policy())
                ? provisioning.cluster().redis(config.redis())
                : provisioning.cluster().local();
        String scope = (plugin.routeId() == null ? "" : plugin.routeId()) + ":"
                + (plugin.serviceId() == null ? "" : plugin.serviceId());
        return new RateLimiting(config, counters, scope);
    }
}
