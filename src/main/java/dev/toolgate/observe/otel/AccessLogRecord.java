package dev.toolgate.observe.otel;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.Body;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;

/**
 * One exchange's Kong log entry as an OpenTelemetry log record, handed to the OTLP exporter as it is.
 * Made by the plugin's queue, which retries and counts what the collector does not take: the SDK's
 * own batching processor would have queued the records a second time and dropped them without a word.
 *
 * @param body the entry's JSON
 */
record AccessLogRecord(Resource resource, InstrumentationScopeInfo scope, long timestampNanos, long observedNanos,
                       SpanContext spanContext, String body, Attributes attributes) implements LogRecordData {

    @Override
    public Resource getResource() {
        return resource;
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
        return scope;
    }

    @Override
    public long getTimestampEpochNanos() {
        return timestampNanos;
    }

    @Override
    public long getObservedTimestampEpochNanos() {
        return observedNanos;
    }

    @Override
    public SpanContext getSpanContext() {
        return spanContext;
    }

    @Override
    public Severity getSeverity() {
        return Severity.UNDEFINED_SEVERITY_NUMBER;
    }

    @Override
    public String getSeverityText() {
        return null;
    }

    @Override
    @SuppressWarnings("deprecation") // the interface's abstract form; its Value form defaults to this
    public Body getBody() {
        return Body.string(body);
    }

    @Override
    public Attributes getAttributes() {
        return attributes;
    }

    @Override
    public int getTotalAttributeCount() {
        return attributes.size();
    }
}
