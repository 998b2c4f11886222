package dev.toolgate.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;

import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Properties that travel one way only. OpenAPI says a client must not send a {@code readOnly} property
 * (an {@code id} the API assigns) and the API does not answer with a {@code writeOnly} one (a password),
 * and that {@code required} holds them only in their own direction. Components are converted once for
 * both, so a tool's arguments would offer (and, when required, demand) the {@code id}, and its output
 * schema would demand the password of every answer. Here such properties leave {@code properties} and
 * {@code required} of a schema used in the other direction, except that a closed answer object keeps its
 * writeOnly properties, optional ({@link #closed}). Unchanged parts are shared, not copied.
 */
final class OneWayProperties {

    /** Which way a schema travels, and the flag of the properties that do not. */
    enum Direction {
        /** Arguments: no readOnly properties. */
        REQUEST("readOnly"),
        /** Output schemas: no writeOnly properties. */
        RESPONSE("writeOnly");

        final String excluded;

        Direction(String excluded) {
            this.excluded = excluded;
        }
    }

    private static final String DEFS = "#/$defs/";
    private static final Set<String> SCHEMA_MAPS = Set.of("patternProperties", "dependentSchemas");
    private static final Set<String> SCHEMA_LISTS = Set.of("allOf", "anyOf", "oneOf", "prefixItems");
    /** The lists whose parts describe the same instance as the schema that holds them. */
    private static final Set<String> COMBINED = Set.of("allOf", "anyOf", "oneOf");
    private static final Set<String> SCHEMA_VALUES = Set.of("items", "additionalProperties", "not", "if", "then",
            "else", "contains", "propertyNames", "unevaluatedProperties", "unevaluatedItems", "additionalItems");
    /** How many references and combinators a property's flag is looked for through. */
    private static final int FLAG_DEPTH = 8;

    private final String flag;
    /** Answers only: what an API sends anyway must still fit a closed object ({@link #closed}). */
    private final boolean keepWhereClosed;
    /** A {@code $defs} key to the component's full conversion (a stub says nothing of its flags). */
    private final Function<String, JsonNode> definitions;
    /**
     * Whether a component, reached at a depth, carries the flag. Without it a component whose
     * {@code allOf} references the next a thousand times, four deep, is walked 10^12 times.
     * Components are all converted before any schema is applied, so an answer does not go stale.
     */
    private final Map<Reached, Boolean> flaggedComponents = new HashMap<>();
    /** The properties a component drops, its {@code allOf} parts' included, by {@code $defs} key. */
    private final Map<String, Set<String>> droppedByComponent = new HashMap<>();
    /** What is left of a {@code required} list (by identity) once some names are dropped ({@link #required}). */
    private final Map<JsonNode, Map<Set<String>, JsonNode>> keptRequired = new IdentityHashMap<>();

    private record Reached(String key, int depth) {
    }

    OneWayProperties(Direction direction, Function<String, JsonNode> definitions) {
        this.flag = direction.excluded;
        this.keepWhereClosed = direction == Direction.RESPONSE;
        this.definitions = definitions;
    }

    /** The schema without the properties that do not travel this way: itself when it has none, else a copy. */
    JsonNode apply(JsonNode schema) {
        return apply(schema, Set.of());
    }

    /**
     * @param inherited names the enclosing combined schema dropped: a {@code required} in an {@code allOf}
     *                  part ({@code allOf: [{$ref: Base}, {required: [id, name]}]}) names the properties of
     *                  the whole, so it must not demand one dropped from a sibling part either
     */
    private JsonNode apply(JsonNode schema, Set<String> inherited) {
        if (!schema.isObject()) {
            return schema;
        }
        Set<String> dropped = new HashSet<>(inherited);
        droppedNames(schema, 0, dropped);
        ObjectNode copy = null;
        for (Map.Entry<String, JsonNode> field : schema.properties()) {
            String key = field.getKey();
            JsonNode value = field.getValue();
            JsonNode replacement = value;
            if (key.equals("properties") && value.isObject()) {
                replacement = properties(value, closed(schema));
            } else if (SCHEMA_MAPS.contains(key) && value.isObject()) {
                replacement = map(value);
            } else if (SCHEMA_LISTS.contains(key) && value.isArray()) {
                replacement = list(value, COMBINED.contains(key) ? dropped : Set.of());
            } else if (SCHEMA_VALUES.contains(key) && value.isArray()) {
                replacement = list(value, Set.of());
            } else if (SCHEMA_VALUES.contains(key)) {
                replacement = apply(value);
            } else if (key.equals("required") && value.isArray()) {
                replacement = required(value, dropped);
            } else if (key.equals("dependentRequired") && value.isObject()) {
                replacement = dependentRequired(value, dropped);
            }
            if (replacement != value && copy == null) {
                copy = Json.object();
                copy.setAll((ObjectNode) schema);
            }
            if (copy != null) {
                copy.set(key, replacement);
            }
        }
        return echoedWhereClosed(schema, copy != null ? copy : (ObjectNode) schema);
    }

    /**
     * An answer closed by {@code unevaluatedProperties} keeps, optional, the flagged properties its parts
     * ({@code $ref}, {@code allOf}, {@code anyOf}, {@code oneOf}) drop: they are evaluated there, so left out
     * of a shared component ({@code allOf: [{$ref: User}], unevaluatedProperties: false}) they would turn the
     * echoed password of an answer from allowed into refused. {@link #closed} keeps the object's own ones.
     */
    private JsonNode echoedWhereClosed(JsonNode original, ObjectNode schema) {
        if (!keepWhereClosed || !closing(schema.get("unevaluatedProperties"))) {
            return schema;
        }
        Set<String> echoed = new TreeSet<>();
        JsonNode ref = schema.get("$ref");
        if (ref != null && ref.isTextual() && ref.asText().startsWith(DEFS)) {
            echoed.addAll(componentDroppedNames(ref.asText().substring(DEFS.length()), 1));
        }
        for (String combined : COMBINED) {
            for (JsonNode part : original.path(combined)) {
                droppedNames(part, 1, echoed);
            }
        }
        echoed.removeIf(schema.path("properties")::has);
        if (echoed.isEmpty()) {
            return schema;
        }
        ObjectNode copy = schema == original ? ((ObjectNode) original).deepCopy() : schema;
        ObjectNode properties = copy.get("properties") instanceof ObjectNode own ? own.deepCopy() : Json.object();
        echoed.forEach(name -> properties.putObject(name).put(flag, true));
        copy.set("properties", properties);
        return copy;
    }

    /** {@code dependentRequired} whose lists name no dropped property: itself when none does. */
    private JsonNode dependentRequired(JsonNode dependencies, Set<String> dropped) {
        ObjectNode out = Json.object();
        boolean changed = false;
        for (Map.Entry<String, JsonNode> dependency : dependencies.properties()) {
            JsonNode names = dependency.getValue();
            JsonNode kept = names.isArray() ? required(names, dropped) : names;
            changed |= kept != names;
            out.set(dependency.getKey(), kept);
        }
        return changed ? out : dependencies;
    }

    /**
     * {@code required} without the dropped names: itself when it names none. Made once for each list and
     * names dropped: the copies of a schema share the list, and its length is not what the budget counts.
     */
    private JsonNode required(JsonNode required, Set<String> dropped) {
        if (dropped.isEmpty()) {
            return required;
        }
        return keptRequired.computeIfAbsent(required, r -> new HashMap<>()).computeIfAbsent(Set.copyOf(dropped), d -> {
            ArrayNode kept = Json.MAPPER.createArrayNode();
            required.forEach(name -> {
                if (!dropped.contains(name.asText())) {
                    kept.add(name);
                }
            });
            return kept.size() == required.size() ? required : kept;
        });
    }

    /**
     * Adds the names of the properties this schema drops: its own flagged ones, and those of its {@code allOf}
     * parts (inline or components, whose properties are the combined schema's too).
     */
    private void droppedNames(JsonNode schema, int depth, Set<String> names) {
        if (!schema.isObject() || depth > FLAG_DEPTH) {
            return;
        }
        for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
            if (flagged(property.getValue(), 0)) {
                names.add(property.getKey());
            }
        }
        JsonNode ref = schema.get("$ref");
        if (ref != null && ref.isTextual() && ref.asText().startsWith(DEFS)) {
            names.addAll(componentDroppedNames(ref.asText().substring(DEFS.length()), depth + 1));
        }
        for (JsonNode part : schema.path("allOf")) {
            droppedNames(part, depth + 1, names);
        }
    }

    private Set<String> componentDroppedNames(String key, int depth) {
        Set<String> known = droppedByComponent.get(key);
        if (known == null) {
            // a component reaching itself through allOf adds nothing more the second time
            droppedByComponent.put(key, Set.of());
            Set<String> names = new HashSet<>();
            JsonNode target = definitions.apply(key);
            if (target != null) {
                droppedNames(target, depth, names);
            }
            known = Set.copyOf(names);
            droppedByComponent.put(key, known);
        }
        return known;
    }

    /**
     * Whether an answer's object keeps its writeOnly properties (optional, as {@code required} still drops
     * them): when it is closed ({@code additionalProperties} or {@code unevaluatedProperties} other than
     * {@code true}, or {@code patternProperties} that would judge the name). APIs often echo a writeOnly
     * field; left out of a closed object, it would make the gateway and strict clients refuse the answer.
     */
    private boolean closed(JsonNode schema) {
        return keepWhereClosed && (schema.has("patternProperties")
                || closing(schema.get("additionalProperties")) || closing(schema.get("unevaluatedProperties")));
    }

    private static boolean closing(JsonNode keyword) {
        return keyword != null && !(keyword.isBoolean() && keyword.booleanValue())
                && !(keyword.isObject() && keyword.isEmpty());
    }

    /** {@code properties} without the flagged ones (unless {@code keepFlagged}: optional only), the rest applied. */
    private JsonNode properties(JsonNode properties, boolean keepFlagged) {
        ObjectNode out = Json.object();
        boolean changed = false;
        for (Map.Entry<String, JsonNode> property : properties.properties()) {
            if (!keepFlagged && flagged(property.getValue(), 0)) {
                changed = true;
                continue;
            }
            JsonNode applied = apply(property.getValue());
            changed |= applied != property.getValue();
            out.set(property.getKey(), applied);
        }
        return changed ? out : properties;
    }

    private JsonNode map(JsonNode map) {
        ObjectNode out = Json.object();
        boolean changed = false;
        for (Map.Entry<String, JsonNode> entry : map.properties()) {
            JsonNode applied = apply(entry.getValue());
            changed |= applied != entry.getValue();
            out.set(entry.getKey(), applied);
        }
        return changed ? out : map;
    }

    private JsonNode list(JsonNode list, Set<String> inherited) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        boolean changed = false;
        for (JsonNode item : list) {
            JsonNode applied = apply(item, inherited);
            changed |= applied != item;
            out.add(applied);
        }
        return changed ? out : list;
    }

    /**
     * Whether a property's schema carries the flag: itself, the component it references, an {@code allOf}
     * part (3.0 documents write {@code allOf: [{$ref}]} to describe a reference), or every branch of an
     * {@code anyOf}/{@code oneOf} but a {@code null} one (3.0's {@code nullable} reference becomes that).
     */
    private boolean flagged(JsonNode schema, int depth) {
        if (!schema.isObject() || depth > FLAG_DEPTH) {
            return false;
        }
        JsonNode value = schema.get(flag);
        if (value != null && value.isBoolean()) {
            return value.booleanValue();
        }
        JsonNode ref = schema.get("$ref");
        if (ref != null && ref.isTextual() && ref.asText().startsWith(DEFS)
                && flaggedComponent(ref.asText().substring(DEFS.length()), depth + 1)) {
            return true;
        }
        for (JsonNode part : schema.path("allOf")) {
            if (flagged(part, depth + 1)) {
                return true;
            }
        }
        return everyBranch(schema.path("anyOf"), depth) || everyBranch(schema.path("oneOf"), depth);
    }

    private boolean flaggedComponent(String key, int depth) {
        Reached reached = new Reached(key, depth);
        Boolean known = flaggedComponents.get(reached);
        if (known == null) {
            JsonNode target = definitions.apply(key);
            known = target != null && flagged(target, depth);
            flaggedComponents.put(reached, known);
        }
        return known;
    }

    private boolean everyBranch(JsonNode branches, int depth) {
        boolean any = false;
        for (JsonNode branch : branches) {
            if (branch.path("type").asText("").equals("null")) {
                continue;
            }
            if (!flagged(branch, depth + 1)) {
                return false;
            }
            any = true;
        }
        return any;
    }
}
