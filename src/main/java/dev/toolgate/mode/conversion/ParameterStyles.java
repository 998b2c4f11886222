package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.toolgate.http.UpstreamPath;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.MediaTypes;
import dev.toolgate.mode.ParameterSpec;

import java.util.Map;
import java.util.StringJoiner;

/**
 * OpenAPI's serialization styles for argument values: path ({@code simple}, {@code label},
 * {@code matrix}), query ({@code form}, {@code spaceDelimited}, {@code pipeDelimited},
 * {@code deepObject}), header and form-body fields. Every piece that lands in a URL is
 * percent-encoded here; header values are returned as they are, for the caller to check.
 */
final class ParameterStyles {

    /** Deepest nesting of objects and arrays in a query or form argument ({@code a[b][c]...}). */
    static final int MAX_NESTING = 32;

    private ParameterStyles() {
    }

    /**
     * The value of a parameter declared with {@code content}: one text in its media type (JSON for a JSON type,
     * the value itself otherwise), which every place then sends as any text value (percent-encoded in the
     * path and query). Its style is the location's default and unexploded, so nothing splits it further.
     */
    static JsonNode asContent(ParameterSpec p, JsonNode value) {
        if (value == null || p.contentType() == null) {
            return value;
        }
        return TextNode.valueOf(MediaTypes.isJson(p.contentType()) ? Json.text(value) : scalar(value));
    }

    /**
     * OpenAPI path styles: {@code simple} ({@code a,b}), {@code label} ({@code .a,b}; exploded {@code .a.b},
     * {@code .R=1.G=2}), {@code matrix} ({@code ;id=a}; exploded {@code ;id=a;id=b}, {@code ;R=1;G=2}).
     */
    static String pathValue(ParameterSpec p, JsonNode value) {
        String text = value.isContainerNode() ? joined(value, p.explode(), ",") : scalar(value);
        if (text.isEmpty() || text.equals(".") || text.equals("..")) {
            throw notASegment(p);
        }
        String encoded = value.isContainerNode() ? text : PercentEncoding.encode(text);
        String segment = switch (p.style()) {
            case "label" -> "." + (value.isContainerNode() && p.explode() ? joined(value, true, ".") : encoded);
            case "matrix" -> matrix(p, value, encoded);
            default -> encoded;
        };
        // label style prefixes a dot: the exploded array ["", ""] is "." + "." (dots are never encoded); and
        // "../admin" is "..%2Fadmin", which a server that decodes %2F or %5C before it resolves dot segments
        // (nginx proxy_pass with a URI, IIS) reads as "../admin": refused as the passthrough refuses such paths
        if (UpstreamPath.hasDotSegment(segment)) {
            throw notASegment(p);
        }
        return segment;
    }

    private static RequestEncoder.Rejection notASegment(ParameterSpec p) {
        return RequestEncoder.Rejection.invalid(p.argument() + ": a path value must not be empty, nor hold a '.' or "
                + "'..' segment (between slashes or backslashes)");
    }

    private static String matrix(ParameterSpec p, JsonNode value, String encoded) {
        String name = PercentEncoding.encode(p.name());
        if (value.isArray() && p.explode()) {
            StringBuilder out = new StringBuilder();
            value.forEach(item -> out.append(';').append(name).append('=').append(PercentEncoding.encode(scalar(item))));
            return out.toString();
        }
        if (value.isObject() && p.explode()) {
            // each property is its own parameter: ;R=100;G=200
            return ";" + joined(value, true, ";");
        }
        return ";" + name + "=" + encoded;
    }

    /**
     * Simple-style serialization of arrays and objects; each piece is percent-encoded. Empty items keep
     * their separators ({@code ["", "b"]} is {@code ,b}): the upstream reads the same number of items.
     */
    private static String joined(JsonNode value, boolean explode, String separator) {
        if (!value.isContainerNode()) {
            return scalar(value);
        }
        StringJoiner out = new StringJoiner(separator);
        if (value.isArray()) {
            for (JsonNode item : value) {
                out.add(PercentEncoding.encode(scalar(item)));
            }
        } else {
            for (Map.Entry<String, JsonNode> e : value.properties()) {
                String k = PercentEncoding.encode(e.getKey());
                String v = PercentEncoding.encode(scalar(e.getValue()));
                out.add(explode ? k + "=" + v : k + separator + v);
            }
        }
        return out.toString();
    }

