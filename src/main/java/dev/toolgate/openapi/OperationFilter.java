package dev.toolgate.openapi;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code include}/{@code exclude} patterns for generated tools. A pattern is an operationId, a tag
 * ({@code tag:NAME}) or an operation ({@code METHOD /path}, method case-insensitive); {@code *}
 * matches any run of characters. With no include patterns every operation is included.
 */
public final class OperationFilter {

    private record Rule(String kind, Pattern pattern) {
    }

    private final List<Rule> include;
    private final List<Rule> exclude;

    public OperationFilter(List<String> include, List<String> exclude) {
        this.include = include.stream().map(OperationFilter::rule).toList();
        this.exclude = exclude.stream().map(OperationFilter::rule).toList();
    }

    /** True when the operation is kept. */
    public boolean keeps(String operationId, List<String> tags, String method, String path) {
        return (include.isEmpty() || matchesAny(include, operationId, tags, method, path))
                && !matchesAny(exclude, operationId, tags, method, path);
    }

    private static boolean matchesAny(List<Rule> rules, String operationId, List<String> tags, String method,
                                      String path) {
        String operation = method.toUpperCase(Locale.ROOT) + " " + path;
        for (Rule rule : rules) {
            boolean hit = switch (rule.kind()) {
                case "tag" -> tags.stream().anyMatch(t -> rule.pattern().matcher(t).matches());
                case "operation" -> rule.pattern().matcher(operation).matches();
                default -> operationId != null && rule.pattern().matcher(operationId).matches();
            };
            if (hit) {
                return true;
            }
        }
        return false;
    }

    private static Rule rule(String text) {
        String pattern = text.strip();
        if (pattern.startsWith("tag:")) {
            return new Rule("tag", glob(pattern.substring(4).strip()));
        }
        int space = pattern.indexOf(' ');
        if (space > 0 && pattern.substring(space + 1).strip().startsWith("/")) {
            String method = pattern.substring(0, space).toUpperCase(Locale.ROOT);
            return new Rule("operation", glob(method + " " + pattern.substring(space + 1).strip()));
        }
        return new Rule("operationId", glob(pattern));
    }

    private static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (String part : glob.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }
}
