package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.http.LenientNames;
import dev.toolgate.mode.ParameterSpec;

import java.util.ArrayList;
import java.util.List;
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

    /** A name as the most lenient servers read it ({@link LenientNames#folded}). */
    static String folded(String name) {
        return LenientNames.folded(name);
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
