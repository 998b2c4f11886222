package dev.toolgate.observe;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Span;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/**
 * An OTLP/HTTP collector for tests: a Vert.x server on a free port that decodes what it receives on
 * {@code /v1/traces}, {@code /v1/metrics} and {@code /v1/logs} with the official opentelemetry-proto
 * classes, and keeps it.
 */
final class OtlpReceiver implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final List<Span> spans = new CopyOnWriteArrayList<>();
    private final List<Metric> metrics = new CopyOnWriteArrayList<>();
    private final List<LogRecord> logs = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();

    OtlpReceiver() {
        server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1").await();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.actualPort() + path;
    }

    List<Span> spans() {
        return spans;
    }

    /** The first span received that {@code wanted} accepts, waiting up to 20 s for it. */
    Span awaitSpan(Predicate<Span> wanted) {
        Optional<Span>[] found = new Optional[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            found[0] = spans.stream().filter(wanted).findFirst();
            return found[0].isPresent();
        });
        return found[0].orElseThrow();
    }

    /** A span received whose parent is {@code parent}, in its trace. */
    Span awaitChild(Span parent) {
        return awaitSpan(s -> s.getParentSpanId().equals(parent.getSpanId()) && s.getTraceId().equals(parent.getTraceId()));
    }

    /** A span's attributes: string values as they are, others as their protobuf text ({@code int_value: 404}). */
    static Map<String, String> attributes(Span span) {
        Map<String, String> out = new HashMap<>();
        span.getAttributesList().forEach(kv -> out.put(kv.getKey(), kv.getValue().hasStringValue()
                ? kv.getValue().getStringValue() : kv.getValue().toString().strip()));
        return out;
    }

    /** A trace or span id as W3C trace context writes it. */
    static String hex(ByteString bytes) {
        return HexFormat.of().formatHex(bytes.toByteArray());
    }

    List<Metric> metrics() {
        return metrics;
    }

    List<LogRecord> logs() {
        return logs;
    }

    List<String> contentTypes() {
        return contentTypes;
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            contentTypes.add(request.getHeader("content-type"));
            try {
                switch (request.path()) {
                    case "/v1/traces" -> ExportTraceServiceRequest.parseFrom(body.getBytes()).getResourceSpansList()
                            .forEach(r -> r.getScopeSpansList().forEach(s -> spans.addAll(s.getSpansList())));
                    case "/v1/metrics" -> ExportMetricsServiceRequest.parseFrom(body.getBytes()).getResourceMetricsList()
                            .forEach(r -> r.getScopeMetricsList().forEach(s -> metrics.addAll(s.getMetricsList())));
                    case "/v1/logs" -> ExportLogsServiceRequest.parseFrom(body.getBytes()).getResourceLogsList()
                            .forEach(r -> r.getScopeLogsList().forEach(s -> logs.addAll(s.getLogRecordsList())));
                    default -> {
                        request.response().setStatusCode(404).end();
                        return;
                    }
                }
                request.response().setStatusCode(200).putHeader("content-type", "application/x-protobuf").end();
            } catch (Exception e) {
                request.response().setStatusCode(400).end(e.toString());
            }
        });
    }

    @Override
    public void close() {
        vertx.close().await();
    }
}
