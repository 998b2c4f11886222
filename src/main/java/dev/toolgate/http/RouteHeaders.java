package dev.toolgate.http;

import com.google.re2j.Pattern;
import dev.toolgate.config.Route;
import dev.toolgate.config.RouteRegex;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A route's {@code headers} criteria as Kong 3's router compiles them: each entry is
 * {@code any(lower(http.headers.name))} compared with each of its values, equal (case-insensitively) or, for a
 * value written {@code ~*regex}, found by the regex, case-insensitively and unanchored (Kong's {@code ~}). A
 * request header sent on several lines matches when any line does; every entry must match. Regexes are compiled
 * once, here, for RE2/J (linear in the line, as Kong's Rust regexes); the reader refused those it cannot run.
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
                    regexes.add(RouteRegex.header(value));
                } else {
                    literals.add(value);
                }
            }
            entries.add(new Entry(name, List.copyOf(literals), List.copyOf(regexes)));
        });
    }

    /** @param headers every line of a header by lower-case name (empty or null when absent) */
    boolean match(Function<String, List<String>> headers) {
        for (Entry entry : entries) {
            List<String> lines = headers.apply(entry.name());
            if (lines == null || lines.stream().noneMatch(line -> matches(entry, line))) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(Entry entry, String line) {
        for (String literal : entry.literals()) {
            if (literal.equalsIgnoreCase(line)) {
                return true;
            }
        }
        for (Pattern regex : entry.regexes()) {
            if (regex.matcher(line).find()) {
                return true;
            }
        }
        return false;
    }
}
