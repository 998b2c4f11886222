package dev.toolgate.mode.conversion;

import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.regex.RegularExpressionFactory;
import com.networknt.schema.regex.RegularExpressions;
import dev.toolgate.config.BoundedText;

import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The {@code pattern}s of tool schemas, matched with a bound on their work. Schemas come from the
 * operator and from third-party OpenAPI documents, the values from any client (arguments) or upstream
 * (answers checked against an output schema), and Java's regular expressions backtrack: {@code
 * ^(x+x+)+y$} against 5,000 {@code x}s runs for hours, on the event loop that validates the call. The
 * validations of one HTTP request share {@link #STEPS} reads of their values' characters for all their
 * patterns together (each more for a large document, {@link #within}): a 2025-03-26 batch of 100 calls
 * gets one budget, not 100, so one request holds its event loop no longer than about one budget. Past it
 * a validation stops with {@link BoundedText.Exhausted}, which the tool answers as invalid arguments (or a
 * non-matching answer) instead of a stalled loop.
 */
final class BoundedPatterns implements RegularExpressionFactory {

    static final BoundedPatterns INSTANCE = new BoundedPatterns();

    /**
     * Character reads one request's validations may spend in patterns: at most about 0.1 s of one core backtracking.
     * A read costs 4 to 10 ns once compiled (nested character classes such as {@code ^([a-z0-9]+([-_.][a-z0-9]+)*)*$}
     * the most), and two to four times that before the JIT has compiled the pattern's matcher or on a busy machine;
     * 20 million gave 0.3 to 0.55 s a call through the gateway.
     */
    static final long STEPS = 5_000_000;

    private static final ThreadLocal<long[]> LEFT = new ThreadLocal<>();

    private BoundedPatterns() {
    }

    /** A whole budget, for the validations of one request to share. */
    static long[] fresh() {
        return new long[]{STEPS};
    }

    /**
     * Runs one validation paid from {@code shared}, and four reads more per character of the text validated
     * (an answer may be 16 MiB of strings that linear patterns read once or twice): those are the
     * validation's own, what it spends past them is taken from {@code shared}.
     */
    static <T> T within(long[] shared, long textChars, Supplier<T> validation) {
        long allowance = 4 * textChars;
        long[] left = {shared[0] + allowance};
        long[] outer = LEFT.get();
        LEFT.set(left);
        try {
            return validation.get();
        } finally {
            LEFT.set(outer);
            shared[0] = Math.min(shared[0], Math.max(0, left[0] - allowance));
        }
    }

    @Override
    public RegularExpression getRegularExpression(String regex) {
        // as the library's JDK engine compiles it: $ anchors and \p{...} long forms as ECMA-262 reads them
        Pattern pattern = Pattern.compile(RegularExpressions.replaceLongformCharacterProperties(
                RegularExpressions.replaceDollarAnchors(regex)));
        return value -> pattern.matcher(new BoundedText(value, budget())).find();
    }

    private static long[] budget() {
        long[] left = LEFT.get();
        // outside a validation (never on the call path): a budget for this one match
        return left != null ? left : new long[]{STEPS};
    }
}