    /** Simple style without percent-encoding: header values are checked instead. */
    static String headerValue(JsonNode value, boolean explode) {
        if (!value.isContainerNode()) {
            return scalar(value);
        }
        StringJoiner out = new StringJoiner(",");
        if (value.isArray()) {
            value.forEach(item -> out.add(scalar(item)));
        } else {
            value.properties().forEach(e -> out.add(e.getKey() + (explode ? "=" : ",") + scalar(e.getValue())));
        }
        return out.toString();
    }

    static void appendQuery(EncodedText query, ParameterSpec p, JsonNode value) {
        String name = p.name();
        // OpenAPI 3.1 §4.8.12.4: an object not exploded joins keys and values with the style's delimiter too
        String separator = switch (p.style()) {
            case "spaceDelimited" -> "%20";
            case "pipeDelimited" -> "%7C"; // OAS 3.1.1: "|" is not a query character (RFC 3986), and Tomcat refuses it
            default -> ",";
        };
        if (value.isArray()) {
            if (p.explode() && p.style().equals("form")) {
                value.forEach(item -> appendPair(query, name, scalar(item)));
            } else {
                appendEncodedPair(query, name, joined(value, false, separator));
            }
        } else if (value.isObject()) {
            if (p.style().equals("deepObject")) {
                appendNested(query, PercentEncoding.encode(name), value, 0);
            } else if (p.explode()) {
                value.properties().forEach(e -> appendPair(query, e.getKey(), scalar(e.getValue())));
            } else {
                appendEncodedPair(query, name, joined(value, false, separator));
            }
        } else {
            appendPair(query, name, scalar(value));
        }
    }

    /**
     * {@code name[key]=value}, recursively for nested objects ({@code [key]}) and arrays ({@code [index]}).
     * Every leaf repeats its whole key path, so the path is checked against the limit before it is built
     * on, and nesting is bounded.
     */
    private static void appendNested(EncodedText out, String encodedPrefix, JsonNode value, int depth) {
        if (value.isContainerNode() && depth >= MAX_NESTING) {
            throw new RequestEncoder.Rejection("an argument nests objects or arrays deeper than " + MAX_NESTING
                    + " levels, which a query or form field cannot carry");
        }
        out.check(encodedPrefix.length());
        if (value.isObject()) {
            value.properties().forEach(e -> appendNested(out,
                    encodedPrefix + "%5B" + PercentEncoding.encode(e.getKey()) + "%5D", e.getValue(), depth + 1));
        } else if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                appendNested(out, encodedPrefix + "%5B" + i + "%5D", value.get(i), depth + 1);
            }
        } else if (!value.isNull()) {
            out.append("&", encodedPrefix + "=" + PercentEncoding.encode(scalar(value)));
        }
    }

    static void appendPair(EncodedText query, String name, String value) {
        appendEncodedPair(query, name, PercentEncoding.encode(value));
    }

    private static void appendEncodedPair(EncodedText query, String name, String encodedValue) {
        query.append("&", PercentEncoding.encode(name) + "=" + encodedValue);
    }

    /**
     * One form field. With an {@code encoding} entry, OpenAPI's style rules apply; without one,
     * arrays repeat the field and objects use brackets ({@code a[b]=c}), which most servers read.
     */
    static void appendField(EncodedText form, String name, JsonNode value, FieldEncoding encoding) {
        if (value.isNull()) {
            return;
        }
        if ("application/json".equals(encoding.contentType()) && value.isContainerNode()) {
            appendPair(form, name, Json.text(value));
        } else if (value.isArray() && !"deepObject".equals(encoding.style())) {
            if (encoding.explode()) {
                value.forEach(item -> appendPair(form, name, scalar(item)));
            } else {
                appendEncodedPair(form, name, joined(value, false, ","));
            }
        } else if (encoding.explodesIntoFields(value)) {
            value.properties().forEach(e -> appendPair(form, e.getKey(), scalar(e.getValue())));
        } else if (value.isObject() && "form".equals(encoding.style())) {
            appendEncodedPair(form, name, joined(value, false, ","));
        } else if (value.isContainerNode()) {
            appendNested(form, PercentEncoding.encode(name), value, 0);
        } else {
            appendPair(form, name, scalar(value));
        }
    }

    static String scalar(JsonNode value) {
        if (value.isNumber()) {
            // 20.0 or 2e1 validates as an integer: sent as 20; never as the plain form of a large exponent
            return ArgumentNumbers.written(value);
        }
        return value.isTextual() ? value.asText() : value.isContainerNode() ? Json.text(value) : value.asText();
    }
}
