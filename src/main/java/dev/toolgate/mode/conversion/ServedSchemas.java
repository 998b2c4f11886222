package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.config.ConfigReport;
import dev.toolgate.mcp.Json;

import java.util.Map;
import java.util.Set;

/**
 * Tool schemas as strict clients accept them. The official TypeScript SDK checks every
 * {@code tools/list} page against its schema (an argument or output property must be a schema
 * object) and compiles every {@code outputSchema} with Ajv, asserting {@code format}s; MCP Inspector's
 * {@code --strict} refuses a bare {@code true} or {@code false} where a schema object goes. So a
 * served schema:
 *
 * <ul>
 *   <li>has no boolean subschemas: {@code true} is {@code {}}, {@code false} is {@code {"not": {}}}
 *       (the same meaning), except under the keywords whose value is naturally a boolean
 *       ({@code additionalProperties}, ...);</li>
 *   <li>has no {@code $schema}: MCP's dialect, JSON Schema 2020-12, is the default, and the v1 SDK's
 *       validator knows no other meta-schema;</li>
 *   <li>has no empty {@code enum}: it admits nothing, and Ajv will not compile it;</li>
 *   <li>as an output schema, has no {@code format}, {@code pattern}, {@code patternProperties} or
 *       {@code multipleOf} other than a whole number: the gateway checks answers against exactly the
 *       schema it serves, and clients evaluate those keywords differently (Ajv asserts formats that
 *       JSON Schema 2020-12 only annotates, compiles patterns as JavaScript regular expressions, and
 *       divides floats, so 1.13 is no multiple of 0.01), so a client could refuse an answer the
 *       gateway found valid. The output keeps its shape: types, properties, required, enums, bounds.</li>
 * </ul>
 *
 * <p>Unchanged parts are shared, not copied: generated tools share their component schemas.
 */
final class ServedSchemas {

    /** Keywords whose value maps names to schemas. */
    private static final Set<String> SCHEMA_MAPS = Set.of("properties", "patternProperties", "dependentSchemas",
            "$defs", "definitions");
    /** Keywords whose value is a list of schemas. */
    private static final Set<String> SCHEMA_LISTS = Set.of("allOf", "anyOf", "oneOf", "prefixItems");
    /** Keywords whose value is one schema ({@code items} may also be a draft-04 list). */
    private static final Set<String> SCHEMA_VALUES = Set.of("items", "contains", "not", "if", "then", "else",
            "propertyNames", "contentSchema");
    /** Keywords whose value is a schema or, naturally, a boolean. */
    private static final Set<String> BOOLEAN_VALUED = Set.of("additionalProperties", "unevaluatedProperties",
            "additionalItems", "unevaluatedItems");
    /** Output keywords clients evaluate differently from the gateway (and see {@link #fractionalMultipleOf}). */
    private static final Set<String> OUTPUT_DROPPED = Set.of("format", "pattern", "patternProperties");
    private static final Set<String> DIALECTS_2020 = Set.of("https://json-schema.org/draft/2020-12/schema",
            "http://json-schema.org/draft/2020-12/schema");

    private ServedSchemas() {
    }

    /** An argument schema as served. */
    static JsonNode input(JsonNode schema) {
        return served(schema, false);
    }

    /** An output schema as served (before its root is made an object, see {@link OutputSchema}). */
    static JsonNode output(JsonNode schema) {
        return served(schema, true);
    }

    /**
     * Reports what in a written schema cannot be served: a {@code $schema} other than 2020-12, an
     * {@code $id} (clients compile every tool's schemas into one registry, where ids collide), a
     * {@code #/$defs/...} reference that does not resolve; and warns of an empty {@code enum}, left out.
     */
    static void check(JsonNode schema, String path, ConfigReport report) {
        checkNode(schema, schema, path, report);
    }

    private static void checkNode(JsonNode node, JsonNode root, String path, ConfigReport report) {
        if (!node.isObject()) {
            return;
        }
        JsonNode dialect = node.get("$schema");
        if (dialect != null && !(dialect.isTextual() && DIALECTS_2020.contains(dialect.asText().replaceFirst("#$", "")))) {
            report.problem(path, "declares $schema " + dialect + ": tool schemas are served as JSON Schema 2020-12, "
                    + "MCP's dialect; remove $schema or write the schema in 2020-12");
        }
        if (node.has("$id")) {
            report.problem(path, "$id " + node.get("$id") + " is not supported in a tool schema (clients compile every "
                    + "tool's schemas together, where ids collide): remove it");
        }
        if (emptyEnum("enum", node.path("enum"))) {
            report.warning(path, "a schema's enum is [], which allows no value: an argument's is served as "
                    + "'not: {}' (no value may be sent), an output's without the keyword");
        }
        JsonNode ref = node.get("$ref");
        if (ref != null && ref.isTextual() && ref.asText().startsWith("#/") && root.at(ref.asText().substring(1)).isMissingNode()) {
            report.problem(path, "$ref " + ref + " does not resolve: there is no such entry in the schema's own $defs");
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (SCHEMA_MAPS.contains(key)) {
                value.forEach(child -> checkNode(child, root, path, report));
            } else if (SCHEMA_LISTS.contains(key) || key.equals("items") && value.isArray()) {
                value.forEach(child -> checkNode(child, root, path, report));
            } else if (SCHEMA_VALUES.contains(key) || BOOLEAN_VALUED.contains(key)) {
                checkNode(value, root, path, report);
            }
        }
    }

