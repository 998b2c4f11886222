package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mode.ParameterSpec;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Arguments that match their schemas but cannot go where their parameters put them. A path value
 * that is null or missing would leave its segment empty ({@code /users//delete}): a nullable schema
 * (OpenAPI's {@code nullable}) lets null through validation. An exploded object sends each key as a
 * name of its own, in the query string (style {@code form}, the default) and in a form body (an
 * {@code encoding} of style {@code form}) alike: a key named like a fixed query value, another query
 * parameter or another form field would override or shadow what the tool sets, and a key two exploded
 * objects share would be sent twice, one argument's value beside or over the other's.
 */
final class ArgumentPlaces {

    private ArgumentPlaces() {
    }

    /** What is wrong with where the arguments would go, or null when nothing is. */
    static String problem(RequestTemplate t, ObjectNode args) {
        Set<String> queryNames = null;
        Map<String, String> sentBy = new HashMap<>();
        for (ParameterSpec p : t.parameters()) {
            JsonNode value = RequestEncoder.value(p, args);
            if ("path".equals(p.in()) && value == null) {
                return p.argument() + ": a path value must not be null or missing (it would leave an empty path segment)";
            }
            if (explodesIntoNames(p, value)) {
                if (queryNames == null) {
                    queryNames = queryNames(t);
                }
                String shadowing = shadowingKey(value, p.name(), queryNames, t.fixedQuery().keySet());
                if (shadowing != null) {
                    return p.argument() + ": the key '" + shadowing + "' would be sent as the query parameter "
                            + shadowing + ", which the tool sets otherwise";
                }
                String twice = sentTwice(value, p.argument(), sentBy);
                if (twice != null) {
                    return p.argument() + ": the key '" + twice + "' would be sent as the query parameter " + twice
                            + ", which " + sentBy.get(twice) + " sends too";
                }
            }
            String overriding = FixedQueryNames.overriding(p, value, t.fixedQuery().keySet());
            if (overriding != null) {
                return p.argument() + ": " + overriding;
            }
        }
        return t.body() == BodyEncoding.FORM ? formProblem(t, args.get(ToolSchemas.BODY)) : null;
    }

    /** A form body's objects exploded into fields of their own, checked as query objects are. */
    private static String formProblem(RequestTemplate t, JsonNode body) {
        if (body == null || !body.isObject()) {
            return null;
        }
        Set<String> fieldNames = null;
        Map<String, String> sentBy = new HashMap<>();
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            if (!t.bodyFields().getOrDefault(field.getKey(), FieldEncoding.DEFAULT).explodesIntoFields(field.getValue())) {
                continue;
            }
            if (fieldNames == null) {
                // declared fields (every one has an encoding) and the fields this body passes beside them
                fieldNames = new HashSet<>(t.bodyFields().keySet());
                body.fieldNames().forEachRemaining(fieldNames::add);
            }
            // a form has no fixed fields: only the tool's fixed query values are authoritative
            String shadowing = shadowingKey(field.getValue(), field.getKey(), fieldNames, Set.of());
            if (shadowing != null) {
                return ToolSchemas.BODY + "." + field.getKey() + ": the key '" + shadowing + "' would be sent as the form "
                        + "field " + shadowing + ", which the tool sets otherwise";
            }
            String argument = ToolSchemas.BODY + "." + field.getKey();
            String twice = sentTwice(field.getValue(), argument, sentBy);
            if (twice != null) {
                return argument + ": the key '" + twice + "' would be sent as the form field " + twice + ", which "
                        + sentBy.get(twice) + " sends too";
            }
        }
        return null;
    }

    /**
     * The first key of the exploded object {@code value} that an earlier exploded object sends too, or
     * null after recording {@code value}'s keys as sent by {@code argument}. Neither key names a
     * parameter or field of the tool (that is a shadowing key), so only the two arguments know of it:
     * the upstream would read one value, or both, depending on its parser.
     */
    private static String sentTwice(JsonNode value, String argument, Map<String, String> sentBy) {
        for (Map.Entry<String, JsonNode> key : value.properties()) {
            if (sentBy.containsKey(key.getKey())) {
                return key.getKey();
            }
        }
        value.fieldNames().forEachRemaining(key -> sentBy.put(key, argument));
        return null;
    }

    /**
     * The first key of the exploded object {@code value} that names one of {@code names}, or null. The
     * object's own name is not sent (its keys are), so a key of that name shadows nothing unless it is
     * a fixed value.
     */
    private static String shadowingKey(JsonNode value, String ownName, Set<String> names, Set<String> fixed) {
        for (Map.Entry<String, JsonNode> key : value.properties()) {
            boolean own = key.getKey().equals(ownName) && !fixed.contains(ownName);
            if (names.contains(key.getKey()) && !own) {
                return key.getKey();
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
