package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mode.ParameterSpec;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Arguments that match their schemas but cannot go where their parameters put them. A path value
 * that is null or missing would leave its segment empty ({@code /users//delete}): a nullable schema
 * (OpenAPI's {@code nullable}) lets null through validation. An exploded object query argument
 * ({@code form}, the default) sends each key as a query parameter of its own: a key named like a fixed
 * query value or another query parameter would override or shadow what the tool sets.
 */
final class ArgumentPlaces {

    private ArgumentPlaces() {
    }

    /** What is wrong with where the arguments would go, or null when nothing is. */
    static String problem(RequestTemplate t, ObjectNode args) {
        Set<String> queryNames = null;
        for (ParameterSpec p : t.parameters()) {
            JsonNode value = RequestEncoder.value(p, args);
            if ("path".equals(p.in()) && value == null) {
                return p.argument() + ": a path value must not be null or missing (it would leave an empty path segment)";
            }
            if (explodesIntoNames(p, value)) {
                if (queryNames == null) {
                    queryNames = queryNames(t);
                }
                for (Map.Entry<String, JsonNode> key : value.properties()) {
                    // the object's own name is not sent (its keys are), so a key of that name shadows nothing
                    boolean own = key.getKey().equals(p.name()) && !t.fixedQuery().containsKey(p.name());
                    if (queryNames.contains(key.getKey()) && !own) {
                        return p.argument() + ": the key '" + key.getKey() + "' would be sent as the query parameter "
                                + key.getKey() + ", which the tool sets otherwise";
                    }
                }
            }
        }
        return null;
    }

    /** A query object whose keys become parameter names (any style but {@code deepObject}, exploded). */
    private static boolean explodesIntoNames(ParameterSpec p, JsonNode value) {
        return "query".equals(p.in()) && value != null && value.isObject() && p.explode()
                && !"deepObject".equals(p.style());
    }

    /** The query names the tool sets: its fixed query values and its declared query parameters. */
    private static Set<String> queryNames(RequestTemplate t) {
        Set<String> names = new HashSet<>(t.fixedQuery().keySet());
        t.parameters().stream().filter(p -> "query".equals(p.in())).forEach(p -> names.add(p.name()));
        return names;
    }
}
