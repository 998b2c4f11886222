package dev.toolgate.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.toolgate.mcp.Json;

import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves Kong vault references, {@code {vault://env/NAME}} and {@code {vault://env/NAME/KEY}}, from
 * the environment at load time, so secrets need not be written in the file. A reference may also sit
 * inside a longer value (Toolgate extension: a transformer rule such as
 * {@code Authorization:Bearer {vault://env/TOKEN}}). As in Kong's env vault,
 * {@code NAME} is upper-cased and dashes become underscores ({@code my-token} reads {@code MY_TOKEN});
 * with {@code /KEY} the variable holds a JSON object and the reference takes that key.
 *
 * <p>The resolved values are remembered with their references, so the Admin API can show the
 * reference in place of the secret.
 */
public final class VaultReferences {

    private static final Pattern REFERENCE = Pattern.compile("\\{vault://([A-Za-z0-9_-]+)/([^/{}]+)(?:/([^{}]+))?}");

    private final UnaryOperator<String> environment;
    private final Map<String, String> referenceBySecret = new HashMap<>();

    /** @param environment looks up an environment variable; returns null when unset */
    public VaultReferences(UnaryOperator<String> environment) {
        this.environment = environment;
    }

    /** Replaces every reference in the tree, in place; unresolvable ones become problems at their path. */
    public void resolve(JsonNode document, ConfigReport report) {
        walk(document, "", report);
    }

    /** Resolved secret value → the reference it came from. */
    public Map<String, String> referenceBySecret() {
        return Map.copyOf(referenceBySecret);
    }

    private void walk(JsonNode node, String path, ConfigReport report) {
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                String childPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                JsonNode replacement = replacement(field.getValue(), childPath, report);
                if (replacement != null) {
                    field.setValue(replacement);
                } else {
                    walk(field.getValue(), childPath, report);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                String childPath = path + "[" + i + "]";
                JsonNode replacement = replacement(array.get(i), childPath, report);
                if (replacement != null) {
                    array.set(i, replacement);
                } else {
                    walk(array.get(i), childPath, report);
                }
            }
        }
    }

    private JsonNode replacement(JsonNode value, String path, ConfigReport report) {
        if (!value.isTextual() || !value.asText().contains("{vault://")) {
            return null;
        }
        String text = value.asText();
        Matcher whole = REFERENCE.matcher(text.strip());
        if (whole.matches()) {
            return TextNode.valueOf(resolve(whole, path, report));
        }
        // a reference inside a longer value (a transformer's "Authorization:Bearer {vault://env/TOKEN}")
        Matcher inside = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (inside.find()) {
            inside.appendReplacement(out, Matcher.quoteReplacement(resolve(inside, path, report)));
        }
        inside.appendTail(out);
        return TextNode.valueOf(out.toString());
    }

    private String resolve(Matcher m, String path, ConfigReport report) {
        String reference = m.group(0);
        if (!m.group(1).equals("env")) {
            report.unresolved(path, "vault '" + m.group(1) + "' is not supported; Toolgate resolves {vault://env/NAME} references");
            return "";
        }
        String variable = m.group(2).toUpperCase(Locale.ROOT).replace('-', '_');
        String raw = environment.apply(variable);
        if (raw == null) {
            report.unresolved(path, "environment variable " + variable + " (from " + reference + ") is not set");
            return "";
        }
        String resolved = m.group(3) == null ? raw : jsonKey(raw, m.group(3), variable, path, report);
        if (!resolved.isEmpty()) {
            referenceBySecret.put(resolved, reference);
        }
        return resolved;
    }

    private static String jsonKey(String raw, String key, String variable, String path, ConfigReport report) {
        try {
            JsonNode object = Json.parse(raw);
            JsonNode value = object == null ? null : object.get(key);
            if (value == null || value.isNull()) {
                report.unresolved(path, "environment variable " + variable + " has no key '" + key + "'");
                return "";
            }
            return value.isTextual() ? value.asText() : value.toString();
        } catch (IOException e) {
            report.unresolved(path, "environment variable " + variable + " must hold a JSON object to read key '" + key + "'");
            return "";
        }
    }
}
