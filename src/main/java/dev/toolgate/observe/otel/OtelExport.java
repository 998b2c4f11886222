package dev.toolgate.observe.otel;

import dev.toolgate.observe.LogQueue;
import dev.toolgate.observe.McpEvent;
import dev.toolgate.observe.Outbox;
import dev.toolgate.observe.Telemetry;
import dev.toolgate.observe.TraceIds;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.common.InternalTelemetryVersion;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The exporters of one opentelemetry configuration, kept across reloads while it is unchanged: spans
 * are made from the events by a queue's own senders (one per core, at most 4) and exported over
 * OTLP/HTTP; logs likewise, from the exchanges, by one. MCP metrics are recorded as each event is
 * offered, outside the span queue: a traces collector that is down fills that queue, and must not
 * cost the metrics their events (the SDK's instruments record without locks; its reader exports on its
 * own thread). Only the finished requests go to an event loop ({@link VertxSender}).
 */
final class OtelExport implements AutoCloseable {

    private static final InstrumentationScopeInfo SCOPE = InstrumentationScopeInfo.builder("dev.toolgate")
            .setVersion(dev.toolgate.gateway.Version.current()).build();

    /**
     * The exporters log every failed export with its stack; the queue reports failures itself, once a
     * minute (kept here: java.util.logging holds its loggers weakly).
     */
    private static final java.util.logging.Logger EXPORTER_LOG = quiet("io.opentelemetry.exporter");
    private static final java.util.logging.Logger SDK_LOG = quiet("io.opentelemetry.sdk");

    private final OpenTelemetryConfig config;
    private final OtlpHttpSpanExporter spans;
    private final McpSpans spanMaker;
    private final SdkMeterProvider meters;
    private final McpMetrics metrics;
    private final OtlpHttpLogRecordExporter logs;
    /** The resource spans, metrics and logs name, with the configured attributes. */
    private final Resource resource;
    private final Outbox<McpEvent> events;
    private final Outbox<LogQueue> entries;

    OtelExport(OpenTelemetryConfig config, Telemetry telemetry, String name) {
        this.config = config;
        this.resource = resource(config);
        this.spanMaker = new McpSpans(SCOPE, resource);
        ComponentLoader sender = VertxSender.loader(telemetry.sending());
        this.spans = config.tracesEndpoint() == null ? null : spanExporter(config, sender);
        if (config.metrics().endpoint() != null) {
            var exporter = OtlpHttpMetricExporter.builder().setEndpoint(config.metrics().endpoint())
                    .setTimeout(Duration.ofMillis(config.sendTimeout() + config.readTimeout()))
                    .setConnectTimeout(Duration.ofMillis(config.connectTimeout())).setComponentLoader(sender);
            config.headers().forEach(exporter::addHeader);
            // LEGACY: the reader records none of the SDK's own metrics (otel.sdk.metric_reader.collection.duration)
            // into the provider it reads, which would export them beside Kong's as a series the user never asked for
            meters = SdkMeterProvider.builder().setResource(resource).registerMetricReader(PeriodicMetricReader
                    .builder(exporter.build()).setInterval(Duration.ofSeconds(config.metrics().pushInterval()))
                    .setInternalTelemetryVersion(InternalTelemetryVersion.LEGACY).build())
                    .build();
            metrics = new McpMetrics(meters.get("dev.toolgate"), config.metrics());
        } else {
            meters = null;
            metrics = null;
        }
        if (config.accessLogsEndpoint() != null) {
            var exporter = OtlpHttpLogRecordExporter.builder().setEndpoint(config.accessLogsEndpoint())
                    .setTimeout(Duration.ofMillis(config.sendTimeout() + config.readTimeout()))
                    .setConnectTimeout(Duration.ofMillis(config.connectTimeout())).setComponentLoader(sender);
            config.headers().forEach(exporter::addHeader);
            logs = exporter.build();
            // one sender: the collector gets an exchange's records in the order they were served
            entries = new Outbox<>(name + " logs", config.queue(), this::emit, LogQueue::weight,
                    telemetry.dropCounter("opentelemetry"), 1, telemetry.backlog());
        } else {
            logs = null;
            entries = null;
        }
        events = spans == null ? null : new Outbox<>(name, config.queue(), this::export, McpEvent::weight,
                telemetry.dropCounter("opentelemetry"), Outbox.sendersPerCore(), telemetry.backlog());
    }

