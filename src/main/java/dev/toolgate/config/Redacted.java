package dev.toolgate.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;

import java.io.IOException;
import java.util.Collection;
import java.util.Map;

/**
 * Serializes a secret for display: strings become {@value #MASK}; collections and maps keep their
 * shape (and map keys) with every value masked. Put it on config fields that may hold credentials
 * with {@code @JsonSerialize(using = Redacted.class)}.
 */
public final class Redacted extends JsonSerializer<Object> {

    public static final String MASK = "[redacted]";

    @Override
    public void serialize(Object value, JsonGenerator gen, SerializerProvider provider) throws IOException {
        write(value, gen);
    }

    private static void write(Object value, JsonGenerator gen) throws IOException {
        if (value instanceof Map<?, ?> map) {
            gen.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                gen.writeFieldName(String.valueOf(e.getKey()));
                write(e.getValue(), gen);
            }
            gen.writeEndObject();
        } else if (value instanceof Collection<?> items) {
            gen.writeStartArray();
            for (Object item : items) {
                write(item, gen);
            }
            gen.writeEndArray();
        } else if (value == null) {
            gen.writeNull();
        } else {
            gen.writeString(MASK);
        }
    }
}
