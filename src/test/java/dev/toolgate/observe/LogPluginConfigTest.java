package dev.toolgate.observe;

import dev.toolgate.observe.filelog.FileLogConfig;
import dev.toolgate.observe.httplog.HttpLogConfig;
import dev.toolgate.observe.otel.OpenTelemetryConfig;
import dev.toolgate.observe.prometheus.PrometheusConfig;
import dev.toolgate.testing.Configs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The four log plugins read with Kong's names and defaults; mistakes are problems with their paths. */
class LogPluginConfigTest {

    private static Configs.Checked check(String plugin) {
        return Configs.check("""
                _format_version: "3.0"
                plugins:
                  - %s
                """.formatted(plugin), Path.of("").toAbsolutePath());
    }

    private static Object config(String plugin) {
        Configs.Checked checked = check(plugin);
        assertThat(checked.problems()).isEmpty();
        return checked.snapshot().config().plugins().getFirst().config();
    }

    @Test
    void prometheusTakesKongsSwitchesAllOffByDefault() {
        assertThat(config("{name: prometheus}")).isEqualTo(new PrometheusConfig(false, false, false, false, false, false, false));
        assertThat(config("{name: prometheus, config: {ai_metrics: true, per_consumer: true}}"))
                .isEqualTo(new PrometheusConfig(true, false, false, false, false, true, false));
        assertThat(check("{name: prometheus, config: {ai_metric: true}}").problems())
                .containsExactly("plugins[0].config.ai_metric: unknown key (did you mean 'ai_metrics'?)");
    }

    @Test
    void httpLogHasKongsDefaultsAndRefusesLua() {
        HttpLogConfig config = (HttpLogConfig) config("{name: http-log, config: {http_endpoint: 'http://logs:9000/in'}}");
        assertThat(config.method()).isEqualTo("POST");
        assertThat(config.contentType()).isEqualTo("application/json");
        assertThat(config.timeout()).isEqualTo(10_000);
        assertThat(config.keepalive()).isEqualTo(60_000);
        assertThat(config.queue()).isEqualTo(QueueSettings.defaults(1));
        assertThat(check("{name: http-log, config: {}}").problems())
                .containsExactly("plugins[0].config.http_endpoint: is required");
        assertThat(check("{name: http-log, config: {http_endpoint: 'ftp://x/y', method: GET}}").problems())
                .contains("plugins[0].config.http_endpoint: must be an http or https URL with a host",
                        "plugins[0].config.method: must be one of POST, PUT, PATCH");
        assertThat(check("{name: http-log, config: {http_endpoint: 'http://x', custom_fields_by_lua: {a: 'return 1'}}}")
                .problems()).containsExactly("plugins[0].config.custom_fields_by_lua: Toolgate runs no Lua; remove it");
        assertThat(check("{name: http-log, config: {http_endpoint: 'http://x', queue: {max_batch_size: 0}}}").problems())
                .singleElement().asString().startsWith("plugins[0].config.queue.max_batch_size:");
    }

