package dev.toolgate.pipeline;

import dev.toolgate.http.LenientNames;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The cookies the gateway reads a credential from (jwt's {@code cookie_names}, a listener's token cookies), which
 * never reach an upstream however a pair of such a name would get there: in the client's {@code Cookie} passed on,
 * a tool's {@code Cookie} header argument or a cookie parameter. Only the names are parsed: every other cookie goes
 * on as it was written.
 *
 * @param names the names withheld, as {@link #withholds(String)} compares them
 */
public record WithheldCookies(Set<String> names) {

    /** No cookie is withheld. */
    public static final WithheldCookies NONE = new WithheldCookies(Set.of());

    public WithheldCookies {
        names = Set.copyOf(names);
    }

    /**
     * The cookies {@code configured} names, matched in any case as nginx's {@code $cookie_<name>} matches them, and
     * as the most lenient upstreams read names ({@link #withholds(String)}).
     */
    public static WithheldCookies of(Collection<String> configured) {
        return new WithheldCookies(configured.stream().map(WithheldCookies::read).collect(Collectors.toSet()));
    }

    /** These and {@code more}: a cookie one policy withholds stays withheld when another reads its own. */
    public WithheldCookies and(WithheldCookies more) {
        if (more.names.isEmpty() || names.containsAll(more.names)) {
            return this;
        }
        Set<String> all = new HashSet<>(names);
        all.addAll(more.names);
        return new WithheldCookies(all);
    }

    public boolean isEmpty() {
        return names.isEmpty();
    }

    /**
     * Whether a cookie named {@code name} (a tool's cookie parameter, a pair's name) is withheld: its name read
     * trimmed, as Node's cookie and Python's SimpleCookie read it ({@code "token =x"} is no token to nginx's
     * {@code $cookie_token}, but is to them), or as PHP registers it ({@code my.token}, {@code my token} and
     * {@code my[token} are {@code $_COOKIE['my_token']}, {@code token[a]} an entry of {@code $_COOKIE['token']}).
     * The upstream would take either for the credential withheld.
     */
    public boolean withholds(String name) {
        if (names.isEmpty()) {
            return false;
        }
        if (reaches(read(name)) || reaches(LenientNames.folded(name))) {
            return true;
        }
        // %74oken is token to Rack 2, ASP.NET Core 3 and PHP before 7.4.11, which percent-decode cookie names
        String decoded = name.indexOf('%') < 0 && name.indexOf('+') < 0 ? name : percentDecoded(name);
        return !decoded.equals(name) && (reaches(read(decoded)) || reaches(LenientNames.folded(decoded)));
    }

    /** {@code name} URL-decoded: {@code %XX} as UTF-8 (an escape that is not one kept as written), {@code +} as a space. */
    private static String percentDecoded(String name) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            int high = i + 2 < name.length() && c == '%' ? Character.digit(name.charAt(i + 1), 16) : -1;
            int low = high < 0 ? -1 : Character.digit(name.charAt(i + 2), 16);
            if (low >= 0) {
                bytes.write(high * 16 + low);
                i += 2;
            } else if (c == '+') {
                // PHP's urldecode, which those versions applied: a space, which PHP then registers as _
                bytes.write(' ');
            } else {
                byte[] raw = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(raw, 0, raw.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private boolean reaches(String read) {
        if (names.contains(read)) {
            return true;
        }
        int open = read.indexOf('[');
        return open > 0 && names.contains(read.substring(0, open));
    }

    /**
     * Whether {@code cookie} is withheld: its name is, or a withheld name and its {@code =} follow a space, tab or
     * comma inside it. RFC 6265's cookie-octets have none of those, but Python's SimpleCookie (aiohttp, Bottle)
     * splits {@code theme=x token=forged} and {@code theme=x, token=forged} at the space, and RFC 2965-style
     * parsers (Tomcat's legacy one) {@code theme=x,token=forged} at the comma: each reads a second cookie there.
     * The whole pair is dropped, not cut: a value that holds such a pair was written to be read as two.
     */
    public boolean withholds(CookiePair cookie) {
        return withholds(cookie.name()) || smuggles(cookie.text());
    }

    /**
     * What is left of {@code headers} (every {@code Cookie} header: HTTP/2 sends each cookie in its own) once the
     * withheld cookies are taken out: null when none was there, so nothing need change, empty when none is left.
     */
    public String less(List<String> headers) {
        if (names.isEmpty()) {
            return null;
        }
        List<String> kept = new ArrayList<>();
        boolean found = false;
        for (CookiePair cookie : CookiePair.of(headers)) {
            if (withholds(cookie)) {
                found = true;
            } else {
                kept.add(cookie.text());
            }
        }
        return found ? String.join("; ", kept) : null;
    }

    /** Whether a withheld name, then optional blanks and {@code =}, follows a separator somewhere in {@code pair}. */
    private boolean smuggles(String pair) {
        int length = pair.length();
        for (int i = 0; i < length; i++) {
            if (!separates(pair.charAt(i))) {
                continue;
            }
            int start = i + 1;
            while (start < length && separates(pair.charAt(start))) {
                start++;
            }
            int end = start;
            while (end < length && pair.charAt(end) != '=' && pair.charAt(end) != ';' && !separates(pair.charAt(end))) {
                end++;
            }
            int equals = end;
            while (equals < length && pair.charAt(equals) != ',' && separates(pair.charAt(equals))) {
                equals++;
            }
            if (equals < length && pair.charAt(equals) == '=' && end > start && withholds(pair.substring(start, end))) {
                return true;
            }
            // every character is looked at a bounded number of times: the next separator is at or after end
            i = Math.max(i, end - 1);
        }
        return false;
    }

    /**
     * What a lenient parser splits cookies at besides {@code ;}: whitespace as Python's {@code \s} matches it
     * (NBSP and NEL too, in a latin-1 header), and the comma.
     */
    private static boolean separates(char c) {
        return c == ',' || Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }

    /** A name trimmed, in any case and as PHP registers it ({@link LenientNames#folded}). */
    private static String read(String name) {
        return LenientNames.folded(name.trim());
    }
}
