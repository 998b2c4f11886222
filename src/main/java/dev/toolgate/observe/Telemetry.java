package dev.toolgate.observe;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.toolgate.observe.live.LiveFeed;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryPoolAllocationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmNativeMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What observation keeps for the life of the gateway, across reloads: the Prometheus registry (with
 * JVM and process metrics) that {@code /metrics} shows, the live page's feed, the {@code /status}
 * counts, the count of events sinks dropped, and the sinks' long-lived parts (an exporter, a log
 * queue and its thread), shared by snapshots that configure them alike and closed when no snapshot
 * uses them any more.
 */
public final class Telemetry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Telemetry.class);

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter dropped;
    private final LiveFeed live;
    private final TrafficCounters counters;
    private final UpstreamHealth health = new UpstreamHealth();
    private final Supplier<Vertx> vertx;
    private final Map<String, AutoCloseable> resources = new HashMap<>();
    /** Keys of the parts the running snapshot uses, and of those the snapshot being built uses. */
    private Set<String> current = new HashSet<>();
    private Set<String> building = new HashSet<>();

    /** @param vertx the gateway's Vert.x, for sinks that send over HTTP */
    public Telemetry(Supplier<Vertx> vertx, TrafficCounters counters) {
        this.vertx = vertx;
        this.counters = counters;
        this.live = new LiveFeed(System::currentTimeMillis);
        registerJvmMetrics(registry);
        this.dropped = Counter.builder().name("toolgate_observe_dropped_total")
                .help("Traffic events a log or trace sink dropped: its queue was full or its destination kept failing")
                .labelNames("sink").register(registry);
    }

    /**
     * The client's {@code JvmMetrics}, but native memory only when the JVM tracks it: to find out, the
     * client starts the platform MBean server, about 0.1 s of every start, for series that are empty
     * unless {@code -XX:NativeMemoryTracking} is on.
     */
    private static void registerJvmMetrics(PrometheusRegistry registry) {
        JvmThreadsMetrics.builder().register(registry);
        JvmBufferPoolMetrics.builder().register(registry);
        JvmClassLoadingMetrics.builder().register(registry);
        JvmCompilationMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmMemoryPoolAllocationMetrics.builder().register(registry);
        JvmMemoryMetrics.builder().register(registry);
        JvmRuntimeInfoMetric.builder().register(registry);
        ProcessMetrics.builder().register(registry);
        HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        if (hotSpot != null && !"off".equals(hotSpot.getVMOption("NativeMemoryTracking").getValue())) {
            JvmNativeMemoryMetrics.builder().register(registry);
        }
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    public LiveFeed live() {
        return live;
    }

    public Vertx vertx() {
        return vertx.get();
    }

    /**
     * The sinks every MCP route reports to, whatever its plugins: the live page, the {@code /status}
     * counts and the services' health.
     */
    public List<TrafficSink> global() {
        return List.of(live, counters, health);
    }

    /** The services' passive health. */
    public UpstreamHealth health() {
        return health;
    }

    /** Counts {@code count} events dropped by a sink ({@code http-log}, {@code opentelemetry}...). */
    public void dropped(String sink, long count) {
        dropped.labelValues(sink).inc(count);
    }

    /**
     * A long-lived part of a sink, made once for its key and kept while snapshots use it. The key
     * names the plugin instance and its configuration: an unchanged plugin keeps its queue and
     * connections across reloads; a changed one gets new ones.
     */
    @SuppressWarnings("unchecked")
    public synchronized <T extends AutoCloseable> T shared(String key, Supplier<T> make) {
        building.add(key);
        return (T) resources.computeIfAbsent(key, k -> make.get());
    }

    /**
     * A new snapshot is being served: closes the parts that the ones before used and it does not.
     * Called after every successful swap.
     */
    public synchronized void swapped() {
        current = building;
        building = new HashSet<>();
        closeUnused();
    }

    /** A snapshot failed to build (or only validated): closes what it made that the running one does not use. */
    public synchronized void abandoned() {
        building = new HashSet<>();
        closeUnused();
    }

    private void closeUnused() {
        resources.entrySet().removeIf(entry -> {
            if (current.contains(entry.getKey())) {
                return false;
            }
            closeQuietly(entry.getKey(), entry.getValue());
            return true;
        });
    }

    private static void closeQuietly(String key, AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed", key, e);
        }
    }

    @Override
    public synchronized void close() {
        resources.forEach(Telemetry::closeQuietly);
        resources.clear();
    }
}
