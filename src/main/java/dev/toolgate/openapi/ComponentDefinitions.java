package dev.toolgate.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;

import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The components of one document as converted (once each, under their {@code $defs} key), and the
 * {@code $defs} a schema carries of them. The definitions are taken nearest first until they fill a
 * byte budget; components past it are defined by a stub (their type and a note), so references still
 * resolve, validation only gets looser, and a densely linked API (Stripe's objects reach nearly every
 * other) does not put megabytes in one tool. Apart from {@link SchemaConverter} because choosing what a
 * schema carries is separate from converting it, and works only on what conversion has stored here.
 */
final class ComponentDefinitions {

    private final ExpansionBudget budget;
    private final Map<String, JsonNode> converted = new HashMap<>();
    private final Map<String, Set<String>> dependencies = new HashMap<>();
    private final Map<String, Integer> sizes = new HashMap<>();
    private final Map<String, Integer> stubSizes = new HashMap<>();
    private final Map<String, ObjectNode> stubs = new HashMap<>();
    private final Map<OneWayProperties.Direction, OneWayProperties> oneWay = new EnumMap<>(OneWayProperties.Direction.class);
    private final Map<OneWayProperties.Direction, Map<String, JsonNode>> oneWayDefinitions =
            new EnumMap<>(OneWayProperties.Direction.class);

    ComponentDefinitions(ExpansionBudget budget) {
        this.budget = budget;
        for (OneWayProperties.Direction direction : OneWayProperties.Direction.values()) {
            oneWay.put(direction, new OneWayProperties(direction, converted::get));
            oneWayDefinitions.put(direction, new HashMap<>());
        }
    }

    /** Whether a component has this key already (converted, or being converted). */
    boolean has(String key) {
        return converted.containsKey(key);
    }

    /** Holds the key while the component converts, so a reference back to it finds it taken. */
    void reserve(String key) {
        converted.put(key, Json.object());
    }

    /** The converted component, and the components it references in turn. */
    void define(String key, JsonNode schema, Set<String> references) {
        converted.put(key, schema);
        dependencies.put(key, references);
    }

    /** The schema without the properties that only go the other way ({@link OneWayProperties}). */
    JsonNode oneWay(JsonNode schema, OneWayProperties.Direction direction) {
        return oneWay.get(direction).apply(schema);
    }

    /**
     * The schema with {@code $defs} for the components it references ({@code direct}) and those they
     * reach, nearest first, stubs past {@code budgetBytes}.
     */
    ObjectNode carried(ObjectNode root, Set<String> direct, String where, int budgetBytes,
                       OneWayProperties.Direction direction) {
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
                budget.defined(stubSize(key), where);
                continue;
            }
            used += size;
            budget.defined(size, where);
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

    /** What stands for a component left out: its type, and a note that says so. */
    private ObjectNode stub(String key) {
        return stubs.computeIfAbsent(key, k -> stubOf(converted.get(k), k + " (not expanded here to keep the tool's "
                + "schema small)"));
    }

    /** A schema's type alone, with a description saying why the rest is not there. */
    static ObjectNode stubOf(JsonNode schema, String description) {
        ObjectNode stub = Json.object();
        JsonNode type = schema.get("type");
        if (type != null) {
            stub.set("type", type);
        }
        stub.put("description", description);
        return stub;
    }
}
