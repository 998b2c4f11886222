package dev.toolgate.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One cookie of a client's {@code Cookie} header: the pairs RFC 6265 §4.2.1 writes ({@code name=value}, separated
 * by {@code ;} and optional spaces), read as tolerantly as clients write them. The one reading of those pairs:
 * a policy finding a credential cookie, the cookies passed on without it and a tool's cookie parameters all see
 * the same cookies.
 *
 * @param name  what precedes the first {@code =}, as written: a space before the {@code =} stays, so {@code a =1}
 *              is not {@code a} to a policy that reads names exactly as nginx's {@code $cookie_<name>} does
 * @param value what follows the first {@code =}, quotes and all; null when the pair has no {@code =}
 */
public record CookiePair(String name, String value) {

    /** A pair; its name MUST NOT be null (it may be empty, as in {@code =x}). */
    public CookiePair {
        Objects.requireNonNull(name, "name");
    }

    /**
     * The pairs of every {@code Cookie} header in {@code headers} (HTTP/2 sends each cookie in its own), in the
     * order sent; repeated names are all there, and empty pairs ({@code a=1;;b=2}) are none. Each pair is taken
     * without the spaces around it; nothing is unescaped.
     */
    public static List<CookiePair> of(List<String> headers) {
        List<CookiePair> pairs = new ArrayList<>();
        for (String header : headers) {
            read(header, pairs);
        }
        return pairs;
    }

    /** The pairs of one {@code Cookie} header, as {@link #of(List)} reads them; none for null. */
    public static List<CookiePair> of(String header) {
        List<CookiePair> pairs = new ArrayList<>();
        if (header != null) {
            read(header, pairs);
        }
        return pairs;
    }

    private static void read(String header, List<CookiePair> pairs) {
        int start = 0;
        while (start <= header.length()) {
            int end = header.indexOf(';', start);
            if (end < 0) {
                end = header.length();
            }
            String pair = header.substring(start, end).trim();
            if (!pair.isEmpty()) {
                int eq = pair.indexOf('=');
                pairs.add(eq < 0 ? new CookiePair(pair, null)
                        : new CookiePair(pair.substring(0, eq), pair.substring(eq + 1)));
            }
            start = end + 1;
        }
    }

    /** Whether the pair had an {@code =}: {@code a=} has an empty value, {@code a} has none. */
    public boolean hasValue() {
        return value != null;
    }

    /** The value without the quotes RFC 6265 allows around it ({@code "abc"} is {@code abc}); empty for none. */
    public String unquoted() {
        if (value == null) {
            return "";
        }
        boolean quoted = value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"");
        return quoted ? value.substring(1, value.length() - 1) : value;
    }

    /** The pair as the client wrote it, less the spaces around it: what goes on when it is passed on. */
    public String text() {
        return value == null ? name : name + "=" + value;
    }
}
