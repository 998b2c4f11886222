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
 * ^(x+x+)+y$} against 5,000 {@code x}s runs for hours, on the event loop that validates the call. Each
 * validation gets {@link #STEPS} reads of its values' characters for all its patterns together (more
 * for a large document, {@link #within}); past that it stops with {@link BoundedText.Exhausted}, which
 * the tool answers as invalid arguments (or a non-matching answer) instead of a stalled loop.
 */
final class BoundedPatterns implements RegularExpressionFactory {

    static final BoundedPatterns INSTANCE = new BoundedPatterns();

    /** Character reads one validation may spend in patterns: tens of milliseconds of backtracking. */
    static final long STEPS = 20_000_000;

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
        return value -> pattern.matcher(new BoundedText(value, budget())).find();
    }

    private static long[] budget() {
        long[] left = LEFT.get();
        // outside a validation (never on the call path): a budget for this one match
        return left != null ? left : new long[]{STEPS};
    }
}
