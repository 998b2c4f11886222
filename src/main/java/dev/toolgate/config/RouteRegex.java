package dev.toolgate.config;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * The regexes a route writes (a {@code ~} path, a {@code ~*} header value), compiled for RE2/J. Its matching
 * time grows with the text and the regex, never exponentially, so a request path cannot make a route's regex
 * backtrack: Kong 3.x's default router ({@code traditional_compatible}) runs them on Rust's regex crate for the
 * same reason. Like that crate, RE2/J has no lookaround, backreferences, possessive or atomic groups; Kong 3.x
 * refuses a route that uses them at start, and so does the reader, with {@link #problem}.
 */
public final class RouteRegex {

    private RouteRegex() {
    }

    /**
     * A {@code ~} path's regex, the {@code ~} dropped; the router matches it from the path's start, as Kong
     * anchors it. Named groups may be written {@code (?<name>...)} or {@code (?P<name>...)}.
     *
     * @throws PatternSyntaxException when it is not a regex RE2/J runs
     */
    public static Pattern path(String routePath) {
        return Pattern.compile(routePath.substring(1));
    }

    /**
     * A {@code headers} value's regex ({@code ~*} dropped), case-insensitive as Kong's.
     *
     * @throws PatternSyntaxException when it is not a regex RE2/J runs
     */
    public static Pattern header(String value) {
        return Pattern.compile(value.substring(Route.HEADER_REGEX.length()), Pattern.CASE_INSENSITIVE);
    }

    /**
     * Why a route cannot have this regex, or null when it can.
     *
     * @param regex   the regex, without its {@code ~} or {@code ~*}
     * @param written how the message names where it was written ({@code ""}, or {@code " after ~*"})
     */
    public static String problem(String regex, String written) {
        try {
            Pattern.compile(regex);
            return null;
        } catch (PatternSyntaxException e) {
            // Java's description names most syntax errors more plainly; RE2/J's names what it refuses
            try {
                java.util.regex.Pattern.compile(regex);
            } catch (java.util.regex.PatternSyntaxException invalid) {
                return "is not a valid regex" + written + ": " + invalid.getDescription();
            }
            return "uses what route regexes cannot, as Kong 3.x's default router (traditional_compatible) refuses "
                    + "it too: no lookaround, backreferences, possessive or atomic groups (" + e.getDescription()
                    + ": `" + e.getPattern() + "`)";
        }
    }
}
