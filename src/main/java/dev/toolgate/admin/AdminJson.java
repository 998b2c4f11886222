package dev.toolgate.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.Map;

/**
 * Renders config records as Kong Admin API JSON: snake_case names, secrets masked. A string that a
 * vault reference resolved to is shown as the reference itself, whatever field it is in.
 */
final class AdminJson {

    private static final String SECRETS = "toolgate.referenceBySecret";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .addModule(new SimpleModule().addSerializer(String.class, new VaultAwareString()))
            .build();

    private AdminJson() {
    }

    /** A record as a JSON object, with the secrets of its document hidden. */
    static ObjectNode render(Object entity, Map<String, String> referenceBySecret) {
        ObjectWriter writer = MAPPER.writer().withAttribute(SECRETS, referenceBySecret);
        try {
            return (ObjectNode) MAPPER.readTree(writer.writeValueAsBytes(entity));
        } catch (IOException e) {
            throw new IllegalStateException("cannot render " + entity.getClass().getSimpleName(), e);
        }
    }

    private static final class VaultAwareString extends JsonSerializer<String> {
        @Override
        public void serialize(String value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            Object secrets = provider.getAttribute(SECRETS);
            String reference = secrets instanceof Map<?, ?> map ? (String) map.get(value) : null;
            gen.writeString(reference != null ? reference : value);
        }
    }
}
