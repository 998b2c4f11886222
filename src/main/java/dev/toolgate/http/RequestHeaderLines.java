package dev.toolgate.http;

import com.google.re2j.Pattern;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One request's header lines as routes' {@code headers} criteria read them, each answer worked out once per
 * request however many routes ask it: a name's lines folded into a set, so a route's literal value is one
 * lookup, and each {@code ~*} regex's answer over the name's distinct lines. Without it every route scanned
 * every line: 1,000 routes and a head of 600 lines cost 30-50 ms a request.
 */
final class RequestHeaderLines {

    private final Function<String, List<String>> headers;
    private Map<String, Set<String>> folded;
    private Map<String, Boolean> found;

    /** @param headers every line of a header by lower-case name (empty or null when absent) */
    RequestHeaderLines(Function<String, List<String>> headers) {
        this.headers = headers;
    }

    /** Whether a line of the header equals a value, given {@link #fold folded}, as equalsIgnoreCase compares. */
    boolean hasFolded(String name, String foldedValue) {
        if (folded == null) {
            folded = new HashMap<>();
        }
        return folded.computeIfAbsent(name, n -> {
            Set<String> set = new HashSet<>();
            lines(n).forEach(line -> set.add(fold(line)));
            return set;
        }).contains(foldedValue);
    }

    /** Whether the regex is found in a line of the header; {@code source} names the regex for the memo. */
    boolean found(String name, String source, Pattern regex) {
        if (found == null) {
            found = new HashMap<>();
        }
        // a header name has no line break, so the key names one pair
        return found.computeIfAbsent(name + '\n' + source,
                k -> new LinkedHashSet<>(lines(name)).stream().anyMatch(line -> regex.matcher(line).find()));
    }

    private List<String> lines(String name) {
        List<String> lines = headers.apply(name);
        return lines == null ? List.of() : lines;
    }

    /**
     * A text as {@link String#equalsIgnoreCase} compares it: each character upper-cased, then lower-cased, so two
     * texts it finds equal fold to the same text and two it does not, to different ones.
     */
    static String fold(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> out.appendCodePoint(Character.toLowerCase(Character.toUpperCase(c))));
        return out.toString();
    }
}
