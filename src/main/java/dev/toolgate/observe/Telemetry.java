package dev.toolgate.observe;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.toolgate.observe.live.LiveFeed;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
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
import io.vertx.core.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * What observation keeps for the life of the gateway, across reloads: the Prometheus registry (with
 * JVM and process metrics) that {@code /metrics} shows, the live page's feed, the {@code /status}
 * counts, the count of events sinks dropped, the bytes all log queues hold together ({@link LogBacklog}), and
 * the sinks' long-lived parts (an exporter, a log queue and its thread), shared by snapshots that configure them alike and closed when no snapshot
 * uses them any more: neither the one serving nor a replaced one whose exchanges are still in flight
 * ({@link Generation}). They are closed on a thread of their own: a reload does not wait for a queue
 * to send what it holds.
 */
public final class Telemetry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Telemetry.class);

    private final PrometheusRegistry registry = new PrometheusRegistry();
    /** One for the admin and the status listener: their scrapes share renderings. */
    private final Exposition exposition = new Exposition(registry);
    private final Counter dropped;
    private final LiveFeed live;
    private final TrafficCounters counters;
    private final UpstreamHealth health = new UpstreamHealth();
    private final LogBacklog backlog;
    private final Supplier<Context> sending;
    private final Map<String, AutoCloseable> resources = new HashMap<>();
    /** The parts the running snapshot uses, those the snapshot being built uses, and replaced ones still serving. */
    private Generation current = new Generation(this);
    private Generation building = new Generation(this);
    private final List<Generation> replaced = new ArrayList<>();

    /** With the default total of the log queues ({@link LogBacklog#DEFAULT_MAX_BYTES}). */
    public Telemetry(Supplier<Context> sending, TrafficCounters counters) {
        this(sending, counters, LogBacklog.DEFAULT_MAX_BYTES);
    }

    /**
     * @param sending       where sinks that send over HTTP do it: the gateway's side loop, one the proxy does not use
     * @param maxQueueBytes what all log and trace queues may hold together ({@code --max-log-queue-bytes})
     */
    public Telemetry(Supplier<Context> sending, TrafficCounters counters, long maxQueueBytes) {
        this.sending = sending;
        this.counters = counters;
        this.backlog = new LogBacklog(maxQueueBytes);
        this.live = new LiveFeed(System::currentTimeMillis);
        registerJvmMetrics(registry);
        this.dropped = Counter.builder().name("toolgate_observe_dropped_total")
                .help("Traffic events a log or trace sink dropped: its queue was full or its destination kept failing")
                .labelNames("sink").register(registry);
        GaugeWithCallback.builder().name("toolgate_observe_queued_bytes")
                .help("Bytes of traffic events all log and trace sinks' queues hold together, waiting or being sent")
                .callback(cb -> cb.call(backlog.held())).register(registry);
        CounterWithCallback.builder().name("toolgate_observe_queues_full_dropped")
                .help("Traffic events dropped because all sinks' queues together held --max-log-queue-bytes "
                        + "(counted in toolgate_observe_dropped_total too)")
                .callback(cb -> cb.call(backlog.dropped())).register(registry);
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

    /** The registry as {@code /metrics} serves it. */
    public Exposition exposition() {
        return exposition;
    }

    /** What the log and trace queues of the process hold together, and may hold: each {@link Outbox} adds to it. */
    public LogBacklog backlog() {
        return backlog;
    }

    public LiveFeed live() {
        return live;
    }

    /**
     * The event loop the sinks' exchanges run on (their connections live there): the side loop, so that a
     * collector's I/O holds up no proxied call.
     */
    public Context sending() {
        return sending.get();
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

    /**
     * What a sink ({@code http-log}, {@code opentelemetry}...) tells of the events it drops. Its count is on
     * {@code /metrics} from now on, at 0 until something is dropped: a rate over it is 0, not "No data", and an
     * {@code absent()} alert stays quiet.
     */
    public LongConsumer dropCounter(String sink) {
        var count = dropped.labelValues(sink);
        return count::inc;
    }

    /**
     * A long-lived part of a sink, made once for its key and kept while snapshots use it. The key
     * names the plugin instance and its configuration: an unchanged plugin keeps its queue and
     * connections across reloads; a changed one gets new ones.
     */
    @SuppressWarnings("unchecked")
    public synchronized <T extends AutoCloseable> T shared(String key, Supplier<T> make) {
        building.keys.add(key);
        return (T) resources.computeIfAbsent(key, k -> make.get());
    }

    /** The generation of the snapshot being built: its exchanges count themselves in it. */
    public synchronized Generation building() {
        return building;
    }

    /**
     * A new snapshot is being served: closes the parts that the ones before used and it does not, once
     * the exchanges that began on those have ended. Called after every successful swap.
     */
    public synchronized void swapped() {
        current.replaced();
        replaced.add(current);
        current = building;
        building = new Generation(this);
        closeUnused();
    }

    /** A snapshot failed to build (or only validated): closes what it made that no serving one uses. */
    public synchronized void abandoned() {
        building = new Generation(this);
        closeUnused();
    }

    /** The last exchange of a replaced generation ended, on its event loop: the lock and the closing are another thread's. */
    void drained() {
        Thread.ofVirtual().name("telemetry-drained").start(this::closeDrained);
    }

    private synchronized void closeDrained() {
        closeUnused();
    }

    private void closeUnused() {
        replaced.removeIf(Generation::drained);
        Set<String> used = new HashSet<>(current.keys);
        used.addAll(building.keys);
        replaced.forEach(g -> used.addAll(g.keys));
        Map<String, AutoCloseable> unused = new HashMap<>();
        resources.entrySet().removeIf(entry -> !used.contains(entry.getKey())
                && unused.put(entry.getKey(), entry.getValue()) == null);
        if (!unused.isEmpty()) {
            // a queue sends what it holds first (seconds, should its destination be slow): not the reload's wait
            Thread.ofVirtual().name("telemetry-close").start(() -> unused.forEach(Telemetry::closeQuietly));
        }
    }

    private static void closeQuietly(String key, AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed", key, e);
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(2));
    }

    /**
     * Closes every part at once, each sending what it holds, and waits for them at most {@code budget}:
     * one after another, a few queues whose destination never answers took 2 s each (an OpenTelemetry
     * plugin 10 s), past any stop timeout a service manager allows. What is still sending then is dropped.
     */
    public void close(Duration budget) {
        Map<String, AutoCloseable> closing;
        synchronized (this) {
            closing = new HashMap<>(resources);
            resources.clear();
        }
        long deadline = System.nanoTime() + budget.toNanos();
        List<Thread> closers = new ArrayList<>();
        closing.forEach((key, resource) -> closers.add(Thread.ofVirtual().name("telemetry-close")
                .start(() -> closeQuietly(key, resource))));
        try {
            for (Thread closer : closers) {
                closer.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long unfinished = closers.stream().filter(Thread::isAlive).count();
        if (unfinished > 0) {
            LOG.warn("{} log or trace sinks did not finish sending within {} ms; what they still hold is dropped",
                    unfinished, budget.toMillis());
        }
    }
}
