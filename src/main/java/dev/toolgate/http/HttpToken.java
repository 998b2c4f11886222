package dev.toolgate.http;

/**
 * RFC 9110's token: what a header field name may be, and (RFC 6265, by the same rule) a cookie name.
 * Anything else cannot be sent as a name: a space, {@code :}, {@code ;}, {@code =} or {@code ,} would
 * end it and start something the tool did not mean.
 */
public final class HttpToken {

    /** What the rule allows besides ASCII letters and digits, for messages. */
    public static final String SYMBOLS = "!#$%&'*+-.^_`|~";

    private HttpToken() {
    }

    public static boolean is(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || SYMBOLS.indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
