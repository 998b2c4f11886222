package dev.toolgate.policy.requesttransformer;

import dev.toolgate.http.UpstreamQuery;
import dev.toolgate.pipeline.Exchange;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A value of a transformer rule, with Kong's {@code $(...)} templates: {@code $(headers.NAME)} or
 * {@code $(headers["NAME"])}, {@code $(query_params.NAME)}, {@code $(uri_captures.NAME)} or
 * {@code $(uri_captures[1])}, each optionally followed by {@code or "default"}. They read the
 * client's request, its headers as they go upstream ({@link Exchange#upstreamHeader}); a query argument the
 * gateway consumed as a credential is none. Kong evaluates any Lua expression there; Toolgate refuses
 * the others at load.
 * A literal {@code $(} is written {@code \$(}.
 */
final class Template {

    private static final Pattern EXPRESSION = Pattern.compile(
            "\\s*(headers|query_params|uri_captures)\\s*(?:\\.([A-Za-z0-9_-]+)|\\[\\s*(?:\"([^\"]*)\"|'([^']*)'|(\\d+))\\s*])"
                    + "(?:\\s+or\\s+(?:\"([^\"]*)\"|'([^']*)'))?\\s*");

    /** One part of a value: literal text, or a lookup with its fallback. */
    private record Part(String literal, String source, String name, String fallback) {
    }

    private final List<Part> parts;
    private final boolean constant;

    private Template(List<Part> parts) {
        this.parts = List.copyOf(parts);
        this.constant = parts.stream().allMatch(p -> p.literal() != null);
    }

    /** Parses a value; throws {@link IllegalArgumentException} naming what Toolgate cannot evaluate. */
    static Template parse(String text) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("\\$(", i)) {
                literal.append("$(");
                i += 3;
            } else if (text.startsWith("$(", i)) {
                int end = text.indexOf(')', i + 2);
                if (end < 0) {
                    // where, not what: the text after it is the rest of a value that may be a credential
                    throw new IllegalArgumentException("the template at character " + (i + 1) + " of the value has no closing )");
                }
                if (!literal.isEmpty()) {
                    parts.add(new Part(literal.toString(), null, null, null));
                    literal.setLength(0);
                }
                parts.add(expression(text.substring(i + 2, end), i + 1));
                i = end + 1;
            } else {
                literal.append(text.charAt(i++));
            }
        }
        if (!literal.isEmpty() || parts.isEmpty()) {
            parts.add(new Part(literal.toString(), null, null, null));
        }
        return new Template(parts);
    }

    /** @param at where the template starts in the value, from 1 (a problem says where, not what: see below) */
    private static Part expression(String text, int at) {
        Matcher m = EXPRESSION.matcher(text);
        if (!m.matches()) {
            // not quoted: what is inside $( ) is part of a value, and may be a credential written there by mistake
            throw new IllegalArgumentException("the template at character " + at + " of the value is not supported: Toolgate evaluates "
                    + "$(headers.NAME), $(query_params.NAME) and $(uri_captures.NAME), optionally with or \"default\"");
        }
        String name = m.group(2) != null ? m.group(2) : m.group(3) != null ? m.group(3)
                : m.group(4) != null ? m.group(4) : m.group(5);
        String fallback = m.group(6) != null ? m.group(6) : m.group(7);
        return new Part(null, m.group(1), name, fallback);
    }

    /** True when it reads nothing of the request: what it renders is what the configuration says. */
    boolean constant() {
        return constant;
    }

    /** The value for this exchange's request; lookups that find nothing give their fallback, or nothing. */
    String render(Exchange exchange) {
        if (constant) {
            return parts.getFirst().literal();
        }
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            if (part.literal() != null) {
                out.append(part.literal());
            } else {
                String value = lookup(exchange, part);
                out.append(value != null ? value : part.fallback() != null ? part.fallback() : "");
            }
        }
        return out.toString();
    }

    private static String lookup(Exchange exchange, Part part) {
        return switch (part.source()) {
            case "headers" -> {
                // as the upstream gets them: the gateway's consumer and claim headers, never a consumed credential
                String value = exchange.upstreamHeader(part.name());
                // Kong's headers table also answers with underscores for dashes
                yield value != null ? value : exchange.upstreamHeader(part.name().replace('_', '-'));
            }
            // a token read from the query (jwt's uri_param_names) never goes upstream, under any name
            case "query_params" -> exchange.credentials().query().contains(part.name()) ? null : query(exchange, part.name());
            default -> RouteCaptures.of(exchange, part.name());
        };
    }

    /**
     * The first argument of this exact name, read as the query is forwarded and as Kong's {@code ngx.decode_args}
     * reads it: a malformed escape ({@code %zz}, a trailing {@code %}) stays as written rather than failing the
     * request, {@code ;} separates nothing and names are case-sensitive. The framework's parameter map threw on
     * the escape (an internal error) and split on {@code ;}, so the template saw another value than the upstream.
     */
    private static String query(Exchange exchange, String name) {
        List<String> values = UpstreamQuery.values(exchange.request().query(), name);
        return values.isEmpty() ? null : values.getFirst();
    }
}
