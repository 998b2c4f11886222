package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mode.ParameterSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Query names an argument's keys would send that reach a fixed query value of the tool. Servers do not
 * agree on what one name is: ASP.NET Core reads {@code TENANT_ID} as {@code tenant_id}, PHP reads
 * {@code tenant.id} and {@code tenant id} as {@code tenant_id}, and PHP, Rails and {@code qs} merge
 * {@code filter[tenant]} and {@code filter[tenant][x]} into one value. A sent name that equals a fixed
 * one regardless of case and of those foldings, or nests under it (or it under the sent name), is
 * refused; the names of the parameters themselves come from the configuration, and
 * {@link RequestEncoder} leaves an argument whose own name is a fixed one out.
 */
final class FixedQueryNames {

    private FixedQueryNames() {
    }

    /** Why {@code p}'s value cannot be sent beside the fixed query names, or null when it can. */
    static String overriding(ParameterSpec p, JsonNode value, Set<String> fixed) {
        if (fixed.isEmpty() || !"query".equals(p.in()) || value == null || !value.isObject()
                || RequestEncoder.hasFixedName(p, fixed)) {
            return null;
        }
        boolean deep = "deepObject".equals(p.style());
        if (!deep && !p.explode()) {
            return null;
        }
        List<String> sent = new ArrayList<>();
        if (deep) {
            nested(p.name(), value, 0, sent);
        } else {
            value.fieldNames().forEachRemaining(sent::add);
        }
        for (String name : sent) {
            String folded = folded(name);
            for (String f : fixed) {
                if (reaches(folded, folded(f))) {
                    return "it would send the query parameter " + name + ", which the tool's fixed query parameter "
                            + f + " sets (names are compared regardless of case, of . and space for _, and of "
                            + "[nesting])";
                }
            }
        }
        return null;
    }

    /**
     * A name as the most lenient servers read it: any case, and as PHP registers it (leading spaces skipped,
     * {@code .} and space before the first {@code [} as {@code _}, an unmatched {@code [} as {@code _},
     * whitespace at an index's start skipped).
     */
    static String folded(String name) {
        String s = name.toLowerCase(Locale.ROOT);
        int from = 0;
        while (from < s.length() && s.charAt(from) == ' ') {
            from++;
        }
        int open = s.indexOf('[', from);
        int plainEnd = open < 0 ? s.length() : open;
        StringBuilder out = new StringBuilder(s.length() - from);
        for (int i = from; i < plainEnd; i++) {
            char c = s.charAt(i);
            out.append(c == '.' || c == ' ' ? '_' : c);
        }
        if (open >= 0 && s.indexOf(']', open) < 0) {
            out.append('_').append(s, open + 1, s.length());
        } else if (open >= 0) {
            for (int i = open; i < s.length(); i++) {
                out.append(s.charAt(i));
                while (s.charAt(i) == '[' && i + 1 < s.length() && Character.isWhitespace(s.charAt(i + 1))) {
                    i++;
                }
            }
        }
        return out.toString();
    }

    private static boolean reaches(String sent, String fixed) {
        return sent.equals(fixed) || sent.startsWith(fixed + "[") || fixed.startsWith(sent + "[");
    }

    /** The names a {@code deepObject} value is sent under, as {@link ParameterStyles} writes them. */
    private static void nested(String prefix, JsonNode value, int depth, List<String> names) {
        if (value.isObject() && depth < ParameterStyles.MAX_NESTING) {
            for (Map.Entry<String, JsonNode> e : value.properties()) {
                nested(prefix + "[" + e.getKey() + "]", e.getValue(), depth + 1, names);
            }
        } else if (value.isArray() && depth < ParameterStyles.MAX_NESTING) {
            for (int i = 0; i < value.size(); i++) {
                nested(prefix + "[" + i + "]", value.get(i), depth + 1, names);
            }
        } else if (!value.isNull()) {
            names.add(prefix);
        }
    }
}
