package dev.toolgate.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.toolgate.config.Redacted;
import dev.toolgate.config.SecretNames;
import dev.toolgate.mcp.Json;

import java.util.Map;
import java.util.Set;

/**
 * What never reaches a log, a trace or the live page: credentials (the headers and query arguments
 * the gateway's authentication consumed, {@code Authorization}, cookies), anything whose name reads
 * like a secret ({@link SecretNames}), and every value that came from a vault reference or decK
 * template. Masked values read {@value Redacted#MASK}.
 *
 * @param referenceBySecret the loaded document's resolved secrets (value → its reference)
 */
public record Redaction(Map<String, String> referenceBySecret) {

    /** Redaction with no vault secrets (tests, validation). */
    public static final Redaction NONE = new Redaction(Map.of());

    /** The longest payload kept in a log entry; longer ones are cut and say so. */
    public static final int MAX_PAYLOAD_CHARS = 32 * 1024;

    public Redaction {
        referenceBySecret = Map.copyOf(referenceBySecret);
    }

    /** A free text with every vault secret in it replaced by its reference. */
    public String text(String value) {
        if (value == null || referenceBySecret.isEmpty()) {
            return value;
        }
        String exact = referenceBySecret.get(value);
        if (exact != null) {
            return exact;
        }
        String shown = value;
        for (Map.Entry<String, String> secret : referenceBySecret.entrySet()) {
            if (secret.getKey().length() >= 4 && shown.contains(secret.getKey())) {
                shown = shown.replace(secret.getKey(), secret.getValue());
            }
        }
        return shown;
    }

    /**
     * A raw query string with the values of consumed or secret-named arguments masked ({@code &}-separated,
     * as the upstream query is cut).
     */
    public String query(String raw, Set<String> consumed) {
        if (raw == null || raw.isEmpty()) {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length());
        for (String pair : raw.split("&", -1)) {
            if (!out.isEmpty()) {
                out.append('&');
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String decoded = java.net.URLDecoder.decode(name, java.nio.charset.StandardCharsets.UTF_8);
            if (eq >= 0 && (consumed.contains(decoded) || SecretNames.secret(decoded))) {
                out.append(name).append('=').append(Redacted.MASK);
            } else {
                out.append(text(pair));
            }
        }
        return out.toString();
    }

    /**
     * A JSON-RPC message as a log's {@code payload} shows it: secret-named fields masked wherever they
     * are (a tool argument {@code header_x_api_key}, a {@code client_secret}), vault secrets replaced,
     * cut at {@link #MAX_PAYLOAD_CHARS}. Text that is not JSON is cut and has its secrets replaced.
     *
     * @param consumedFields body fields the gateway's authentication consumed (masked too)
     */
    public String payload(byte[] bytes, int offset, int length, Set<String> consumedFields) {
        if (bytes == null || length <= 0) {
            return null;
        }
        String shown;
        try {
            JsonNode tree = Json.parse(java.util.Arrays.copyOfRange(bytes, offset, offset + length));
            mask(tree, consumedFields);
            shown = Json.text(tree);
        } catch (java.io.IOException | RuntimeException e) {
            shown = text(new String(bytes, offset, length, java.nio.charset.StandardCharsets.UTF_8));
        }
        return shown.length() > MAX_PAYLOAD_CHARS ? shown.substring(0, MAX_PAYLOAD_CHARS) + "…(truncated)" : shown;
    }

    private void mask(JsonNode node, Set<String> consumedFields) {
        if (node instanceof ObjectNode object) {
            object.properties().forEach(field -> {
                if (SecretNames.secret(field.getKey()) || consumedFields.contains(field.getKey())) {
                    if (!field.getValue().isContainerNode() || field.getValue().isEmpty()) {
                        field.setValue(TextNode.valueOf(Redacted.MASK));
                    } else {
                        maskAll(field.getValue());
                    }
                } else if (field.getValue().isTextual()) {
                    field.setValue(TextNode.valueOf(text(field.getValue().asText())));
                } else {
                    mask(field.getValue(), consumedFields);
                }
            });
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isTextual()) {
                    array.set(i, TextNode.valueOf(text(array.get(i).asText())));
                } else {
                    mask(array.get(i), consumedFields);
                }
            }
        }
    }

    private static void maskAll(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.properties().forEach(field -> {
                if (field.getValue().isContainerNode()) {
                    maskAll(field.getValue());
                } else {
                    field.setValue(TextNode.valueOf(Redacted.MASK));
                }
            });
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isContainerNode()) {
                    maskAll(array.get(i));
                } else {
                    array.set(i, TextNode.valueOf(Redacted.MASK));
                }
            }
        }
    }
}
