package dev.toolgate.mcp;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The modern transport's request-metadata headers, which mirror body fields so that intermediaries
 * can route without reading bodies: {@code Mcp-Method}, {@code Mcp-Name} and the
 * {@code Mcp-Param-{Name}} headers a tool asks for with {@code x-mcp-header}. A server that reads
 * the body checks that they say what the body says; a value that cannot be plain ASCII travels as
 * {@code =?base64?...?=}.
 *
 * @see <a href="https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#request-metadata">Request metadata</a>
 */
public final class RequestHeaders {

    private static final String SENTINEL_START = "=?base64?";
    private static final String SENTINEL_END = "?=";
    /** 2^53 − 1, the largest integer a mirrored argument may hold. */
    private static final BigDecimal SAFE_INTEGER = BigDecimal.valueOf(9_007_199_254_740_991L);

    private RequestHeaders() {
    }

    /**
     * What is wrong with a request's {@code Mcp-Method} and {@code Mcp-Name}, or null when they match
     * the body.
     *
     * @param header a request header by name (case-insensitive), null when absent
     */
    public static String standardMismatch(UnaryOperator<String> header, String method, JsonNode params) {
        String sent = header.apply("mcp-method");
        if (sent == null) {
            return "the Mcp-Method header is required (the request's method, " + method + ")";
        }
        if (!sent.equals(method)) {
            return "Mcp-Method header value '" + sent + "' does not match body value '" + method + "'";
        }
        String field = nameField(method);
        if (field == null) {
            return null;
        }
        JsonNode value = params == null ? null : params.get(field);
        String expected = value != null && value.isTextual() ? value.asText() : null;
        String name = header.apply("mcp-name");
        if (name == null) {
            return expected == null ? null : "the Mcp-Name header is required for " + method + " (params." + field + ")";
        }
        String decoded = decode(name);
        if (decoded == null) {
            return "the Mcp-Name header has characters a header value may not carry, or bad base64";
        }
        return decoded.equals(expected) ? null
                : "Mcp-Name header value '" + name + "' does not match body value '" + expected + "'";
    }

