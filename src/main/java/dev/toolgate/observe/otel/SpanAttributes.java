package dev.toolgate.observe.otel;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A span's attributes as they were put, for the exporter to walk once. The SDK's own set sorts and
 * de-duplicates its keys when built, and each {@code put(String, String)} makes a key whose UTF-8 form
 * the encoder computes again: a third of the cost of making a span. Here the keys are constants and
 * each is put at most once (the caller's duty), so neither is needed. Values that are null are left out.
 */
final class SpanAttributes implements Attributes {

    private final AttributeKey<?>[] keys;
    private final Object[] values;
    private int size;

    SpanAttributes(int capacity) {
        keys = new AttributeKey<?>[capacity];
        values = new Object[capacity];
    }

    /** Adds one attribute unless the value is null; a key must not be put twice. */
    <T> SpanAttributes put(AttributeKey<T> key, T value) {
        if (value != null) {
            keys[size] = key;
            values[size++] = value;
        }
        return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(AttributeKey<T> key) {
        for (int i = 0; i < size; i++) {
            if (keys[i].equals(key)) {
                return (T) values[i];
            }
        }
        return null;
    }

    @Override
    public void forEach(BiConsumer<? super AttributeKey<?>, ? super Object> consumer) {
        for (int i = 0; i < size; i++) {
            consumer.accept(keys[i], values[i]);
        }
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean isEmpty() {
        return size == 0;
    }

    @Override
    public Map<AttributeKey<?>, Object> asMap() {
        Map<AttributeKey<?>, Object> map = new LinkedHashMap<>();
        forEach(map::put);
        return map;
    }

    @Override
    public AttributesBuilder toBuilder() {
        return Attributes.builder().putAll(this);
    }

    @Override
    public String toString() {
        return asMap().toString();
    }
}
