package dev.toolgate.mcp;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The 2026-07-28 transport's rules for a tool's {@code x-mcp-header} declarations: the name is a non-empty
 * RFC 9110 token, unique among the tool's declarations regardless of case, on a {@code string},
 * {@code integer} or {@code boolean} property reached from the input schema's root through {@code properties}
 * alone. Clients on HTTP must drop a tool that breaks one (the TypeScript SDK does, with only a console
 * warning), so a gateway serving it would show 2026-07-28 clients fewer tools than legacy ones, and ask them
 * for headers the spec forbids. One instance checks one tool, argument by argument (names are compared
 * across all of them).
 *
 * @see <a href="https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http">Streamable HTTP, schema extension</a>
 */
public final class HeaderDeclarations {

    /** The schema keyword that declares a mirrored argument. */
    public static final String KEYWORD = "x-mcp-header";

    /**
     * A broken rule.
     *
     * @param path where, below the argument's schema: the keywords and names walked ({@code properties}, {@code tenant})
     */
    public record Fault(List<String> path, String message) {
    }

    /** RFC 9110's {@code token}: one or more {@code tchar}. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");
    private static final Set<String> TYPES = Set.of("string", "integer", "boolean");
    /** Keywords a chain of {@code properties} may not pass through (the TypeScript SDK's list). */
    private static final List<String> UNREACHABLE = List.of("items", "prefixItems", "contains", "additionalProperties",
            "unevaluatedProperties", "unevaluatedItems", "propertyNames", "patternProperties", "dependentSchemas",
            "oneOf", "anyOf", "allOf", "not", "if", "then", "else", "$defs", "definitions");
    /** Of those, the ones whose value maps names to schemas. */
    private static final Set<String> NAMED = Set.of("patternProperties", "dependentSchemas", "$defs", "definitions");

    /** Names declared so far, lower case to as written. */
    private final Map<String, String> seen = new HashMap<>();

    /** What in one argument's schema (a property of the input schema's root) breaks the rules; empty when nothing. */
    public List<Fault> argument(JsonNode schema) {
        List<Fault> faults = new ArrayList<>();
        visit(schema, new ArrayList<>(), true, faults);
        return faults;
    }

    private void visit(JsonNode schema, List<String> path, boolean reachable, List<Fault> faults) {
        if (schema == null || !schema.isObject()) {
            return;
        }
        JsonNode declared = schema.get(KEYWORD);
        if (declared != null) {
            String fault = reachable ? fault(declared, schema.get("type")) : "x-mcp-header is allowed only on a "
                    + "property reached through properties alone (not under items, additionalProperties, composition, "
                    + "conditionals or $defs)";
            if (fault != null) {
                faults.add(new Fault(List.copyOf(path), fault));
            }
        }
        schema.path("properties").properties().forEach(p -> visit(p.getValue(), with(path, "properties", p.getKey()),
                reachable, faults));
        for (String keyword : UNREACHABLE) {
            JsonNode sub = schema.get(keyword);
            if (sub == null) {
                continue;
            }
            if (sub.isArray()) {
                for (int i = 0; i < sub.size(); i++) {
                    visit(sub.get(i), with(path, keyword, "[" + i + "]"), false, faults);
                }
            } else if (NAMED.contains(keyword)) {
                sub.properties().forEach(s -> visit(s.getValue(), with(path, keyword, s.getKey()), false, faults));
            } else {
                visit(sub, with(path, keyword), false, faults);
            }
        }
    }

    /** What is wrong with a reachable declaration, or null; a valid name is remembered. */
    private String fault(JsonNode declared, JsonNode type) {
        if (!declared.isTextual() || declared.asText().isEmpty()) {
            return "x-mcp-header must be a non-empty header name";
        }
        String name = declared.asText();
        if (!TOKEN.matcher(name).matches()) {
            return "x-mcp-header " + Json.text(name) + " is not a header name (an RFC 9110 token: letters, digits and "
                    + "!#$%&'*+-.^_`|~, no spaces)";
        }
        if (type == null || !type.isTextual() || !TYPES.contains(type.asText())) {
            return "x-mcp-header is allowed only on a property of type string, integer or boolean (one type), not "
                    + (type == null ? "one without a type" : type.toString());
        }
        String earlier = seen.putIfAbsent(name.toLowerCase(Locale.ROOT), name);
        return earlier == null ? null : "x-mcp-header " + Json.text(name) + " names the same header as "
                + Json.text(earlier) + " (header names are case-insensitive)";
    }

    private static List<String> with(List<String> path, String... steps) {
        List<String> longer = new ArrayList<>(path);
        longer.addAll(List.of(steps));
        return longer;
    }
}
