package dev.toolgate.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.mode.conversion.ToolSchemas;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
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

    /**
     * Schema objects one conversion (a tool's schema, or one component) may produce. A reference that is
     * not a component is copied in at each use, so a chain of them where each is used twice inside the
     * next doubles at every link: forty links of a few hundred bytes of YAML would be a trillion objects.
     * The largest real documents (GitHub's, Stripe's) stay far below this.
     */
    static final int MAX_SCHEMA_OBJECTS = 100_000;
    /**
     * Schema objects all the conversions of one document may produce together: the per-schema cap
     * alone lets each of a few hundred parameters (fifty bytes each) copy in the same 100,000 objects,
     * gigabytes from a document of kilobytes. GitHub's document, the largest real one, produces
     * 14,000, Stripe's 16,000.
     */
    static final int MAX_DOCUMENT_SCHEMA_OBJECTS = 250_000;
    /**
     * Bytes of {@code $defs} the schemas of one document may carry in all (each schema's own are bounded
     * by its budget, but every parameter may reference the same large component). GitHub's carry 1.6 MB.
     */
    static final long MAX_DOCUMENT_DEFINITION_BYTES = 32L * 1024 * 1024;
    /**
     * Schema levels a conversion may nest, counting the references followed on the way (a component
     * reached from inside another is converted there). A chain of references would otherwise recurse
     * once per link until the stack overflows, and a schema nested deeper than this could not be
     * checked against the meta-schema or serialized (Jackson writes at most 1,000 levels). The real
     * documents nest at most 58 levels (Stripe's).
     */
    static final int MAX_DEPTH = 128;

    private final OpenApiDocument document;
    private final boolean openapi30;
    /** Schema objects produced by the conversion in progress. */
    private int produced;
    /** Schema objects produced by all the conversions of the document so far. */
    private int documentProduced;
    /** Bytes of {@code $defs} the conversions of the document have put in schemas so far. */
    private long documentDefinitions;
    /** Nesting of the conversion in progress, components reached on the way included. */
    private int depth;
    private final Map<String, String> keyByComponent = new HashMap<>();
    private final Map<String, JsonNode> converted = new HashMap<>();
    private final Map<String, Set<String>> dependencies = new HashMap<>();
    private final Map<String, Integer> sizes = new HashMap<>();
    private final Map<String, Integer> stubSizes = new HashMap<>();
    private final Map<String, ObjectNode> stubs = new HashMap<>();
    private final ArrayDeque<String> inlining = new ArrayDeque<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<OneWayProperties.Direction, OneWayProperties> oneWay = new EnumMap<>(OneWayProperties.Direction.class);
    private final Map<OneWayProperties.Direction, Map<String, JsonNode>> oneWayDefinitions =
            new EnumMap<>(OneWayProperties.Direction.class);
    /** Where the schema being converted is (an operation's part): named in notes about its components. */
    private String origin;

    public SchemaConverter(OpenApiDocument document) {
        this.document = document;
        this.openapi30 = document.isOpenApi30();
        for (OneWayProperties.Direction direction : OneWayProperties.Direction.values()) {
            oneWay.put(direction, new OneWayProperties(direction, converted::get));
            oneWayDefinitions.put(direction, new HashMap<>());
        }
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
        produced = 0;
        origin = where;
        JsonNode body = convert(schema, direct, where);
        ObjectNode root = body instanceof ObjectNode o ? o : Json.object();
        // components are checked once each (see component); here, what is this schema's own
        String invalid = ToolSchemas.metaSchemaProblem(root);
        if (invalid != null) {
            throw new Unsupported(where + " " + invalid);
        }
        root = (ObjectNode) oneWay.get(direction).apply(root);
        if (direct.isEmpty()) {
            return root;
        }
        ObjectNode result = root.deepCopy();
        ObjectNode defs = result.putObject("$defs");
        Set<String> seen = new LinkedHashSet<>(direct);
        ArrayDeque<String> pending = new ArrayDeque<>(direct);
        int used = 0;
        Set<String> stubbed = new LinkedHashSet<>();
        while (!pending.isEmpty()) {
            String key = pending.poll();
            int size = size(key);
            if (used + size > budgetBytes) {
                defs.set(key, stub(key));
                stubbed.add(key);
                defined(stubSize(key), where);
                continue;
            }
            used += size;
            defined(size, where);
            defs.set(key, oneWayDefinition(key, direction));
            for (String next : dependencies.getOrDefault(key, Set.of())) {
                if (seen.add(next)) {
                    pending.add(next);
                }
            }
        }
        // a stub under oneOf/not/if would make validation stricter, not looser
        return stubbed.isEmpty() ? result : ShrunkComponents.loosened(result, stubbed);
    }

    /** A component as used in one direction, made once per direction (tools share it). */
    private JsonNode oneWayDefinition(String key, OneWayProperties.Direction direction) {
        return oneWayDefinitions.get(direction).computeIfAbsent(key, k -> oneWay.get(direction).apply(converted.get(k)));
    }

    private int size(String key) {
        return sizes.computeIfAbsent(key, k -> Json.bytes(converted.get(k)).length);
    }

    private int stubSize(String key) {
        return stubSizes.computeIfAbsent(key, k -> Json.bytes(stub(k)).length);
    }

    /**
     * Counts the bytes of one {@code $defs} entry: the entry is shared in memory, but each tool's schema
     * is written out with its own copy, so a large component referenced by many parameters multiplies.
     */
    private void defined(int bytes, String where) {
        documentDefinitions += bytes;
        if (documentDefinitions > MAX_DOCUMENT_DEFINITION_BYTES) {
            throw new OpenApiException(where + ": the document's schemas carry more than "
                    + MAX_DOCUMENT_DEFINITION_BYTES / (1024 * 1024) + " MiB of $defs in all (each tool's schema "
                    + "carries the components it references; a large one referenced in very many places multiplies)");
        }
    }

    /** What stands for a component left out: its type, and a note that says so. */
    private ObjectNode stub(String key) {
        return stubs.computeIfAbsent(key, k -> stubOf(converted.get(k), k + " (not expanded here to keep the tool's "
                + "schema small)"));
    }

    private static ObjectNode stubOf(JsonNode schema, String description) {
        ObjectNode stub = Json.object();
        JsonNode type = schema.get("type");
        if (type != null) {
            stub.set("type", type);
        }
        stub.put("description", description);
        return stub;
    }

    private JsonNode convert(JsonNode node, Set<String> refs, String where) {
        if (node == null || node.isBoolean()) {
            return node;
        }
        if (!node.isObject()) {
            return Json.object();
        }
        if (++depth > MAX_DEPTH) {
            throw new OpenApiException(where + ": the schema nests deeper than " + MAX_DEPTH + " levels, counting "
                    + "the $refs followed on the way (a chain of references, or a schema nested that deep)");
        }
        try {
            return node.has("$ref") ? reference(node, refs, where) : object(node, refs, where);
        } finally {
            depth--;
        }
    }

    /** Counts one schema object built (a reference to a component is one: it stands in the schema). */
    private void count(String where) {
        if (++produced > MAX_SCHEMA_OBJECTS) {
            throw new OpenApiException(where + ": the schema's $refs expand to more than " + MAX_SCHEMA_OBJECTS
                    + " schema objects (references that are not components are copied at each use)");
        }
        if (++documentProduced > MAX_DOCUMENT_SCHEMA_OBJECTS) {
            throw new OpenApiException(where + ": the document's schemas expand to more than "
                    + MAX_DOCUMENT_SCHEMA_OBJECTS + " schema objects in all (references that are not components "
                    + "are copied at each use: make a schema used in many places a component)");
        }
    }

    private JsonNode object(JsonNode node, Set<String> refs, String where) {
        count(where);
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
        bounds(node, out, "exclusiveMinimum", "minimum");
        bounds(node, out, "exclusiveMaximum", "maximum");
        if (node.path("type").asText("").equals("file")) {
            out.put("type", "string");
            out.put("format", "binary");
        }
        dropInvalid(out, where);
        return openapi30 && node.path("nullable").asBoolean(false) ? nullable(out) : out;
    }

    /** Leaves out the keywords whose values JSON Schema does not allow, each with a note. */
    private void dropInvalid(ObjectNode out, String where) {
        List<String> invalid = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : out.properties()) {
            String expected = KeywordValues.expected(field.getKey(), field.getValue());
            if (expected != null) {
                invalid.add(field.getKey());
                notes.add(where + ": a schema's " + field.getKey() + " is " + abridged(field.getValue())
                        + ", but JSON Schema wants " + expected + "; the keyword is left out");
            }
        }
        invalid.forEach(out::remove);
    }

    private static String abridged(JsonNode value) {
        if (KeywordValues.deeperThan(value, 8)) {
            return "a value nested deeper than 8 levels";
        }
        String text = value.toString();
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
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
        JsonNode result;
        if (ref.startsWith(COMPONENTS) && ref.indexOf('/', COMPONENTS.length()) < 0) {
            String key = component(ref.substring(COMPONENTS.length()), where);
            count(where);
            refs.add(key);
            ObjectNode pointer = Json.object();
            pointer.put("$ref", "#/$defs/" + key);
            result = pointer;
        } else {
            JsonNode resolved = document.resolve(ref);
            if (resolved == null) {
                throw new OpenApiException(where + ": $ref '" + ref + "' does not resolve in " + document.shown());
            }
            if (inlining.contains(ref)) {
                return Json.object();
            }
            inlining.push(ref);
            try {
                result = convert(resolved, refs, where);
            } finally {
                inlining.pop();
            }
        }
        result = withSiblings(node, result, refs, where);
        if (node.has("description") && result instanceof ObjectNode o && !o.has("description")) {
            ObjectNode described = o.deepCopy();
            described.set("description", node.get("description"));
            result = described;
        }
        if (!openapi30 || !node.path("nullable").asBoolean(false)) {
            return result;
        }
        if (result instanceof ObjectNode o) {
            return nullable(o);
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
        converted.put(key, Json.object());
        // a component is converted once, on its own count, in the middle of the schema that reached it
        int outer = produced;
        produced = 0;
        String at = "component " + name + " (first used at " + origin + ")";
        JsonNode result;
        try {
            result = convert(schema, refs, at);
        } finally {
            produced = outer;
        }
        String invalid = ToolSchemas.metaSchemaProblem(result);
        if (invalid != null) {
            // what the keyword checks do not catch (a draft-4 list of items, say) must not reach clients
            notes.add(at + " " + invalid + "; it is served as its type only");
            converted.put(key, stubOf(result, name + " (not valid JSON Schema in the document)"));
            refs.clear();
        } else {
            converted.put(key, result);
        }
        dependencies.put(key, refs);
        return key;
    }

    private String uniqueKey(String name) {
        String key = name.replaceAll("[^A-Za-z0-9._-]", "_");
        String candidate = key;
        for (int n = 2; converted.containsKey(candidate); n++) {
            candidate = key + "_" + n;
        }
        return candidate;
    }

    private static void bounds(JsonNode node, ObjectNode out, String exclusive, String inclusive) {
        JsonNode flag = node.get(exclusive);
        if (flag == null) {
            return;
        }
        if (flag.isNumber()) {
            out.set(exclusive, flag);
        } else if (flag.asBoolean(false) && node.has(inclusive)) {
            out.set(exclusive, node.get(inclusive));
            out.remove(inclusive);
        }
    }

    private static ObjectNode nullable(ObjectNode schema) {
        JsonNode type = schema.get("type");
        if (type != null && type.isTextual()) {
            ArrayNode types = Json.MAPPER.createArrayNode().add(type.asText()).add("null");
            ObjectNode copy = schema.deepCopy();
            copy.set("type", types);
            if (copy.get("enum") instanceof ArrayNode values && !containsNull(values)) {
                values.addNull();
            }
            return copy;
        }
        ObjectNode wrapper = Json.object();
        wrapper.putArray("anyOf").add(schema).add(Json.object().set("type", TextNode.valueOf("null")));
        return wrapper;
    }

    private static boolean containsNull(ArrayNode values) {
        for (JsonNode v : values) {
            if (v.isNull()) {
                return true;
            }
        }
        return false;
    }
}
