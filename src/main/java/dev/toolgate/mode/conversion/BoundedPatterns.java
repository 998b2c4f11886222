package dev.toolgate.mode.conversion;

import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.regex.RegularExpressionFactory;
import com.networknt.schema.regex.RegularExpressions;

import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The {@code pattern}s of tool schemas, matched with a bound on their work. Schemas come from the
 * operator and from third-party OpenAPI documents, the values from any client (arguments) or upstream
 * (answers checked against an output schema), and Java's regular expressions backtrack: {@code
 * ^(x+x+)+y$} against 5,000 {@code x}s runs for hours, on the event loop that validates the call. Each
 * validation gets {@link #STEPS} reads of its values' characters for all its patterns together (more
 * for a large document, {@link #within}); past
 * that it stops with {@link TooCostly}, which the tool answers as invalid arguments (or a non-matching
 * answer) instead of a stalled loop. Linear patterns on values up to the body limit stay far below it.
 */
final class BoundedPatterns implements RegularExpressionFactory {

    static final BoundedPatterns INSTANCE = new BoundedPatterns();

    /** Character reads one validation may spend in patterns: tens of milliseconds of backtracking. */
    static final long STEPS = 20_000_000;

    /** A validation's patterns spent their budget. */
    static final class TooCostly extends RuntimeException {
        TooCostly() {
            super("a value took too long to match a pattern of the schema; send a shorter one", null, false, false);
        }
    }

    private static final ThreadLocal<long[]> LEFT = new ThreadLocal<>();

    private BoundedPatterns() {
    }

    /**
     * Runs one validation with a fresh budget: {@link #STEPS}, and four reads more per character of the
     * text validated (an answer may be 16 MiB of strings that linear patterns read once or twice).
     */
    static <T> T within(long textChars, Supplier<T> validation) {
        long[] outer = LEFT.get();
        LEFT.set(new long[]{STEPS + 4 * textChars});
        try {
            return validation.get();
        } finally {
            LEFT.set(outer);
        }
    }

    @Override
    public RegularExpression getRegularExpression(String regex) {
        // as the library's JDK engine compiles it: $ anchors and \p{...} long forms as ECMA-262 reads them
        Pattern pattern = Pattern.compile(RegularExpressions.replaceLongformCharacterProperties(
                RegularExpressions.replaceDollarAnchors(regex)));
        return value -> pattern.matcher(new Counted(value, budget())).find();
    }

    private static long[] budget() {
        long[] left = LEFT.get();
        // outside a validation (never on the call path): a budget for this one match
        return left != null ? left : new long[]{STEPS};
    }

    /** A value whose every character read is paid from the validation's budget. */
    private record Counted(String value, long[] left) implements CharSequence {

        @Override
        public char charAt(int index) {
            if (--left[0] < 0) {
                throw new TooCostly();
            }
            return value.charAt(index);
        }

        @Override
        public int length() {
            return value.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Counted(value.substring(start, end), left);
        }

        @Override
        public String toString() {
            return value;
        }
    }
}
