package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mode.ParameterSpec;

import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * How argument numbers become text, and the bounds that keep that text small. A number is sent as the
 * client wrote it ({@code 1.50}, {@code 2.5E+300}), or as plain digits when it is a whole number that
 * fits in 64 bits ({@code 2e1} is sent as {@code 20}, as an integer parameter needs). Never as the plain
 * form of a large exponent: {@code 1e999999999} would be a billion digits, written from 11 bytes.
 *
 * <p>Checked before the schema validator sees the arguments (its {@code multipleOf} would expand such a
 * number too): every number's written and plain forms stay within {@link #MAX_CHARS}, and an argument
 * of an {@code integer} parameter is within the 64-bit range.
 */
final class ArgumentNumbers {

    /** The longest written or plain form of a number; every double fits (1.8E+308 is 309 digits plain). */
    static final int MAX_CHARS = 400;

    private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private ArgumentNumbers() {
    }

    /** The number as text for a URL, header, cookie or form field. */
    static String written(JsonNode number) {
        if (number.isIntegralNumber()) {
            return number.bigIntegerValue().toString();
        }
        BigDecimal value = number.decimalValue();
        Long whole = asLong(value);
        return whole != null ? Long.toString(whole) : value.toString();
    }

    /**
     * What is wrong with the numbers of a call's arguments, or null when nothing is.
     *
     * @param parameters the tool's parameters (their {@code integer} schemas are checked for range)
     * @param arguments  every argument, the {@code body} included
     */
    static String problem(List<ParameterSpec> parameters, ObjectNode arguments) {
        String tooLong = firstTooLong(arguments);
        if (tooLong != null) {
            return tooLong;
        }
        for (ParameterSpec p : parameters) {
            JsonNode value = arguments.get(p.argument());
            if (value != null && isInteger(p.schema(), value) && outOfRange(value)) {
                return p.argument() + ": " + shortText(value) + " is outside the 64-bit integer range";
            }
        }
        return null;
    }

    private static String firstTooLong(JsonNode root) {
        Deque<JsonNode> pending = new ArrayDeque<>();
        pending.push(root);
        while (!pending.isEmpty()) {
            JsonNode node = pending.pop();
            if (node.isContainerNode()) {
                node.forEach(pending::push);
            } else if (node.isNumber() && !fits(node)) {
                return "the number " + shortText(node) + " is too long: numbers may have at most " + MAX_CHARS
                        + " digits, written out in full";
            }
        }
        return null;
    }

    private static boolean fits(JsonNode number) {
        if (number.isIntegralNumber()) {
            return number.bigIntegerValue().bitLength() < MAX_CHARS * 3;
        }
        BigDecimal value = number.decimalValue();
        return plainLength(value) <= MAX_CHARS && value.precision() <= MAX_CHARS;
    }

    /** The length of {@code toPlainString()}, computed without building it. */
    static long plainLength(BigDecimal value) {
        long digits = value.precision();
        long scale = value.scale();
        long sign = value.signum() < 0 ? 1 : 0;
        if (scale <= 0) {
            return sign + digits - scale;
        }
        return sign + (scale >= digits ? scale + 2 : digits + 1);
    }

    private static boolean isInteger(JsonNode schema, JsonNode value) {
        JsonNode type = value.isArray() ? schema.path("items").path("type") : schema.path("type");
        if (type.isTextual()) {
            return type.asText().equals("integer");
        }
        for (JsonNode t : type) {
            if (t.asText().equals("integer")) {
                return true;
            }
        }
        return false;
    }

    private static boolean outOfRange(JsonNode value) {
        if (value.isArray()) {
            for (JsonNode item : value) {
                if (outOfRange(item)) {
                    return true;
                }
            }
            return false;
        }
        return value.isNumber() && asLong(value.decimalValue()) == null
                && value.decimalValue().stripTrailingZeros().scale() <= 0;
    }

    /** The value as a long when it is a whole number within the 64-bit range; null otherwise. Cheap for any exponent. */
    private static Long asLong(BigDecimal value) {
        if (value.compareTo(LONG_MIN) < 0 || value.compareTo(LONG_MAX) > 0) {
            return null;
        }
        try {
            return value.longValueExact();
        } catch (ArithmeticException e) {
            return null;
        }
    }

    private static String shortText(JsonNode number) {
        String text = number.isArray() ? "an item" : number.isIntegralNumber() ? number.bigIntegerValue().toString()
                : number.decimalValue().toString();
        return text.length() > 40 ? text.substring(0, 20) + "…" + text.substring(text.length() - 10) : text;
    }
}
