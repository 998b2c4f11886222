package dev.toolgate.observe.prometheus;

import dev.toolgate.config.Plugin;
import dev.toolgate.config.PluginSchema;
import dev.toolgate.observe.Telemetry;
import dev.toolgate.observe.TrafficSink;
import dev.toolgate.pipeline.LogPlugin;
import dev.toolgate.pipeline.Provisioning;
import dev.toolgate.policy.PolicySchema;

/**
 * Kong's {@code prometheus} plugin: each instance records its routes' traffic in the gateway-wide
 * metrics that the admin listener's {@code /metrics} serves.
 */
public final class PrometheusPlugin extends LogPlugin {

    public static final String NAME = "prometheus";

    @Override
    public PluginSchema schema() {
        return PolicySchema.anyScope(NAME, PrometheusConfig::read);
    }

    @Override
    protected TrafficSink sink(Plugin plugin, Provisioning provisioning, Telemetry telemetry) {
        PrometheusConfig config = (PrometheusConfig) plugin.config();
        KongMetrics metrics = telemetry.shared("prometheus", () -> new KongMetrics(telemetry.registry()));
        if (config.upstreamHealthMetrics()) {
            telemetry.shared("prometheus:upstream-health",
                    () -> new UpstreamHealthGauge(telemetry.registry(), telemetry.health()));
        }
        return new PrometheusSink(config, metrics);
    }
}
