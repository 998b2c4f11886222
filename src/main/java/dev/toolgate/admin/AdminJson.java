package dev.toolgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.Map;

/**
 * Renders config records as Kong Admin API JSON: snake_case names, secrets masked. A string that a
 * vault reference resolved to is shown as the reference itself, wherever it is (a field, a map value,
 * a string inside a tool's JSON schema).
 */
final class AdminJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .build();

    private AdminJson() {
    }

    /** A record as a JSON object, with the secrets of its document hidden. */
    static ObjectNode render(Object entity, Map<String, String> referenceBySecret) {
        ObjectNode tree = MAPPER.valueToTree(entity);
        if (!referenceBySecret.isEmpty()) {
            hideSecrets(tree, referenceBySecret);
        }
        return tree;
    }

    private static void hideSecrets(JsonNode node, Map<String, String> referenceBySecret) {
        if (node instanceof ObjectNode object) {
            object.properties().forEach(field -> {
                String shown = field.getValue().isTextual() ? shown(field.getValue().asText(), referenceBySecret) : null;
                if (shown != null) {
                    field.setValue(TextNode.valueOf(shown));
                } else {
                    hideSecrets(field.getValue(), referenceBySecret);
                }
            });
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                String shown = array.get(i).isTextual() ? shown(array.get(i).asText(), referenceBySecret) : null;
                if (shown != null) {
                    array.set(i, TextNode.valueOf(shown));
                } else {
                    hideSecrets(array.get(i), referenceBySecret);
                }
            }
        }
    }

    /** The text with each secret in it shown as its reference; null when it holds none. */
    private static String shown(String text, Map<String, String> referenceBySecret) {
        String exact = referenceBySecret.get(text);
        if (exact != null) {
            return exact;
        }
        String shown = text;
        for (Map.Entry<String, String> secret : referenceBySecret.entrySet()) {
            if (secret.getKey().length() >= 4 && shown.contains(secret.getKey())) {
                shown = shown.replace(secret.getKey(), secret.getValue());
            }
        }
        return shown.equals(text) ? null : shown;
    }
}
