package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaContext;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.keyword.BaseKeywordValidator;
import com.networknt.schema.keyword.Keyword;
import com.networknt.schema.keyword.KeywordType;
import com.networknt.schema.keyword.KeywordValidator;
import com.networknt.schema.path.NodePath;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The {@code uniqueItems} keyword, in place of the validator's own. That one puts the items in a
 * {@code HashSet<JsonNode>}: items a client (or an upstream answer) picks to share a hash code ({@code Aa}/{@code BB}
 * strings, longs {@code (k<<32)|k}) all land in one bin that, JsonNode not being comparable, is searched item by item,
 * so 25,000 of them (0.9 MB) took seconds on the event loop. Here the items are sorted by a total order of JSON values
 * ({@link Order}), so a check costs n log n comparisons whatever the items are. Items are equal as JSON Schema says:
 * numbers by value (1 and 1.0 are one number), objects whatever the order of their keys. A repeated item is reported
 * as the validator reported it (one error per item equal to an earlier one, its message and location).
 */
final class UniqueItems implements Keyword {

    static final UniqueItems KEYWORD = new UniqueItems();

    private UniqueItems() {
    }

    @Override
    public String getValue() {
        return KeywordType.UNIQUE_ITEMS.getValue();
    }

    @Override
    public KeywordValidator newValidator(SchemaLocation location, JsonNode schemaNode, Schema parent, SchemaContext context) {
        return new Check(location, schemaNode, parent, context);
    }

    /** The check of one {@code uniqueItems}: only {@code true} asks for anything, and only of arrays. */
    private static final class Check extends BaseKeywordValidator {

        private final boolean unique;

        Check(SchemaLocation location, JsonNode schemaNode, Schema parent, SchemaContext context) {
            // the validator's own keyword, so errors carry its name and message
            super(KeywordType.UNIQUE_ITEMS, schemaNode, location, parent, context);
            this.unique = schemaNode.isBoolean() && schemaNode.booleanValue();
        }

        @Override
        public void validate(ExecutionContext context, JsonNode node, JsonNode root, NodePath at) {
            if (!unique || !node.isArray() || node.size() < 2) {
                return;
            }
            for (int i = repeats(node); i > 0; i--) {
                context.addError(error().instanceNode(node).instanceLocation(at)
                        .evaluationPath(context.getEvaluationPath())
                        .locale(context.getExecutionConfig().getLocale()).build());
            }
        }
    }

    /** How many items of the array equal an earlier one. */
    static int repeats(JsonNode array) {
        JsonNode[] items = new JsonNode[array.size()];
        for (int i = 0; i < items.length; i++) {
            items[i] = array.get(i);
        }
        Order order = new Order();
        Arrays.sort(items, order);
        int repeats = 0;
        for (int i = 1; i < items.length; i++) {
            if (order.compare(items[i], items[i - 1]) == 0) {
                repeats++;
            }
        }
        return repeats;
    }

    /**
     * A total order of JSON values that is 0 exactly for values JSON Schema calls equal: by kind, then numbers by
     * value, strings by their characters, arrays and objects by size and then member by member (objects' members
     * in key order). It stops at the first difference, so sorting an array's items costs about the items' size times
     * log n, however deep they nest (writing each item out whole would cost its size at every level of a nested
     * {@code uniqueItems}). Each object's keys are sorted once per array checked, not at each comparison. The caller
     * has bounded the nesting ({@link CompiledSchema#MAX_DEPTH}).
     */
    static final class Order implements Comparator<JsonNode> {

        private final Map<JsonNode, String[]> sortedKeys = new IdentityHashMap<>();

        @Override
        public int compare(JsonNode a, JsonNode b) {
            int kind = Integer.compare(kind(a), kind(b));
            if (kind != 0) {
                return kind;
            }
            return switch (a.getNodeType()) {
                case BOOLEAN -> Boolean.compare(a.booleanValue(), b.booleanValue());
                case NUMBER -> compareNumbers(a, b);
                case STRING -> a.textValue().compareTo(b.textValue());
                case ARRAY -> compareArrays(a, b);
                case OBJECT -> compareObjects(a, b);
                case NULL -> 0;
                // what JSON cannot carry (binary, POJO, missing): by text
                default -> a.asText().compareTo(b.asText());
            };
        }

        private int compareArrays(JsonNode a, JsonNode b) {
            int order = Integer.compare(a.size(), b.size());
            for (int i = 0; order == 0 && i < a.size(); i++) {
                order = compare(a.get(i), b.get(i));
            }
            return order;
        }

        private int compareObjects(JsonNode a, JsonNode b) {
            int order = Integer.compare(a.size(), b.size());
            if (order != 0) {
                return order;
            }
            String[] keys = keys(a);
            String[] otherKeys = keys(b);
            for (int i = 0; order == 0 && i < keys.length; i++) {
                order = keys[i].compareTo(otherKeys[i]);
            }
            for (int i = 0; order == 0 && i < keys.length; i++) {
                order = compare(a.get(keys[i]), b.get(keys[i]));
            }
            return order;
        }

        private String[] keys(JsonNode object) {
            return sortedKeys.computeIfAbsent(object, o -> {
                String[] keys = new String[o.size()];
                Iterator<String> names = o.fieldNames();
                for (int i = 0; i < keys.length; i++) {
                    keys[i] = names.next();
                }
                Arrays.sort(keys);
                return keys;
            });
        }
    }

    private static int kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case NULL -> 0;
            case BOOLEAN -> 1;
            case NUMBER -> 2;
            case STRING -> 3;
            case ARRAY -> 4;
            case OBJECT -> 5;
            default -> 6;
        };
    }

    /** By value: 1, 1.0 and 1e0 are one number. */
    private static int compareNumbers(JsonNode a, JsonNode b) {
        if (a.isIntegralNumber() && b.isIntegralNumber() && a.canConvertToLong() && b.canConvertToLong()) {
            return Long.compare(a.longValue(), b.longValue());
        }
        if (!finite(a) || !finite(b)) {
            return Double.compare(a.doubleValue(), b.doubleValue());
        }
        // compareTo weighs the magnitudes before it scales either, so 1e999999999 against 1 costs nothing
        return decimal(a).compareTo(decimal(b));
    }

    private static boolean finite(JsonNode number) {
        return number.isIntegralNumber() || number.isBigDecimal() || Double.isFinite(number.doubleValue());
    }

    private static BigDecimal decimal(JsonNode number) {
        if (number.isIntegralNumber()) {
            return number.canConvertToLong() ? BigDecimal.valueOf(number.longValue()) : new BigDecimal(number.bigIntegerValue());
        }
        return number.isBigDecimal() ? number.decimalValue() : BigDecimal.valueOf(number.doubleValue());
    }
}
