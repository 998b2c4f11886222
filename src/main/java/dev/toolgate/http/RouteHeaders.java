package dev.toolgate.http;

import dev.toolgate.config.BoundedText;
import dev.toolgate.config.Route;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A route's {@code headers} criteria as Kong 3's router compiles them: each entry is
 * {@code any(lower(http.headers.name))} compared with each of its values, equal (case-insensitively) or, for a
 * value written {@code ~*regex}, found by the regex, case-insensitively and unanchored (Kong's {@code ~}). A
 * request header sent on several lines matches when any line does; every entry must match. Regexes are compiled
 * once, here; the reader refused those that do not compile.
 */
final class RouteHeaders {

    private record Entry(String name, List<String> literals, List<Pattern> regexes) {
    }

    private final List<Entry> entries = new ArrayList<>();

    RouteHeaders(Map<String, List<String>> headers) {
        headers.forEach((name, values) -> {
            List<String> literals = new ArrayList<>();
            List<Pattern> regexes = new ArrayList<>();
            for (String value : values) {
                if (value.startsWith(Route.HEADER_REGEX)) {
                    regexes.add(Route.headerRegex(value));
                } else {
                    literals.add(value);
                }
            }
            entries.add(new Entry(name, List.copyOf(literals), List.copyOf(regexes)));
        });
    }

    /**
     * @param headers   every line of a header by lower-case name (empty or null when absent)
     * @param reads     character reads the request's header regexes may still spend, shared by every line and
     *                  route; past them a regex does not match
     * @param exhausted run when a regex spent them
     */
    boolean match(Function<String, List<String>> headers, long[] reads, Runnable exhausted) {
        for (Entry entry : entries) {
            List<String> lines = headers.apply(entry.name());
            if (lines == null || lines.stream().noneMatch(line -> matches(entry, line, reads, exhausted))) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(Entry entry, String line, long[] reads, Runnable exhausted) {
        for (String literal : entry.literals()) {
            if (literal.equalsIgnoreCase(line)) {
                return true;
            }
        }
        for (Pattern regex : entry.regexes()) {
            if (BoundedText.find(regex, line, reads, exhausted) != null) {
                return true;
            }
        }
        return false;
    }
}
