package dev.toolgate.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A plugin's {@code headers} map: fields sent as written with every request to the plugin's endpoint (http-log's
 * batches, opentelemetry's exports, the OAuth2 plugin's introspection). A name that is not an RFC 9110 token, or a
 * value with a control character other than HTAB (a line break, NUL), can never be sent: the HTTP client throws on
 * every request, so each is a problem when the configuration is read, as Kong's schema refuses such a name.
 * A problem never quotes a value (these headers carry tokens), nor a refused name: it is often a credential
 * written whole as a name ({@code "Authorization: Bearer ..."}), and a problem reaches the log and the answer to
 * {@code POST /config}.
 */
public final class HeaderFields {

    /** What RFC 9110's tchar allows besides ASCII letters and digits. */
    public static final String SYMBOLS = "!#$%&'*+-.^_`|~";

    private HeaderFields() {
    }

    /** The map at {@code key} (scalars read as text), or an empty one; each bad entry is a problem. */
    public static Map<String, String> read(ConfigNode node, String key) {
        JsonNode value = node.any(key);
        Map<String, String> out = new LinkedHashMap<>();
        if (value == null) {
            return out;
        }
        if (!value.isObject()) {
            node.problem(key, "must be a map of header names to values");
            return out;
        }
        int position = 0;
        for (Map.Entry<String, JsonNode> e : value.properties()) {
            position++;
            String name = e.getKey();
            if (!isName(name)) {
                node.problem(key, "the name of entry " + position + " is not a header name (letters, digits and "
                        + SYMBOLS + " only; it is not shown, as it may hold a credential)");
            } else if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                node.problem(key + "." + name, "must be a string");
            } else if (!isValue(e.getValue().asText())) {
                node.problem(key + "." + name, "may not contain a line break, NUL or other control character "
                        + "(tab aside): the header could not be sent (the value is not shown)");
            } else {
                out.put(name, wire(e.getValue().asText()));
            }
        }
        return out;
    }

    /**
     * Refuses, as a problem at {@code key.NAME} with Kong's reason, each header of {@code read} (the map {@link #read}
     * gave for {@code key}) that names one of {@code setByThePlugin}, whatever its case: headers the plugin sets itself,
     * which Kong's schema refuses rather than let the configured one be replaced unseen. The refused entries are
     * taken out of {@code read}. The name is one of the plugin's own, so the path may show it; the value is not shown.
     */
    public static void refuse(ConfigNode node, String key, Map<String, String> read, List<String> setByThePlugin) {
        read.keySet().removeIf(name -> {
            for (String set : setByThePlugin) {
                if (set.equalsIgnoreCase(name)) {
                    node.problem(key + "." + name, "cannot contain '" + set + "' header");
                    return true;
                }
            }
            return false;
        });
    }

    /**
     * The value as its header's bytes, one char each: the UTF-8 of what was written, as Kong sends it. The gateway's
     * clients write a header's chars as single bytes (ISO-8859-1): {@code café} would reach the endpoint as one byte
     * for its {@code é}, and a character past U+00FF as {@code ?}.
     */
    static String wire(String value) {
        return new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /** RFC 9110's token: what a field name may be. */
    public static boolean isName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || SYMBOLS.indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    /** RFC 9110's field value, as far as a client can send it: no control character but HTAB. */
    static boolean isValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                return false;
            }
        }
        return true;
    }
}
