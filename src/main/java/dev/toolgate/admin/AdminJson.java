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
                String reference = field.getValue().isTextual() ? referenceBySecret.get(field.getValue().asText()) : null;
                if (reference != null) {
                    field.setValue(TextNode.valueOf(reference));
                } else {
                    hideSecrets(field.getValue(), referenceBySecret);
                }
            });
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                String reference = array.get(i).isTextual() ? referenceBySecret.get(array.get(i).asText()) : null;
                if (reference != null) {
                    array.set(i, TextNode.valueOf(reference));
                } else {
                    hideSecrets(array.get(i), referenceBySecret);
                }
            }
        }
    }
}
