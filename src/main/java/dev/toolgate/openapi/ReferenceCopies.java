package dev.toolgate.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.mode.conversion.ToolSchemas;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The copies {@link SchemaConverter} makes of references that are not components (each use gets its
 * own), and the meta-schema check of the schemas that hold them, each copy's content checked once. The
 * validator costs about 5 µs and 7 KB per schema object, several times what building it does: 500
 * parameters that each copy in the same 65,535 objects spent 1.8 GB and seconds there before the
 * document's budget refused them (30 s on a loaded machine, past the Admin API's wait). A copy equal to one found valid on its own is left out of the schemas
 * checked after it (as {@code true}): the 2020-12 meta-schema checks each subschema on its own, with
 * nothing that looks across levels, so a valid subschema adds no error wherever it stands, and the
 * verdict and messages stay those of checking the whole schema. A copy never found valid stays in.
 */
final class ReferenceCopies {

    /** Where 2020-12 takes a map of schemas, a list of schemas, or a schema (the converter's places, but
     * {@code additionalItems}, which 2020-12 does not know and so never checks). */
    private static final Set<String> SCHEMA_MAPS = Set.of("properties", "patternProperties", "dependentSchemas", "$defs");
    private static final Set<String> SCHEMA_LISTS = Set.of("allOf", "anyOf", "oneOf", "prefixItems");
    private static final Set<String> SCHEMA_VALUES = Set.of("items", "additionalProperties", "not", "if", "then",
            "else", "contains", "propertyNames", "unevaluatedProperties", "unevaluatedItems");

    /** The reference (the document's {@code {$ref: ...}} object) each copy was made for. */
    private final Map<JsonNode, JsonNode> referenceOfCopy = new IdentityHashMap<>();
    /** A copy of the reference found valid on its own, and one found invalid (the first of each). */
    private final Map<JsonNode, JsonNode> valid = new IdentityHashMap<>();
    private final Map<JsonNode, JsonNode> invalid = new IdentityHashMap<>();

    /** What a subschema becomes in the schema checked: itself, or {@code true} when known valid. */
    private record Checked(JsonNode node, boolean invalid) {
    }

    /** Notes that {@code copy} is what the converter made of {@code reference} at one use; returns it. */
    JsonNode copied(JsonNode reference, JsonNode copy) {
        if (copy instanceof ObjectNode) {
            referenceOfCopy.put(copy, reference);
        }
        return copy;
    }

    /** Where a converted schema breaks the 2020-12 meta-schema, as {@link ToolSchemas#metaSchemaProblem}; null if nowhere. */
    String metaSchemaProblem(JsonNode schema) {
        JsonNode reference = referenceOfCopy.get(schema);
        if (reference != null && known(valid, reference, schema)) {
            return null;
        }
        Checked checked = check(schema, false);
        String problem = ToolSchemas.metaSchemaProblem(checked.node());
        if (reference != null) {
            (problem == null ? valid : invalid).putIfAbsent(reference, schema);
        }
        return problem;
    }

    /**
     * The schema with the copies known valid in it left out, checking on its own each copy that equals
     * none known either way ({@code own}: not the schema itself, which its caller checks). A copy holding one
     * known invalid is invalid too and is not checked: each object is checked at most twice (in its
     * nearest copy's own check, and, when that fails, in the whole schema's).
     */
    private Checked check(JsonNode node, boolean own) {
        if (!(node instanceof ObjectNode object)) {
            return new Checked(node, false);
        }
        JsonNode reference = referenceOfCopy.get(node);
        if (own && reference != null && known(valid, reference, node)) {
            return new Checked(BooleanNode.TRUE, false);
        }
        ObjectNode copy = null;
        // an invalid copy is still checked through: what is valid in it is left out of the whole schema's check
        boolean holdsInvalid = own && reference != null && known(invalid, reference, node);
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            String key = field.getKey();
            JsonNode value = field.getValue();
            JsonNode replaced = value;
            if (SCHEMA_MAPS.contains(key) && value instanceof ObjectNode map) {
                ObjectNode checkedMap = null;
                for (Map.Entry<String, JsonNode> entry : map.properties()) {
                    Checked inner = check(entry.getValue(), true);
                    holdsInvalid |= inner.invalid();
                    if (inner.node() != entry.getValue()) {
                        checkedMap = checkedMap != null ? checkedMap : shallowCopy(map);
                        checkedMap.set(entry.getKey(), inner.node());
                    }
                }
                replaced = checkedMap != null ? checkedMap : value;
            } else if (SCHEMA_LISTS.contains(key) && value instanceof ArrayNode list) {
                ArrayNode checkedList = null;
                for (int i = 0; i < list.size(); i++) {
                    Checked inner = check(list.get(i), true);
                    holdsInvalid |= inner.invalid();
                    if (inner.node() != list.get(i)) {
                        checkedList = checkedList != null ? checkedList : Json.MAPPER.createArrayNode().addAll(list);
                        checkedList.set(i, inner.node());
                    }
                }
                replaced = checkedList != null ? checkedList : value;
            } else if (SCHEMA_VALUES.contains(key) && value instanceof ObjectNode) {
                Checked inner = check(value, true);
                holdsInvalid |= inner.invalid();
                replaced = inner.node();
            }
            if (replaced != value) {
                copy = copy != null ? copy : shallowCopy(object);
                copy.set(key, replaced);
            }
        }
        JsonNode result = copy != null ? copy : node;
        if (!own || reference == null) {
            return new Checked(result, holdsInvalid);
        }
        if (!holdsInvalid && ToolSchemas.metaSchemaProblem(result) == null) {
            valid.putIfAbsent(reference, node);
            return new Checked(BooleanNode.TRUE, false);
        }
        // an invalid subschema makes every schema holding it invalid: those need no check of their own
        invalid.putIfAbsent(reference, node);
        return new Checked(result, true);
    }

    /** Whether a copy of the reference with this content was found valid (or invalid) already. */
    private static boolean known(Map<JsonNode, JsonNode> verdicts, JsonNode reference, JsonNode copy) {
        JsonNode earlier = verdicts.get(reference);
        return earlier != null && (earlier == copy || earlier.equals(copy));
    }

    private static ObjectNode shallowCopy(ObjectNode object) {
        ObjectNode copy = Json.object();
        copy.setAll(object);
        return copy;
    }
}
