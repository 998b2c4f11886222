package dev.toolgate.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * Refuses what the Admin API's {@code GET /config} leaves out of a document, wherever a document is loaded from
 * ({@code POST /config}, the configuration file): a secret shown as {@value Redacted#MASK}, and the export's
 * {@link #EXPORT_KEY}, which it writes when it masked a secret or left credentials out. Loaded, the mask would
 * be sent upstream as the secret and every consumer would lose its credentials, while the load said nothing.
 */
public final class MaskedValues {

    /**
     * The top-level key of an export that is not loadable as it is; its value says what to write back. A document
     * with it is refused, so a blind {@code GET /config} → {@code POST /config} fails rather than half-loads.
     */
    public static final String EXPORT_KEY = "_toolgate_export";

    private MaskedValues() {
    }

    /** Reports the export's key and each masked value of the document (before references are resolved). */
    static void refuse(JsonNode document, ConfigReport report) {
        if (document.has(EXPORT_KEY)) {
            report.unresolved(EXPORT_KEY, "this document is a GET /config export with secrets masked or consumers' "
                    + "credentials left out: write them back, then delete this key");
        }
        walk(document, "", report);
    }

    private static void walk(JsonNode node, String path, ConfigReport report) {
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                visit(field.getValue(), path.isEmpty() ? field.getKey() : path + "." + field.getKey(), report);
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                visit(array.get(i), path + "[" + i + "]", report);
            }
        }
    }

    private static void visit(JsonNode value, String path, ConfigReport report) {
        if (value.isTextual() && Redacted.masks(value.asText())) {
            // its only problem: what a later check would say of the mask (not a URL...) is not what is wrong
            report.unresolved(path, "this value is the Admin API's mask, not the secret: write the secret "
                    + "(or a {vault://env/...} reference)");
        } else {
            walk(value, path, report);
        }
    }
}
