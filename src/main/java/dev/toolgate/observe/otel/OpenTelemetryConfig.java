package dev.toolgate.observe.otel;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.toolgate.config.ConfigNode;
import dev.toolgate.config.HeaderFields;
import dev.toolgate.config.PluginSettings;
import dev.toolgate.config.Redacted;
import dev.toolgate.observe.ConfigMaps;
import dev.toolgate.observe.QueueSettings;
import dev.toolgate.observe.TraceFormat;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The {@code config} of Kong's {@code opentelemetry} plugin, with Kong's names: traces, logs and
 * metrics over OTLP/HTTP (protobuf). Spans follow the OpenTelemetry MCP conventions (a server span
 * {@code {mcp.method.name} {target}} per message, a client span for the upstream call); the client's
 * trace context (W3C's {@code traceparent} header or {@code params._meta.traceparent}, or the other formats
 * of {@code propagation}) is continued and passed upstream.
 *
 * @param tracesEndpoint  OTLP/HTTP traces URL (for example {@code http://collector:4318/v1/traces}); none: no spans.
 *                        Kong's older {@code endpoint} is read as this. Never shown, as http-log's endpoint: collectors
 *                        take tokens in the path too (Sumo Logic's {@code /receiver/v1/otlp/TOKEN/v1/traces})
 * @param logsEndpoint    Kong's runtime logs URL ({@code kong.log} lines, which Toolgate does not have). Toolgate
 *                        sends the access logs there when {@code access_logs.endpoint} is unset, as it did before
 *                        it read that field. Never shown
 * @param accessLogs      Kong 3.14's access logs: each exchange a log record whose body is Kong's log entry (with
 *                        {@code ai.mcp})
 * @param metrics         OTLP/HTTP metrics
 * @param headers         headers sent with every export (values never shown)
 * @param resourceAttributes resource attributes of everything exported; {@code service.name} defaults to
 *                        {@code kong}
 * @param samplingRate    the share of traces started here that are recorded, 0 to 1; default 1 (Kong falls back
 *                        to its {@code tracing_sampling_rate}, which Toolgate does not have); a client's sampled
 *                        flag wins either way
 * @param propagation     which trace context formats are read from the client and written upstream
 * @param httpResponseHeaderForTraceid a response header that gives the client the trace id, or null
 * @param queue           batching of spans and logs (Kong's {@code queue}; default batch size 200)
 * @param connectTimeout  milliseconds to connect to a collector; default 1000
 * @param sendTimeout     milliseconds to send an export; default 5000
 * @param readTimeout     milliseconds to wait for the collector's answer; default 5000
 */
public record OpenTelemetryConfig(@JsonSerialize(using = Redacted.class) String tracesEndpoint,
                                  @JsonSerialize(using = Redacted.class) String logsEndpoint, AccessLogs accessLogs,
                                  Metrics metrics,
                                  @JsonSerialize(using = Redacted.class) Map<String, String> headers,
                                  Map<String, String> resourceAttributes, double samplingRate, Propagation propagation,
                                  String httpResponseHeaderForTraceid, QueueSettings queue, long connectTimeout,
                                  long sendTimeout, long readTimeout) implements PluginSettings {

    public OpenTelemetryConfig {
        headers = Map.copyOf(headers);
        resourceAttributes = Map.copyOf(resourceAttributes);
    }

    /**
     * {@code config.access_logs} (Kong 3.14+).
     *
     * @param endpoint OTLP/HTTP logs URL the access logs go to; none: {@code logs_endpoint}'s. Never shown
     */
    public record AccessLogs(@JsonSerialize(using = Redacted.class) String endpoint) {

        static final AccessLogs NONE = new AccessLogs(null);

        static AccessLogs read(ConfigNode node) {
            AccessLogs logs = new AccessLogs(url(node, "endpoint"));
            if (node.has("custom_attributes_by_lua") && node.any("custom_attributes_by_lua") != null) {
                node.problem("custom_attributes_by_lua", "Toolgate runs no Lua; remove it");
            }
            node.ignore("custom_attributes_by_lua");
            node.finish();
            return logs;
        }

        /** Its secrets masked: a message or log line that quotes it must not carry them. */
        @Override
        public String toString() {
            return Redacted.describe(this);
        }
    }

    /**
     * {@code config.metrics}: MCP metrics need ai-mcp-proxy's {@code logging.log_statistics}.
     *
     * @param endpoint               OTLP/HTTP metrics URL; none: no metrics. Never shown
     * @param enableAiMetrics        {@code mcp.server.operation.duration}, {@code mcp.client.operation.duration}
     *                               (passthrough) and {@code kong.gen_ai.mcp.*}; default false
     * @param enableRequestMetrics   add {@code error.type} to the MCP metrics, and count errors; default false
     * @param enableLatencyMetrics   {@code mcp.client.operation.duration}; default false
     * @param enableBandwidthMetrics accepted (Kong's HTTP bandwidth metric); default false
     * @param enableConsumerAttribute add {@code kong.consumer.name}; default false
     * @param enableUpstreamHealthMetrics accepted; default false
     * @param pushInterval           seconds between two exports; default 60
     */
    public record Metrics(@JsonSerialize(using = Redacted.class) String endpoint, boolean enableAiMetrics,
                          boolean enableRequestMetrics, boolean enableLatencyMetrics, boolean enableBandwidthMetrics,
                          boolean enableConsumerAttribute, boolean enableUpstreamHealthMetrics, long pushInterval) {

        static final Metrics NONE = new Metrics(null, false, false, false, false, false, false, 60);

        static Metrics read(ConfigNode node) {
            Metrics metrics = new Metrics(url(node, "endpoint"), node.bool("enable_ai_metrics", false),
                    node.bool("enable_request_metrics", false), node.bool("enable_latency_metrics", false),
                    node.bool("enable_bandwidth_metrics", false), node.bool("enable_consumer_attribute", false),
                    node.bool("enable_upstream_health_metrics", false), node.integer("push_interval", 60, 1, 86_400));
            node.finish();
            return metrics;
        }

        /** Its secrets masked: a message or log line that quotes it must not carry them. */
        @Override
        public String toString() {
            return Redacted.describe(this);
        }
    }

    /**
     * {@code config.propagation}: which trace context is read from the client and written upstream. With
     * neither {@code extract} nor {@code inject} set, Kong's older {@code header_type} decides (its default
     * {@code preserve}: every format read, the one found written back, else {@code default_format}).
     *
     * @param extract       formats read from the client, in order; the first found wins; empty: none
     * @param inject        formats written upstream ({@code preserve}: the client's); empty: none
     * @param defaultFormat what {@code preserve} writes when the client sent no trace context; default w3c
     * @param clear         headers removed from the upstream request
     */
    public record Propagation(@JsonSerialize(using = KongExtract.class) List<TraceFormat> extract,
                              List<TraceFormat> inject, TraceFormat defaultFormat, List<String> clear) {

        /**
         * {@code extract} under Kong's names: {@code b3} reads both B3 forms, so the single header's format, always
         * read beside it, is not shown (the reader refuses {@code b3-single} in extract, and reads it from b3).
         */
        static final class KongExtract extends StdSerializer<List<TraceFormat>> {
            KongExtract() {
                super(List.class, false);
            }

            @Override
            public void serialize(List<TraceFormat> formats, JsonGenerator gen, SerializerProvider provider)
                    throws IOException {
                gen.writeStartArray();
                for (TraceFormat format : formats) {
                    if (format != TraceFormat.B3_SINGLE) {
                        gen.writeString(format.kongName());
                    }
                }
                gen.writeEndArray();
            }
        }

        /** Kong's names for each list: {@code b3} reads both B3 forms; only inject has {@code preserve}. */
        private static final List<String> EXTRACTED = TraceFormat.ALL.stream().filter(f -> f != TraceFormat.B3_SINGLE)
                .map(TraceFormat::kongName).toList();
        private static final List<String> WRITTEN = Arrays.stream(TraceFormat.values())
                .filter(f -> f != TraceFormat.PRESERVE).map(TraceFormat::kongName).toList();
        private static final List<String> INJECTED = Stream.concat(WRITTEN.stream(),
                Stream.of(TraceFormat.PRESERVE.kongName())).toList();
        /** Kong's older {@code header_type}: a written format, or {@code preserve} or {@code ignore}. */
        static final List<String> HEADER_TYPES = Stream.concat(Stream.of("preserve", "ignore"),
                WRITTEN.stream()).toList();

        public Propagation {
            extract = List.copyOf(extract);
            inject = List.copyOf(inject);
            clear = List.copyOf(clear);
        }

        static Propagation read(ConfigNode node, String headerType) {
            TraceFormat defaultFormat = TraceFormat.of(node.oneOf("default_format", "w3c", WRITTEN));
            List<String> clear = node.texts("clear");
            Propagation p = !node.has("extract") && !node.has("inject") ? legacy(headerType, defaultFormat, clear)
                    : new Propagation(formats(node, "extract", EXTRACTED), formats(node, "inject", INJECTED),
                    defaultFormat, clear);
            node.finish();
            return p;
        }

        /**
         * Kong's {@code header_type}: {@code preserve} reads every format and writes the one found;
         * {@code ignore} reads none and writes the default; a format's name reads every format and writes
         * that one beside the one found.
         */
        static Propagation legacy(String headerType, TraceFormat defaultFormat, List<String> clear) {
            return switch (headerType) {
                case "preserve" -> new Propagation(TraceFormat.ALL, List.of(TraceFormat.PRESERVE), defaultFormat, clear);
                case "ignore" -> new Propagation(List.of(), List.of(TraceFormat.PRESERVE), defaultFormat, clear);
                default -> new Propagation(TraceFormat.ALL, List.of(TraceFormat.PRESERVE, TraceFormat.of(headerType)),
                        defaultFormat, clear);
            };
        }

        private static List<TraceFormat> formats(ConfigNode node, String key, List<String> allowed) {
            List<TraceFormat> formats = new ArrayList<>();
            for (String name : node.texts(key)) {
                if (!allowed.contains(name)) {
                    node.problem(key, "'" + name + "' is not a format; use " + String.join(", ", allowed));
                } else {
                    // reading b3 is reading its single header, then its several
                    for (TraceFormat format : key.equals("extract") && name.equals("b3")
                            ? List.of(TraceFormat.B3_SINGLE, TraceFormat.B3) : List.of(TraceFormat.of(name))) {
                        if (!formats.contains(format)) {
                            formats.add(format);
                        }
                    }
                }
            }
            return formats;
        }

        boolean injects() {
            return !inject.isEmpty();
        }
    }

    static OpenTelemetryConfig read(ConfigNode node) {
        String traces = url(node, "traces_endpoint");
        String legacy = url(node, "endpoint");
        Metrics metrics = node.object("metrics").map(Metrics::read).orElse(Metrics.NONE);
        Map<String, String> headers = HeaderFields.read(node, "headers");
        Map<String, String> resource = ConfigMaps.strings(node, "resource_attributes");
        double rate = QueueSettings.number(node, "sampling_rate", 1, 0, 1);
        String headerType = node.oneOf("header_type", "preserve", Propagation.HEADER_TYPES);
        Propagation propagation = node.object("propagation").map(p -> Propagation.read(p, headerType))
                .orElseGet(() -> Propagation.legacy(headerType, TraceFormat.W3C, List.of()));
        String header = node.text("http_response_header_for_traceid", null);
        if (header != null && !HeaderFields.isName(header)) {
            // set on every traced answer: Vert.x would refuse it there, and the client would get no answer at all
            node.problem("http_response_header_for_traceid", "is not a header name (letters, digits and "
                    + HeaderFields.SYMBOLS + " only)");
        }
        QueueSettings queue = node.object("queue").map(q -> QueueSettings.read(q, 200)).orElse(QueueSettings.defaults(200))
                .withLegacy(node, "batch_span_count", 200, "batch_flush_delay", 3);
        long connect = node.integer("connect_timeout", 1000, 1, Integer.MAX_VALUE);
        long send = node.integer("send_timeout", 5000, 1, Integer.MAX_VALUE);
        long read = node.integer("read_timeout", 5000, 1, Integer.MAX_VALUE);
        String logs = url(node, "logs_endpoint");
        AccessLogs access = node.object("access_logs").map(AccessLogs::read).orElse(AccessLogs.NONE);
        if (logs != null && access.endpoint() != null) {
            node.warning("logs_endpoint", "Kong sends its runtime logs there, which Toolgate does not have; the access "
                    + "logs go to access_logs.endpoint, so nothing is sent here");
        }
        if (traces == null && legacy == null && logs == null && access.endpoint() == null && metrics.endpoint() == null) {
            node.warning("traces_endpoint", "no traces_endpoint, access_logs.endpoint, logs_endpoint or metrics.endpoint: "
                    + "nothing is exported");
        }
        return new OpenTelemetryConfig(traces != null ? traces : legacy, logs, access, metrics, headers, resource, rate,
                propagation, header, queue, connect, send, read);
    }

    /**
     * Where the access logs go: {@code access_logs.endpoint} (Kong 3.14's place for them), else {@code logs_endpoint},
     * where Toolgate sent them before it read {@code access_logs}; null: nowhere.
     */
    String accessLogsEndpoint() {
        return accessLogs.endpoint() != null ? accessLogs.endpoint() : logsEndpoint;
    }

    private static String url(ConfigNode node, String key) {
        String value = node.text(key, null);
        if (value != null) {
            try {
                URI uri = URI.create(value);
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    node.problem(key, "must be an http or https URL with a host (OTLP over HTTP)");
                } else if (uri.getPort() == 0 || uri.getPort() > 65_535) {
                    node.problem(key, "must have a port between 1 and 65535, or none");
                }
            } catch (IllegalArgumentException e) {
                node.problem(key, "is not a valid URL");
            }
        }
        return value;
    }

    /** Its secrets masked: a message or log line that quotes it must not carry them. */
    @Override
    public String toString() {
        return Redacted.describe(this);
    }
}