    @ParameterizedTest
    @CsvSource({"Host, Host", "host, Host", "Content-Length, Content-Length", "CONTENT-LENGTH, Content-Length",
            "content-type, Content-Type", "Content-Type, Content-Type"})
    void anHttpLogHeaderThePluginSetsItselfIsAProblemAtItsPathWithKongsReasonThatDoesNotQuoteItsValue(String name,
                                                                                                   String kongs) {
        assertThat(check("{name: http-log, config: {http_endpoint: 'http://logs:9000/in', "
                + "headers: {x-tenant: acme, %s: SECRET8}}}".formatted(name)).problems())
                .containsExactly("plugins[0].config.headers." + name + ": cannot contain '" + kongs + "' header");
        // Kong's opentelemetry schema has no such rule on its headers
        assertThat(check("{name: opentelemetry, config: {traces_endpoint: 'http://otel:4318/v1/traces', "
                + "headers: {%s: SECRET8}}}".formatted(name)).problems()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Authorization", "authorization", "AuthoRIZATion"})
    void anAuthorizationHeaderBesideAUserInTheHttpLogEndpointIsAProblemAsInKongThatQuotesNeither(String name) {
        assertThat(check("{name: http-log, config: {http_endpoint: 'http://logger:SECRET8@logs:9000/in', "
                + "headers: {%s: Bearer SECRET9}}}".formatted(name)).problems())
                .containsExactly("plugins[0].config.headers." + name + ": specifying both an 'Authorization' header "
                        + "and user info in 'http_endpoint' is not allowed");
        // either alone is fine
        assertThat(check("{name: http-log, config: {http_endpoint: 'http://logs:9000/in', "
                + "headers: {%s: Bearer SECRET9}}}".formatted(name)).problems()).isEmpty();
        assertThat(check("{name: http-log, config: {http_endpoint: 'http://logger:SECRET8@logs:9000/in'}}")
                .problems()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "65536", "99999"})
    void anEndpointWhosePortIsOutsideOneTo65535IsAProblemAtItsPathNotADropAtEverySend(String port) {
        String problem = ": must have a port between 1 and 65535, or none";
        assertThat(check("{name: http-log, config: {http_endpoint: 'http://user:SECRET8@logs:%s/in'}}"
                .formatted(port)).problems()).containsExactly("plugins[0].config.http_endpoint" + problem);
        assertThat(check("""
                {name: opentelemetry, config: {traces_endpoint: 'http://otel:%1$s/v1/traces',
                 logs_endpoint: 'http://otel:%1$s/v1/logs', access_logs: {endpoint: 'http://otel:%1$s/v1/access'},
                 metrics: {endpoint: 'http://otel:%1$s/v1/metrics'}}}""".formatted(port)).problems())
                .containsExactlyInAnyOrder("plugins[0].config.traces_endpoint" + problem,
                        "plugins[0].config.logs_endpoint" + problem, "plugins[0].config.access_logs.endpoint" + problem,
                        "plugins[0].config.metrics.endpoint" + problem);
        assertThat(check("{name: opentelemetry, config: {endpoint: 'http://otel:%s/v1/traces'}}".formatted(port))
                .problems()).containsExactly("plugins[0].config.endpoint" + problem);
    }

    @ParameterizedTest
    @ValueSource(strings = {"'X Trace(Id)'", "'X-Trace-Id:'", "''", "\"X-Trace\\r\\nX-Other\""})
    void aTraceIdResponseHeaderThatIsNotAHeaderNameIsAProblemNotAnAnswerThatNeverComes(String name) {
        assertThat(check("{name: opentelemetry, config: {traces_endpoint: 'http://otel:4318/v1/traces', "
                + "http_response_header_for_traceid: %s}}".formatted(name)).problems()).containsExactly(
                "plugins[0].config.http_response_header_for_traceid: is not a header name (letters, digits and "
                        + "!#$%&'*+-.^_`|~ only)");
        assertThat(config("{name: opentelemetry, config: {traces_endpoint: 'http://otel:4318/v1/traces', "
                + "http_response_header_for_traceid: X-Trace-Id}}")).extracting("httpResponseHeaderForTraceid")
                .isEqualTo("X-Trace-Id");
    }

    @Test
    void anEndpointWithAPortInRangeOrNoneIsTaken() {
        assertThat(check("{name: http-log, config: {http_endpoint: 'https://logs:65535/in'}}").problems()).isEmpty();
        assertThat(check("{name: opentelemetry, config: {traces_endpoint: 'http://otel:1/v1/traces', "
                + "metrics: {endpoint: 'https://otel/v1/metrics'}}}").problems()).isEmpty();
    }

    @Test
    void maxRetryTimeMinusOneIsKongsNoRetriesAndAFailingBatchIsTriedOnce() throws Exception {
        HttpLogConfig config = (HttpLogConfig) config(
                "{name: http-log, config: {http_endpoint: 'http://x', queue: {max_retry_time: -1, max_batch_size: 1}}}");
        assertThat(config.queue().maxRetryTime()).isEqualTo(-1);

        java.util.concurrent.atomic.AtomicInteger tries = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();
        try (Outbox<Integer> outbox = new Outbox<>("test", config.queue(), (batch, attempt) -> {
            tries.incrementAndGet();
            throw new java.io.IOException("down");
        }, e -> 0, dropped::addAndGet, 1)) {
            outbox.offer(1);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> dropped.get() == 1);
            Thread.sleep(300);
            assertThat(tries.get()).isEqualTo(1);
        }
        assertThat(check("{name: http-log, config: {http_endpoint: 'http://x', queue: {max_retry_time: -2}}}").problems())
                .singleElement().asString().startsWith("plugins[0].config.queue.max_retry_time:");
    }

    @Test
    void kongsOlderBatchFieldsSetTheQueueAsKongConvertsThem() {
        HttpLogConfig older = (HttpLogConfig) config(
                "{name: http-log, config: {http_endpoint: 'http://x', queue_size: 50, flush_timeout: 5}}");
        assertThat(older.queue().maxBatchSize()).isEqualTo(50);
        assertThat(older.queue().maxCoalescingDelay()).isEqualTo(5);
        // Kong's Queue.get_params: a legacy value other than its default wins over queue.*; its default changes nothing
        HttpLogConfig both = (HttpLogConfig) config("""
                {name: http-log, config: {http_endpoint: 'http://x', queue_size: 50, flush_timeout: 2,
                 queue: {max_batch_size: 20, max_coalescing_delay: 0.3}}}""");
        assertThat(both.queue().maxBatchSize()).isEqualTo(50);
        assertThat(both.queue().maxCoalescingDelay()).isEqualTo(0.3);

        OpenTelemetryConfig spans = (OpenTelemetryConfig) config("""
                {name: opentelemetry, config: {traces_endpoint: 'http://otel:4318/v1/traces', batch_span_count: 10,
                 batch_flush_delay: 7}}""");
        assertThat(spans.queue().maxBatchSize()).isEqualTo(10);
        assertThat(spans.queue().maxCoalescingDelay()).isEqualTo(7);
        OpenTelemetryConfig defaults = (OpenTelemetryConfig) config("""
                {name: opentelemetry, config: {traces_endpoint: 'http://otel:4318/v1/traces', batch_span_count: 200,
                 batch_flush_delay: 3, queue: {max_batch_size: 5}}}""");
        assertThat(defaults.queue()).isEqualTo(new QueueSettings(5, 1, 10_000, null, 60, 0.01, 60, 1));
        assertThat(check("{name: http-log, config: {http_endpoint: 'http://x', queue_size: 0}}").problems())
                .singleElement().asString().startsWith("plugins[0].config.queue_size:");
    }

    @Test
    void fileLogNeedsAPath() {
        assertThat(config("{name: file-log, config: {path: /tmp/toolgate.log}}"))
                .isEqualTo(new FileLogConfig("/tmp/toolgate.log", false));
        assertThat(check("{name: file-log, config: {reopen: true}}").problems())
                .containsExactly("plugins[0].config.path: is required");
    }

    @Test
    void openTelemetryReadsKongsFields() {
        OpenTelemetryConfig config = (OpenTelemetryConfig) config("""
                {name: opentelemetry, config: {endpoint: 'http://otel:4318/v1/traces', sampling_rate: 0.25,
                 metrics: {endpoint: 'http://otel:4318/v1/metrics', enable_ai_metrics: true},
                 resource_attributes: {service.name: gw}}}""");
        assertThat(config.tracesEndpoint()).as("Kong's older endpoint field").isEqualTo("http://otel:4318/v1/traces");
        assertThat(config.samplingRate()).isEqualTo(0.25);
        assertThat(config.metrics().enableAiMetrics()).isTrue();
        assertThat(config.metrics().pushInterval()).isEqualTo(60);
        assertThat(config.queue().maxBatchSize()).isEqualTo(200);
        assertThat(config.resourceAttributes()).containsEntry("service.name", "gw");
        assertThat(check("{name: opentelemetry, config: {sampling_rate: 2}}").problems())
                .containsExactly("plugins[0].config.sampling_rate: must be between 0.0 and 1.0");
    }

    @Test
    void openTelemetryTakesKongs314AccessLogsEndpointAndRefusesItsLua() {
        Configs.Checked both = check("{name: opentelemetry, config: {logs_endpoint: 'http://otel:4318/v1/logs', "
                + "access_logs: {endpoint: 'http://otel:4318/v1/access'}}}");
        assertThat(both.problems()).isEmpty();
        assertThat(both.warnings()).containsExactly("plugins[0].config.logs_endpoint: Kong sends its runtime logs there, "
                + "which Toolgate does not have; the access logs go to access_logs.endpoint, so nothing is sent here");

        assertThat(check("{name: opentelemetry, config: {access_logs: {endpoint: 'http://otel:4318/v1/logs', "
                + "custom_attributes_by_lua: {foo: 'return 1'}}}}").problems())
                .containsExactly("plugins[0].config.access_logs.custom_attributes_by_lua: Toolgate runs no Lua; remove it");
        assertThat(check("{name: opentelemetry, config: {access_logs: {endpoint: 'ftp://otel/v1/logs'}}}").problems())
                .containsExactly("plugins[0].config.access_logs.endpoint: must be an http or https URL with a host "
                        + "(OTLP over HTTP)");
    }

    @Test
    void propagationTakesKongsFormatsInTheirOrderAndRefusesNamesKongDoesNotHave() {
        Configs.Checked b3 = check("{name: opentelemetry, config: {traces_endpoint: 'http://otel:4318/v1/traces', "
                + "propagation: {extract: [b3, w3c, b3], inject: [preserve, datadog], default_format: gcp}}}");
        assertThat(b3.problems()).isEmpty();
        assertThat(b3.warnings()).isEmpty();
        OpenTelemetryConfig.Propagation p = ((OpenTelemetryConfig) b3.snapshot().config().plugins().getFirst().config())
                .propagation();
        assertThat(p.extract()).containsExactly(TraceFormat.B3_SINGLE, TraceFormat.B3, TraceFormat.W3C);
        assertThat(p.inject()).containsExactly(TraceFormat.PRESERVE, TraceFormat.DATADOG);
        assertThat(p.defaultFormat()).isEqualTo(TraceFormat.GCP);

        assertThat(check("{name: opentelemetry, config: {propagation: {extract: [preserve, zipkin], inject: [b3-single]}}}")
                .problems()).containsExactly(
                "plugins[0].config.propagation.extract: 'preserve' is not a format; use w3c, b3, jaeger, ot, aws, gcp, datadog, instana",
                "plugins[0].config.propagation.extract: 'zipkin' is not a format; use w3c, b3, jaeger, ot, aws, gcp, datadog, instana");
    }

    @Test
    void withoutExtractOrInjectKongsHeaderTypeDecides() {
        OpenTelemetryConfig.Propagation preserve = propagation("propagation: {clear: [b3]}");
        assertThat(preserve.extract()).as("every format").isEqualTo(TraceFormat.ALL);
        assertThat(preserve.inject()).containsExactly(TraceFormat.PRESERVE);
        assertThat(preserve.defaultFormat()).isEqualTo(TraceFormat.W3C);
        assertThat(preserve.clear()).containsExactly("b3");

        OpenTelemetryConfig.Propagation ignore = propagation("header_type: ignore");
        assertThat(ignore.extract()).isEmpty();
        assertThat(ignore.inject()).containsExactly(TraceFormat.PRESERVE);

        OpenTelemetryConfig.Propagation jaeger = propagation("header_type: jaeger");
        assertThat(jaeger.extract()).isEqualTo(TraceFormat.ALL);
        assertThat(jaeger.inject()).containsExactly(TraceFormat.PRESERVE, TraceFormat.JAEGER);

        OpenTelemetryConfig.Propagation onlyInject = propagation("propagation: {inject: [b3, datadog]}");
        assertThat(onlyInject.extract()).as("Kong: an empty extract reads nothing").isEmpty();
        assertThat(onlyInject.inject()).containsExactly(TraceFormat.B3, TraceFormat.DATADOG);
    }

    private static OpenTelemetryConfig.Propagation propagation(String fields) {
        return ((OpenTelemetryConfig) config("{name: opentelemetry, config: {traces_endpoint: 'http://otel:4318/v1/traces', "
                + fields + "}}")).propagation();
    }
}