    private static JsonNode served(JsonNode schema, boolean output) {
        if (schema.isBoolean()) {
            return schema.asBoolean() ? Json.object() : never();
        }
        if (!schema.isObject()) {
            return schema;
        }
        if (!output && emptyEnum("enum", schema.path("enum"))) {
            return nothing(schema);
        }
        ObjectNode copy = null;
        for (Map.Entry<String, JsonNode> field : schema.properties()) {
            String key = field.getKey();
            JsonNode value = field.getValue();
            JsonNode replacement;
            if (key.equals("$schema") || emptyEnum(key, value)
                    || output && (OUTPUT_DROPPED.contains(key) || fractionalMultipleOf(key, value))) {
                replacement = null;
            } else if (SCHEMA_MAPS.contains(key) && value.isObject()) {
                replacement = map(value, output);
            } else if (SCHEMA_LISTS.contains(key) && value.isArray() || key.equals("items") && value.isArray()) {
                replacement = list(value, output);
            } else if (SCHEMA_VALUES.contains(key) || BOOLEAN_VALUED.contains(key) && !value.isBoolean()) {
                replacement = served(value, output);
            } else {
                replacement = value;
            }
            if (replacement != value && copy == null) {
                copy = copyUpTo(schema, key);
            }
            if (copy != null && replacement != null) {
                copy.set(key, replacement);
            }
        }
        if (output && schema.has("patternProperties") && copy != null) {
            // without its pattern properties, a closed object would refuse what they admitted
            copy.remove("additionalProperties");
        }
        return copy != null ? copy : schema;
    }

    /**
     * {@code enum: []}, which 2020-12 allows, admits nothing, and Ajv refuses to compile it, so a TS client
     * would list no tool. An output schema is served without it (looser than the answer, harmless); an
     * argument's is served and checked as {@code not: {}}, which Ajv compiles and which still admits nothing:
     * an allow-list rendered empty (a template's {@code []}) keeps refusing every value. With a warning.
     */
    private static boolean emptyEnum(String key, JsonNode value) {
        return key.equals("enum") && value.isArray() && value.isEmpty();
    }

    /**
     * A {@code multipleOf} that is not a whole number: the gateway divides exact decimals (1.13 is a
     * multiple of 0.01), Ajv divides floats and finds a remainder, so the TypeScript SDK would refuse
     * answers the gateway passed.
     */
    private static boolean fractionalMultipleOf(String key, JsonNode value) {
        return key.equals("multipleOf") && value.isNumber() && !value.canConvertToExactIntegral();
    }

    private static JsonNode map(JsonNode map, boolean output) {
        ObjectNode copy = null;
        for (Map.Entry<String, JsonNode> entry : map.properties()) {
            JsonNode served = served(entry.getValue(), output);
            if (served != entry.getValue() && copy == null) {
                copy = copyUpTo(map, entry.getKey());
            }
            if (copy != null) {
                copy.set(entry.getKey(), served);
            }
        }
        return copy != null ? copy : map;
    }

    private static JsonNode list(JsonNode list, boolean output) {
        ArrayNode copy = null;
        for (int i = 0; i < list.size(); i++) {
            JsonNode served = served(list.get(i), output);
            if (served != list.get(i) && copy == null) {
                copy = Json.MAPPER.createArrayNode();
                for (int j = 0; j < i; j++) {
                    copy.add(list.get(j));
                }
            }
            if (copy != null) {
                copy.add(served);
            }
        }
        return copy != null ? copy : list;
    }

    /** A new object holding the fields of {@code object} that come before {@code key}. */
    private static ObjectNode copyUpTo(JsonNode object, String key) {
        ObjectNode copy = Json.object();
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            if (field.getKey().equals(key)) {
                break;
            }
            copy.set(field.getKey(), field.getValue());
        }
        return copy;
    }

    /** The schema nothing matches, as an object. */
    /** A schema that admits nothing, keeping what it says to the model. */
    private static ObjectNode nothing(JsonNode schema) {
        ObjectNode nothing = Json.object();
        for (String kept : new String[] {"title", "description"}) {
            if (schema.has(kept)) {
                nothing.set(kept, schema.get(kept));
            }
        }
        nothing.putObject("not");
        return nothing;
    }

    private static ObjectNode never() {
        ObjectNode never = Json.object();
        never.putObject("not");
        return never;
    }
}
