package dev.toolgate.http;

import com.google.re2j.Pattern;
import dev.toolgate.config.Route;
import dev.toolgate.config.RouteRegex;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A route's {@code headers} criteria as Kong 3's router compiles them: each entry is
 * {@code any(lower(http.headers.name))} compared with each of its values, equal (case-insensitively) or, for a
 * value written {@code ~*regex}, found by the regex, case-insensitively and unanchored (Kong's {@code ~}). A
 * request header sent on several lines matches when any line does; every entry must match. Regexes are compiled
 * once, here, for RE2/J (linear in the line, as Kong's Rust regexes); the reader refused those it cannot run.
 */
final class RouteHeaders {

    /** A {@code ~*} value: its text names it in a request's memo of answers, shared by routes that write it. */
    private record Regex(String source, Pattern pattern) {
    }

    /** @param literals the plain values, {@link RequestHeaderLines#fold folded} */
    private record Entry(String name, List<String> literals, List<Regex> regexes) {
    }

    private final List<Entry> entries = new ArrayList<>();

    RouteHeaders(Map<String, List<String>> headers) {
        headers.forEach((name, values) -> {
            List<String> literals = new ArrayList<>();
            List<Regex> regexes = new ArrayList<>();
            for (String value : values) {
                if (value.startsWith(Route.HEADER_REGEX)) {
                    regexes.add(new Regex(value, RouteRegex.header(value)));
                } else {
                    literals.add(RequestHeaderLines.fold(value));
                }
            }
            entries.add(new Entry(name, List.copyOf(literals), List.copyOf(regexes)));
        });
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Whether every entry matches a line of its header, each answer read from the request's memo. */
    boolean match(RequestHeaderLines lines) {
        for (Entry entry : entries) {
            if (!matches(entry, lines)) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(Entry entry, RequestHeaderLines lines) {
        for (String literal : entry.literals()) {
            if (lines.hasFolded(entry.name(), literal)) {
                return true;
            }
        }
        for (Regex regex : entry.regexes()) {
            if (lines.found(entry.name(), regex.source(), regex.pattern())) {
                return true;
            }
        }
        return false;
    }
}
