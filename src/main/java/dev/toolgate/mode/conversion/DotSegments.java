package dev.toolgate.mode.conversion;

import java.util.ArrayList;
import java.util.List;

/**
 * Removes {@code .} and {@code ..} segments from a tool path, as Kong's router does (nginx normalizes
 * the path of the request Kong replays for a tool call), so {@code ./v1/current.json} (Kong's how-tos
 * write relative paths that way) is {@code v1/current.json}. Unlike a plain URL resolution, {@code ..}
 * never climbs above the point the path is relative to (the route path): the segments below it are
 * the only ones a tool may name. {@code %2e} counts as a dot, as in RFC 3986 normalization.
 */
final class DotSegments {

    /** The outcome: the path without dot segments, and whether a {@code ..} had nothing left to remove. */
    record Removed(String path, boolean climbedAbove) {
    }

    private DotSegments() {
    }

    /** Removes the dot segments of a path relative to some base (no leading {@code /}). */
    static Removed removed(String relative) {
        String[] segments = relative.split("/", -1);
        List<String> kept = new ArrayList<>();
        boolean climbedAbove = false;
        boolean endsInDirectory = false;
        for (String segment : segments) {
            String dots = segment.replace("%2e", ".").replace("%2E", ".");
            endsInDirectory = dots.equals(".") || dots.equals("..");
            if (dots.equals(".")) {
                continue;
            }
            if (dots.equals("..")) {
                if (kept.isEmpty()) {
                    climbedAbove = true;
                } else {
                    kept.removeLast();
                }
                continue;
            }
            kept.add(segment);
        }
        String path = String.join("/", kept);
        if (endsInDirectory && !path.isEmpty()) {
            path += "/";
        }
        return new Removed(path, climbedAbove);
    }

    /** True when the path has a dot segment to remove. */
    static boolean present(String path) {
        for (String segment : path.split("/", -1)) {
            String dots = segment.replace("%2e", ".").replace("%2E", ".");
            if (dots.equals(".") || dots.equals("..")) {
                return true;
            }
        }
        return false;
    }
}
