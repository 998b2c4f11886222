package dev.toolgate.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns OpenAPI schemas into self-contained JSON Schema 2020-12: a component reference becomes
 * {@code #/$defs/Name} and the schema carries {@code $defs} for every component it reaches, so a
 * recursive schema stays finite. OpenAPI 3.0's {@code nullable} becomes a {@code "null"} type,
 * boolean {@code exclusiveMinimum}/{@code exclusiveMaximum} become numbers, and keywords that are not
 * JSON Schema (examples, xml, discriminator, extensions) are dropped, and so is a kept keyword whose
 * value JSON Schema does not allow ({@link KeywordValues}), with a note. Each component is converted
 * once per document.
 */
public final class SchemaConverter {

    private static final String COMPONENTS = "#/components/schemas/";
    private static final Set<String> SCHEMA_MAPS = Set.of("properties", "patternProperties", "dependentSchemas", "$defs");
    private static final Set<String> SCHEMA_LISTS = Set.of("allOf", "anyOf", "oneOf", "prefixItems");
    private static final Set<String> SCHEMA_VALUES = Set.of("items", "additionalProperties", "not", "if", "then",
            "else", "contains", "propertyNames", "unevaluatedProperties", "unevaluatedItems", "additionalItems");
    private static final Set<String> KEPT = Set.of("type", "title", "description", "format", "enum", "const",
            "default", "required", "minimum", "maximum", "multipleOf", "minLength", "maxLength", "pattern",
            "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties", "readOnly", "writeOnly",
            "deprecated", "contentEncoding", "contentMediaType", "minContains", "maxContains", "dependentRequired");

    private final OpenApiDocument document;
    private final boolean openapi30;
    private final ExpansionBudget budget = new ExpansionBudget();
    private final ComponentDefinitions components = new ComponentDefinitions(budget);
    private final ReferenceCopies copies = new ReferenceCopies();
    private final KeywordValues keywordValues = new KeywordValues();
    private final OpenApi30Keywords openApi30Keywords = new OpenApi30Keywords();
    private final Map<String, String> keyByComponent = new HashMap<>();
    private final ArrayDeque<String> inlining = new ArrayDeque<>();
    private final List<String> notes = new ArrayList<>();
    /** Where the schema being converted is (an operation's part): named in notes about its components. */
    private String origin;

    public SchemaConverter(OpenApiDocument document) {
        this.document = document;
        this.openapi30 = document.isOpenApi30();
    }

    /** What the conversions so far left out of the document's schemas, and why (one note per place). */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    /**
     * A converted schema with {@code $defs} for the components it references. The definitions are
     * taken nearest first until they fill {@code budgetBytes}; components past the budget are defined
     * by a stub (their type and a note), so references still resolve, validation only gets looser, and
     * a densely linked API (Stripe's objects reach nearly every other) does not put megabytes in one tool.
     *
     * @param where where the schema is, for messages about references that do not resolve
     * @param direction whether the schema is sent or answered: the properties that only go the other way
     *                  ({@link OneWayProperties}) are left out
     */
    ObjectNode selfContained(JsonNode schema, String where, int budgetBytes, OneWayProperties.Direction direction) {
        Set<String> direct = new LinkedHashSet<>();
        budget.startConversion();
        origin = where;
        JsonNode body = convert(schema, direct, where);
        ObjectNode root = body instanceof ObjectNode o ? o : Json.object();
        // components are checked once each (see component); here, what is this schema's own
        String invalid = copies.metaSchemaProblem(root);
        if (invalid != null) {
            throw new Unsupported(where + " " + invalid);
        }
        root = (ObjectNode) components.oneWay(root, direction);
        return direct.isEmpty() ? root : components.carried(root, direct, where, budgetBytes, direction);
    }

    private JsonNode convert(JsonNode node, Set<String> refs, String where) {
        if (node == null || node.isBoolean()) {
            return node;
        }
        if (!node.isObject()) {
            return Json.object();
        }
        budget.enter(where);
        try {
            return node.has("$ref") ? reference(node, refs, where) : object(node, refs, where);
        } finally {
            budget.leave();
        }
    }

    private JsonNode object(JsonNode node, Set<String> refs, String where) {
        budget.count(where);
        ObjectNode out = Json.object();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (SCHEMA_MAPS.contains(key) && value.isObject()) {
                ObjectNode map = out.putObject(key);
                value.properties().forEach(e -> map.set(e.getKey(), convert(e.getValue(), refs, where)));
            } else if (SCHEMA_LISTS.contains(key) && value.isArray()) {
                ArrayNode list = out.putArray(key);
                value.forEach(item -> list.add(convert(item, refs, where)));
            } else if (SCHEMA_VALUES.contains(key)) {
                out.set(key, value.isArray() ? convertAll(value, refs, where) : convert(value, refs, where));
            } else if (KEPT.contains(key)) {
                out.set(key, value);
            }
        }
        OpenApi30Keywords.bounds(node, out, "exclusiveMinimum", "minimum");
        OpenApi30Keywords.bounds(node, out, "exclusiveMaximum", "maximum");
        if (node.path("type").asText("").equals("file")) {
            out.put("type", "string");
            out.put("format", "binary");
        }
        keywordValues.dropInvalid(out, where, notes);
        return openapi30 && node.path("nullable").asBoolean(false) ? openApi30Keywords.nullable(out) : out;
    }

    private ArrayNode convertAll(JsonNode array, Set<String> refs, String where) {
        ArrayNode list = Json.MAPPER.createArrayNode();
        array.forEach(item -> list.add(convert(item, refs, where)));
        return list;
    }

    private JsonNode reference(JsonNode node, Set<String> refs, String where) {
        JsonNode target = node.get("$ref");
        String ref = target.isTextual() ? target.asText() : null;
        if (ref == null || ref.isBlank()) {
            throw new OpenApiException(where + ": $ref is empty" + (document.location().endsWith(".json") ? ""
                    : " (in YAML an unquoted # starts a comment: write $ref: '#/components/...')"));
        }
        if (ref.startsWith(COMPONENTS) && ref.indexOf('/', COMPONENTS.length()) < 0) {
            String key = component(ref.substring(COMPONENTS.length()), where);
            budget.count(where);
            refs.add(key);
            ObjectNode pointer = Json.object();
            pointer.put("$ref", "#/$defs/" + key);
            return annotated(node, pointer, refs, where);
        }
        JsonNode resolved = document.resolve(ref);
        if (resolved == null) {
            throw new OpenApiException(where + ": $ref '" + ref + "' does not resolve in " + document.shown());
        }
        if (inlining.contains(ref)) {
            return Json.object();
        }
        JsonNode result;
        inlining.push(ref);
        try {
            result = convert(resolved, refs, where);
        } finally {
            inlining.pop();
        }
        return copies.copied(node, annotated(node, result, refs, where));
    }

    /** The referenced schema with what is written beside the reference applied. */
    private JsonNode annotated(JsonNode node, JsonNode referenced, Set<String> refs, String where) {
        JsonNode result = withSiblings(node, referenced, refs, where);
        if (node.has("description") && result instanceof ObjectNode o && !o.has("description")) {
            ObjectNode described = o.deepCopy();
            described.set("description", node.get("description"));
            result = described;
        }
        if (!openapi30 || !node.path("nullable").asBoolean(false)) {
            return result;
        }
        if (result instanceof ObjectNode o) {
            return openApi30Keywords.nullable(o);
        }
        // a reference into a boolean schema (an additionalProperties: true): true already admits null
        return result.asBoolean() ? result : Json.object().put("type", "null");
    }

    /**
     * A reference with the keywords written beside it. In OpenAPI 3.1 (JSON Schema 2020-12) they apply
     * with the referenced schema: {@code {$ref: Pet, required: [name]}} requires the name too, and
     * {@code {$ref: Stamp, readOnly: true}} is a property no client sends. OpenAPI 3.0 ignores them
     * (its description and {@code nullable} aside, which this converter honours as written elsewhere).
     */
    private JsonNode withSiblings(JsonNode node, JsonNode result, Set<String> refs, String where) {
        if (openapi30 || node.size() == 1) {
            return result;
        }
        ObjectNode siblings = ((ObjectNode) node).deepCopy();
        siblings.remove("$ref");
        JsonNode applied = object(siblings, refs, where);
        if (applied.isEmpty() || applied.size() == 1 && applied.has("description")) {
            return result;
        }
        ObjectNode combined = Json.object();
        if (result instanceof ObjectNode pointer && pointer.size() == 1 && pointer.has("$ref")) {
            // a component: 2020-12 evaluates $ref beside the other keywords, as written
            combined.setAll(pointer);
            combined.setAll((ObjectNode) applied);
            return combined;
        }
        // a copy in place: its keywords may clash with the siblings', so it becomes one more allOf part
        combined.setAll((ObjectNode) applied);
        ArrayNode parts = combined.get("allOf") instanceof ArrayNode own ? own.deepCopy() : combined.putArray("allOf");
        parts.add(result);
        combined.set("allOf", parts);
        return combined;
    }

    /** The {@code $defs} key of a component, converting it the first time it is reached. */
    private String component(String name, String where) {
        String known = keyByComponent.get(name);
        if (known != null) {
            return known;
        }
        JsonNode schema = document.resolve(COMPONENTS + name);
        if (schema == null) {
            throw new OpenApiException(where + ": $ref '" + COMPONENTS + name + "' does not resolve in "
                    + document.shown());
        }
        String key = uniqueKey(name);
        keyByComponent.put(name, key);
        Set<String> refs = new LinkedHashSet<>();
        components.reserve(key);
        // a component is converted once, on its own count, in the middle of the schema that reached it
        int outer = budget.suspend();
        String at = "component " + name + " (first used at " + origin + ")";
        JsonNode result;
        try {
            result = convert(schema, refs, at);
        } finally {
            budget.resume(outer);
        }
        String invalid = copies.metaSchemaProblem(result);
        if (invalid != null) {
            // what the keyword checks do not catch (a draft-4 list of items, say) must not reach clients
            notes.add(at + " " + invalid + "; it is served as its type only");
            refs.clear();
            components.define(key, ComponentDefinitions.stubOf(result, name + " (not valid JSON Schema in the document)"),
                    refs);
        } else {
            components.define(key, result, refs);
        }
        return key;
    }

    private String uniqueKey(String name) {
        String key = name.replaceAll("[^A-Za-z0-9._-]", "_");
        String candidate = key;
        for (int n = 2; components.has(candidate); n++) {
            candidate = key + "_" + n;
        }
        return candidate;
    }

    /** The document's bounds, which the tools built of these schemas are counted against too. */
    ExpansionBudget budget() {
        return budget;
    }
}
