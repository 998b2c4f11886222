package dev.toolgate.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.toolgate.config.Consumer;
import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.config.Redacted;
import dev.toolgate.config.Route;
import dev.toolgate.config.SecretNames;
import dev.toolgate.config.Service;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The routes, services and consumers of a loaded document as Kong's log serializer shows them
 * (snake_case entities; consumers without credentials; vault secrets shown as their references, and the
 * values of fields named like secrets masked, as a route's matching header {@code x-internal-token}),
 * rendered once per loaded document ({@link #once}) and shared by every log plugin and entry.
 */
public final class LogEntities {

    private static final ObjectMapper SNAKE = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();

    private final Map<String, SerializableString> routes = new HashMap<>();
    private final Map<String, SerializableString> services = new HashMap<>();
    private final Map<String, SerializableString> consumers = new HashMap<>();

    public LogEntities(DeclarativeConfig config) {
        Redaction redaction = new Redaction(config.referenceBySecret());
        for (Route route : config.routes()) {
            ObjectNode node = render(route, redaction);
            if (route.serviceId() != null) {
                node.putObject("service").put("id", route.serviceId());
            }
            routes.put(route.id(), raw(node));
        }
        for (Service service : config.services()) {
            services.put(service.id(), raw(render(service, redaction)));
        }
        for (Consumer consumer : config.consumers()) {
            consumers.put(consumer.id(), raw(render(consumer, redaction)));
        }
    }

    /** The document's entities, rendered on the first call only. */
    public static Supplier<LogEntities> once(DeclarativeConfig config) {
        return new Supplier<>() {
            private LogEntities rendered;

            @Override
            public synchronized LogEntities get() {
                if (rendered == null) {
                    rendered = new LogEntities(config);
                }
                return rendered;
            }
        };
    }

    /** Serialized once: every entry about the entity copies the same JSON (its UTF-8 bytes kept too). */
    private static SerializableString raw(ObjectNode node) {
        return new SerializedString(dev.toolgate.mcp.Json.text(node));
    }

    SerializableString route(String id) {
        return id == null ? null : routes.get(id);
    }

    SerializableString service(String id) {
        return id == null ? null : services.get(id);
    }

    SerializableString consumer(String id) {
        return id == null ? null : consumers.get(id);
    }

    private static ObjectNode render(Object entity, Redaction redaction) {
        ObjectNode tree = SNAKE.valueToTree(entity);
        hide(tree, redaction);
        return tree;
    }

    /** The value with every string or number in it masked, its shape (arrays, objects) kept. */
    private static JsonNode masked(JsonNode value) {
        if (value instanceof ArrayNode array) {
            ArrayNode shown = array.arrayNode();
            array.forEach(item -> shown.add(masked(item)));
            return shown;
        }
        if (value instanceof ObjectNode object) {
            ObjectNode shown = object.objectNode();
            object.properties().forEach(field -> shown.set(field.getKey(), masked(field.getValue())));
            return shown;
        }
        return value.isNull() ? value : TextNode.valueOf(Redacted.MASK);
    }

    private static void hide(JsonNode node, Redaction redaction) {
        if (node instanceof ObjectNode object) {
            object.properties().forEach(field -> {
                if (SecretNames.secret(field.getKey())) {
                    // a route matched on a header that reads like a secret (x-internal-token): its values are one
                    field.setValue(masked(field.getValue()));
                } else if (field.getValue().isTextual()) {
                    field.setValue(TextNode.valueOf(redaction.text(field.getValue().asText())));
                } else {
                    hide(field.getValue(), redaction);
                }
            });
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isTextual()) {
                    array.set(i, TextNode.valueOf(redaction.text(array.get(i).asText())));
                } else {
                    hide(array.get(i), redaction);
                }
            }
        }
    }
}
