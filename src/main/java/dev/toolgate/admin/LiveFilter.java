package dev.toolgate.admin;

import dev.toolgate.observe.McpEvent;
import io.vertx.core.MultiMap;

import java.util.Locale;

/**
 * The live page's filters, applied by the gateway before the feed's per-tick cap: a quiet route, one
 * consumer's calls or the errors alone must all arrive while another route is busy, where filtering the
 * browser's last 500 of a sample showed next to nothing. As the page matches: the route by name, the consumer
 * and the tool (or, without one, the method) by a part of them, any case; {@code errors} keeps failures only.
 */
record LiveFilter(String route, String consumer, String tool, boolean errors) {

    static LiveFilter of(MultiMap params) {
        return new LiveFilter(blank(params.get("route")), lower(params.get("consumer")), lower(params.get("tool")),
                "true".equals(params.get("errors")) || "1".equals(params.get("errors")));
    }

    /** True when nothing is filtered. */
    boolean none() {
        return route == null && consumer == null && tool == null && !errors;
    }

    boolean matches(McpEvent e) {
        return (route == null || route.equals(e.origin().route().routeName()))
                && (consumer == null || contains(e.origin().consumerLabel(), consumer))
                && (tool == null || contains(e.tool() != null ? e.tool() : e.method(), tool))
                && (!errors || e.failed());
    }

    private static boolean contains(String text, String part) {
        return text != null && text.toLowerCase(Locale.ROOT).contains(part);
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static String lower(String value) {
        return value == null || value.isBlank() ? null : value.trim().toLowerCase(Locale.ROOT);
    }
}