    boolean traces() {
        return spans != null;
    }

    boolean wantsEvents() {
        return events != null || metrics != null;
    }

    boolean wantsExchanges() {
        return entries != null;
    }

    void offer(McpEvent event) {
        if (metrics != null) {
            metrics.record(event);
        }
        if (events != null) {
            events.offer(event);
        }
    }

    void offer(LogQueue entry) {
        entries.offer(entry);
    }

    private void export(List<McpEvent> batch, int attempt) throws IOException {
        List<SpanData> made = new ArrayList<>(batch.size() * 2);
        batch.forEach(e -> made.addAll(spanMaker.of(e)));
        if (made.isEmpty()) {
            return;
        }
        CompletableResultCode result = spans.export(made).join(config.sendTimeout() + config.readTimeout(),
                TimeUnit.MILLISECONDS);
        if (!result.isSuccess()) {
            throw new IOException("the collector did not take " + made.size() + " spans");
        }
    }

    private void emit(List<LogQueue> batch, int attempt) throws IOException {
        long observed = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
        List<LogRecordData> records = new ArrayList<>(batch.size());
        for (LogQueue q : batch) {
            TraceIds trace = q.event().rpc().stream().map(McpEvent::trace).filter(t -> t != null && t.sampled())
                    .findFirst().orElse(null);
            SpanContext context = trace == null ? SpanContext.getInvalid() : SpanContext.create(trace.traceId(),
                    trace.spanId(), TraceFlags.getSampled(), TraceState.getDefault());
            records.add(new AccessLogRecord(resource, SCOPE, TimeUnit.MILLISECONDS.toNanos(q.event().startedAtMillis()),
                    observed, context, new String(q.entry(), java.nio.charset.StandardCharsets.UTF_8), attributes(q)));
        }
        CompletableResultCode result = logs.export(records).join(config.sendTimeout() + config.readTimeout(),
                TimeUnit.MILLISECONDS);
        if (!result.isSuccess()) {
            throw new IOException("the collector did not take " + records.size() + " log records");
        }
    }

    private static Attributes attributes(LogQueue q) {
        AttributesBuilder a = Attributes.builder().put("kong.route.name", q.event().origin().route().routeName())
                .put(AttributeKey.longKey("http.response.status_code"), q.event().status());
        if (q.event().origin().route().serviceName() != null) {
            a.put("kong.service.name", q.event().origin().route().serviceName());
        }
        if (q.event().session() != null) {
            a.put("mcp.session.id", q.event().session());
        }
        return a.build();
    }

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(java.util.logging.Level.OFF);
        return logger;
    }

    private static OtlpHttpSpanExporter spanExporter(OpenTelemetryConfig config, ComponentLoader sender) {
        var builder = OtlpHttpSpanExporter.builder().setEndpoint(config.tracesEndpoint())
                .setTimeout(Duration.ofMillis(config.sendTimeout() + config.readTimeout()))
                .setConnectTimeout(Duration.ofMillis(config.connectTimeout())).setComponentLoader(sender);
        config.headers().forEach(builder::addHeader);
        return builder.build();
    }

    private static Resource resource(OpenTelemetryConfig config) {
        AttributesBuilder attributes = Attributes.builder().put("service.name", "kong")
                .put("service.version", dev.toolgate.gateway.Version.current());
        config.resourceAttributes().forEach(attributes::put);
        return Resource.getDefault().merge(Resource.create(attributes.build()));
    }

    @Override
    public void close() {
        if (events != null) {
            events.close();
        }
        if (entries != null) {
            entries.close();
        }
        if (spans != null) {
            spans.shutdown().join(2, TimeUnit.SECONDS);
        }
        if (meters != null) {
            meters.shutdown().join(2, TimeUnit.SECONDS);
        }
        if (logs != null) {
            logs.shutdown().join(2, TimeUnit.SECONDS);
        }
    }
}