    /**
     * What is wrong when a mirrored header ({@code MCP-Protocol-Version}, {@code Mcp-Method}, {@code Mcp-Name},
     * {@code Mcp-Param-*}) comes more than once, or null when none does: the gateway checks one value, and a server
     * or intermediary behind it may read another.
     *
     * @param headers a request's headers, names in any case
     */
    public static String repeated(Iterable<Map.Entry<String, String>> headers) {
        Map<String, String> seen = new HashMap<>();
        for (Map.Entry<String, String> header : headers) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            boolean mirrored = name.equals("mcp-protocol-version") || name.equals("mcp-method")
                    || name.equals("mcp-name") || name.startsWith("mcp-param-");
            if (mirrored && seen.putIfAbsent(name, header.getKey()) != null) {
                return "the " + header.getKey() + " header is sent more than once; send it once";
            }
        }
        return null;
    }

    /** The body field {@code Mcp-Name} mirrors for a method, or null when it has none. */
    public static String nameField(String method) {
        return switch (method) {
            case "tools/call", "prompts/get" -> "name";
            case "resources/read" -> "uri";
            default -> null;
        };
    }

    /** The {@code Mcp-Name} value for a body value: plain when safe, else the base64 form. */
    public static String encode(String value) {
        boolean safe = !value.isEmpty() && value.strip().equals(value)
                && !(value.startsWith(SENTINEL_START) && value.endsWith(SENTINEL_END));
        for (int i = 0; safe && i < value.length(); i++) {
            char c = value.charAt(i);
            safe = c >= 0x20 && c <= 0x7e;
        }
        return safe ? value : SENTINEL_START
                + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + SENTINEL_END;
    }

    /** A header value as the body would hold it (the base64 form decoded); null when it is not a valid value. */
    public static String decode(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 || c > 0x7e) && c != '\t') {
                return null;
            }
        }
        if (value.startsWith(SENTINEL_START) && value.endsWith(SENTINEL_END)
                && value.length() >= SENTINEL_START.length() + SENTINEL_END.length()) {
            String encoded = value.substring(SENTINEL_START.length(), value.length() - SENTINEL_END.length());
            if (encoded.length() % 4 != 0) {
                return null; // the JDK's decoder would take missing padding; the revision requires it
            }
            try {
                return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return value;
    }

    /**
     * The {@code x-mcp-header} declarations of a tool's input schema: header name (as declared) to
     * the property path, for properties reachable through {@code properties} keys only (the only place
     * the annotation is valid).
     */
    public static Map<String, List<String>> declared(JsonNode inputSchema) {
        Map<String, List<String>> found = new LinkedHashMap<>();
        collect(inputSchema, new ArrayList<>(), found);
        return found;
    }

    private static void collect(JsonNode schema, List<String> path, Map<String, List<String>> found) {
        JsonNode properties = schema == null ? null : schema.get("properties");
        if (properties == null || !properties.isObject() || path.size() > 32) {
            return;
        }
        properties.properties().forEach(property -> {
            List<String> at = new ArrayList<>(path);
            at.add(property.getKey());
            JsonNode name = property.getValue().get("x-mcp-header");
            if (name != null && name.isTextual()) {
                found.put(name.asText(), List.copyOf(at));
            }
            collect(property.getValue(), at, found);
        });
    }

    /**
     * Why a declared argument is an integer no {@code Mcp-Param-*} header may carry, or null when none is: the
     * revision limits mirrored integers to ±(2^53−1), what every JSON number reader holds exactly (the TypeScript
     * SDK sends no header for a larger one).
     */
    public static String unsafeInteger(Map<String, List<String>> declared, JsonNode arguments) {
        for (Map.Entry<String, List<String>> parameter : declared.entrySet()) {
            JsonNode value = at(arguments, parameter.getValue());
            if (value != null && value.isNumber() && value.decimalValue().abs().compareTo(SAFE_INTEGER) > 0) {
                return String.join(".", parameter.getValue()) + ": " + value + " is outside -" + SAFE_INTEGER + " to "
                        + SAFE_INTEGER + ", the integers the Mcp-Param-" + parameter.getKey()
                        + " header may carry (2026-07-28 limits mirrored integers to ±(2^53−1))";
            }
        }
        return null;
    }

    /**
     * What is wrong with the {@code Mcp-Param-*} headers of a {@code tools/call}, or null when each
     * declared parameter's header matches its argument (present exactly when the argument is; integers
     * compared as numbers).
     */
    public static String paramMismatch(UnaryOperator<String> header, Map<String, List<String>> declared,
                                       JsonNode arguments) {
        for (Map.Entry<String, List<String>> parameter : declared.entrySet()) {
            String name = "Mcp-Param-" + parameter.getKey();
            JsonNode value = at(arguments, parameter.getValue());
            String sent = header.apply(name.toLowerCase(Locale.ROOT));
            boolean present = value != null && !value.isNull();
            if (sent == null) {
                if (present) {
                    return "the " + name + " header is required: the tool mirrors argument '"
                            + String.join(".", parameter.getValue()) + "' into it";
                }
                continue;
            }
            String decoded = decode(sent);
            if (decoded == null) {
                return "the " + name + " header has characters a header value may not carry, or bad base64";
            }
            if (!present || !matches(decoded, value)) {
                return name + " header value '" + sent + "' does not match body value " + (present ? value : "(absent)");
            }
        }
        return null;
    }

    /** The argument at a property path, or null. */
    private static JsonNode at(JsonNode arguments, List<String> path) {
        JsonNode value = arguments;
        for (String step : path) {
            value = value == null ? null : value.get(step);
        }
        return value;
    }

    private static boolean matches(String header, JsonNode value) {
        if (value.isTextual()) {
            return header.equals(value.asText());
        }
        if (value.isBoolean()) {
            return header.equals(value.asText());
        }
        if (value.isNumber()) {
            try {
                return new BigDecimal(header.trim()).compareTo(value.decimalValue()) == 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return false;
    }
}
