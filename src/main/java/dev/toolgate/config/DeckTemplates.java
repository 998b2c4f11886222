package dev.toolgate.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves decK's environment templates, {@code ${{ env "DECK_NAME" }}}, in every string value at load,
 * as {@code deck gateway sync} does before it sends a file to Kong, so files written for decK (Kong's
 * own MCP examples keep API keys that way) run unchanged. As in decK, only the {@code env} function
 * exists here and the variable must start with {@code DECK_}; a template may be the whole value or
 * part of it ({@code Bearer ${{ env "DECK_TOKEN" }}}).
 *
 * <p>Resolved values are secrets, as vault references are: each resolved string is remembered with
 * the text it came from, so the Admin API and problem messages show the template, never the value.
 */
public final class DeckTemplates {

    private static final String OPEN = "${{";
    private static final String CLOSE = "}}";
    private static final Pattern ENV = Pattern.compile("\\s*env\\s+(?:\"([^\"\\\\]*)\"|`([^`]*)`)\\s*");
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final String PREFIX = "DECK_";

    private final UnaryOperator<String> environment;
    private final Map<String, String> templateBySecret = new HashMap<>();

    /** @param environment looks up an environment variable; returns null when unset */
    public DeckTemplates(UnaryOperator<String> environment) {
        this.environment = environment;
    }

    /** Replaces every template in the tree, in place; what cannot be resolved is a problem at its path. */
    public void resolve(JsonNode document, ConfigReport report) {
        walk(document, "", report);
    }

    /** Resolved string → the text with its templates, for redaction. */
    public Map<String, String> templateBySecret() {
        return Map.copyOf(templateBySecret);
    }

    private void walk(JsonNode node, String path, ConfigReport report) {
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                String childPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                if (field.getKey().contains(OPEN)) {
                    report.problem(childPath, "decK templates are resolved in values only, not in keys");
                }
                if (field.getValue().isTextual()) {
                    if (field.getValue().asText().contains(OPEN)) {
                        field.setValue(resolved(field.getValue().asText(), childPath, report));
                    }
                } else {
                    walk(field.getValue(), childPath, report);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                String childPath = path + "[" + i + "]";
                if (array.get(i).isTextual()) {
                    if (array.get(i).asText().contains(OPEN)) {
                        array.set(i, resolved(array.get(i).asText(), childPath, report));
                    }
                } else {
                    walk(array.get(i), childPath, report);
                }
            }
        }
    }

    private TextNode resolved(String text, String path, ConfigReport report) {
        // one pass with indexOf, not a lazy regex: with "${{" repeated and no "}}", every start would
        // rescan to the end of the value, quadratic in its length (minutes for a megabyte)
        StringBuilder out = new StringBuilder(text.length());
        boolean secret = false;
        int from = 0;
        for (int open = text.indexOf(OPEN); open >= 0; open = text.indexOf(OPEN, from)) {
            int close = text.indexOf(CLOSE, open + OPEN.length());
            if (close < 0) {
                break; // no later template can close either
            }
            String value = value(text.substring(open + OPEN.length(), close), path, report);
            secret |= !value.isEmpty();
            out.append(text, from, open).append(value);
            from = close + CLOSE.length();
        }
        String result = out.append(text, from, text.length()).toString();
        if (result.contains(OPEN)) {
            report.problem(path, "has a decK template without its closing }}");
        }
        if (secret) {
            templateBySecret.put(result, text);
        }
        return TextNode.valueOf(result);
    }

    /** The value of one template's action ({@code env "DECK_X"}); "" after reporting a problem. */
    private String value(String action, String path, ConfigReport report) {
        Matcher env = ENV.matcher(action);
        if (!env.matches()) {
            // quoted short: the action is whatever stood between the braces, megabytes of it perhaps
            String shown = action.length() > 80 ? action.substring(0, 77) + "..." : action;
            report.problem(path, "decK template ${{" + shown + "}} is not supported: Toolgate resolves "
                    + "${{ env \"DECK_NAME\" }} only (decK's env function)");
            return "";
        }
        String variable = env.group(1) != null ? env.group(1) : env.group(2);
        if (!VARIABLE.matcher(variable).matches() || !variable.startsWith(PREFIX)) {
            report.problem(path, "decK template names environment variable '" + variable + "': it must start with "
                    + PREFIX + ", as decK requires");
            return "";
        }
        String value = environment.apply(variable);
        if (value == null) {
            report.problem(path, "environment variable " + variable + " (from a decK template) is not set");
            return "";
        }
        if (!value.isEmpty()) {
            // also alone, for a message that quotes it inside other text (a sanitized tool name, say)
            templateBySecret.put(value, "${{ env \"" + variable + "\" }}");
        }
        return value;
    }
}
