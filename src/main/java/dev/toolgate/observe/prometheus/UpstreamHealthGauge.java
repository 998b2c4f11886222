package dev.toolgate.observe.prometheus;

import dev.toolgate.observe.UpstreamHealth;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Kong's {@code kong_upstream_target_health}: for each service called, one series per state, 1 for
 * its current one ({@code healthy} or {@code unhealthy}; Toolgate checks passively, so
 * {@code healthchecks_off} and {@code dns_error} stay 0). Kong's upstream is the service here, its
 * target the service's {@code host:port}.
 */
final class UpstreamHealthGauge implements AutoCloseable {

    private static final String[] STATES = {"healthchecks_off", "healthy", "unhealthy", "dns_error"};

    private final PrometheusRegistry registry;
    private final GaugeWithCallback gauge;

    UpstreamHealthGauge(PrometheusRegistry registry, UpstreamHealth health) {
        this.registry = registry;
        this.gauge = GaugeWithCallback.builder().name("kong_upstream_target_health")
                .help("Health status of targets of upstream. States = healthchecks_off|healthy|unhealthy|dns_error, "
                        + "value is 1 when state is populated.")
                .labelNames("upstream", "target", "address", "state", "subsystem")
                .callback(callback -> health.states().forEach(s -> {
                    String current = s.healthy() ? "healthy" : "unhealthy";
                    for (String state : STATES) {
                        callback.call(state.equals(current) ? 1 : 0, s.service(), s.address(), s.address(), state, "http");
                    }
                }))
                .register(registry);
    }

    @Override
    public void close() {
        registry.unregister(gauge);
    }
}
