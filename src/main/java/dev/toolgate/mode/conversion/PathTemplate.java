package dev.toolgate.mode.conversion;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A request path with {@code {name}} placeholders, parsed once at load. Expansion only inserts values
 * the caller has already percent-encoded, so a value can never add a path segment.
 */
public record PathTemplate(List<Part> parts) {

    /** A piece of the path. */
    public sealed interface Part {
    }

    /** Text copied as is. */
    public record Literal(String text) implements Part {
    }

    /** A placeholder for the path parameter {@code name}. */
    public record Placeholder(String name) implements Part {
    }

    public PathTemplate {
        parts = List.copyOf(parts);
    }

    /** Parses a template; throws {@link IllegalArgumentException} naming the problem. */
    public static PathTemplate parse(String template) {
        List<Part> parts = new ArrayList<>();
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            int close = template.indexOf('}', i);
            if (open < 0) {
                if (close >= 0) {
                    throw new IllegalArgumentException("'}' without '{' at position " + close);
                }
                parts.add(new Literal(template.substring(i)));
                break;
            }
            if (close >= 0 && close < open) {
                throw new IllegalArgumentException("'}' without '{' at position " + close);
            }
            if (open > i) {
                parts.add(new Literal(template.substring(i, open)));
            }
            int end = template.indexOf('}', open);
            if (end < 0) {
                throw new IllegalArgumentException("'{' without '}' at position " + open);
            }
            String name = template.substring(open + 1, end);
            if (name.isEmpty() || name.contains("{") || name.contains("/")) {
                throw new IllegalArgumentException("bad placeholder '{" + name + "}'");
            }
            parts.add(new Placeholder(name));
            i = end + 1;
        }
        return new PathTemplate(parts);
    }

    /** The placeholder names, in order of appearance. */
    public Set<String> placeholders() {
        Set<String> names = new LinkedHashSet<>();
        for (Part part : parts) {
            if (part instanceof Placeholder p) {
                names.add(p.name());
            }
        }
        return names;
    }

    /** The text before the first placeholder. */
    public String literalPrefix() {
        return parts.isEmpty() || !(parts.getFirst() instanceof Literal l) ? "" : l.text();
    }

    /** The path with each placeholder replaced by its (already encoded) value. */
    public String expand(Map<String, String> encoded) {
        StringBuilder path = new StringBuilder(64);
        for (Part part : parts) {
            switch (part) {
                case Literal l -> path.append(l.text());
                case Placeholder p -> path.append(encoded.getOrDefault(p.name(), ""));
            }
        }
        return path.toString();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (Part part : parts) {
            switch (part) {
                case Literal l -> text.append(l.text());
                case Placeholder p -> text.append('{').append(p.name()).append('}');
            }
        }
        return text.toString();
    }
}
