package dev.toolgate.mode.conversion;

/**
 * Text being encoded from arguments (a query string, a form body, a cookie header) that may not grow
 * past a limit: one argument can expand (percent-encoding triples a byte, a nested object repeats its
 * key path for every leaf), so the limit is checked on every append, before the text is built, and the
 * call is refused instead.
 */
final class EncodedText {

    private final StringBuilder text = new StringBuilder();
    private final int limit;
    private final String what;

    /**
     * @param limit largest length in characters
     * @param what  what the text is, for the refusal ("the query string")
     */
    EncodedText(int limit, String what) {
        this.limit = limit;
        this.what = what;
    }

    /** Appends {@code piece}, preceded by {@code separator} unless the text is empty. */
    void append(String separator, String piece) {
        int added = (text.isEmpty() ? 0 : separator.length()) + piece.length();
        check(added);
        if (!text.isEmpty()) {
            text.append(separator);
        }
        text.append(piece);
    }

    /** Refuses the call when {@code more} characters would not fit. */
    void check(long more) {
        if (text.length() + more > limit) {
            throw new RequestEncoder.Rejection("the arguments make " + what + " longer than " + limit
                    + " characters once encoded");
        }
    }

    boolean isEmpty() {
        return text.isEmpty();
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
