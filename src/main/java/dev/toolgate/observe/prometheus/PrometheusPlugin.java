package dev.toolgate.observe.prometheus;

import dev.toolgate.config.Plugin;
import dev.toolgate.config.PluginSchema;
import dev.toolgate.observe.Telemetry;
import dev.toolgate.observe.TrafficSink;
import dev.toolgate.pipeline.ExchangePolicy;
import dev.toolgate.pipeline.PolicyPlugin;
import dev.toolgate.pipeline.Provisioning;
import dev.toolgate.policy.PolicySchema;

/**
 * Kong's {@code prometheus} plugin: each instance records its routes' traffic in the gateway-wide
 * metrics that the admin listener's {@code /metrics} serves.
 */
public final class PrometheusPlugin implements PolicyPlugin {

    public static final String NAME = "prometheus";

    @Override
    public PluginSchema schema() {
        return PolicySchema.anyScope(NAME, PrometheusConfig::read);
    }

    @Override
    public ExchangePolicy provision(Plugin plugin, Provisioning provisioning) {
        return null;
    }

    @Override
    public TrafficSink logger(Plugin plugin, Provisioning provisioning) {
        Telemetry telemetry = provisioning.telemetry();
        if (telemetry == null) {
            return null;
        }
        PrometheusConfig config = (PrometheusConfig) plugin.config();
        KongMetrics metrics = telemetry.shared("prometheus", () -> new KongMetrics(telemetry.registry()));
        if (config.upstreamHealthMetrics()) {
            telemetry.shared("prometheus:upstream-health",
                    () -> new UpstreamHealthGauge(telemetry.registry(), telemetry.health()));
        }
        return new PrometheusSink(config, metrics);
    }
}
