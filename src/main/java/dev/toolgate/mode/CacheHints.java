package dev.toolgate.mode;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.toolgate.config.ConfigNode;

import java.util.List;

/**
 * {@code config.server.cache_hints} (Toolgate extension): the caching hints every 2026-07-28
 * {@code tools/list} answer carries ({@code ttlMs}, {@code cacheScope}), for the modern clients of a
 * conversion-listener or listener, and of a passthrough-listener that bridges a legacy server.
 * Legacy (2025) answers do not carry them.
 *
 * @param ttlMs how long, in milliseconds, a client (or a cache between it and the gateway) may reuse a
 *              tool list; default 60000. A tool list changes only when the configuration is reloaded
 * @param scope {@code auto} (default): {@code private} when the list depends on who asks (tool ACLs
 *              filter it) or when an authentication plugin applies to the route (only identified
 *              callers may see it), {@code public} otherwise. {@code private}: always private.
 *              {@code public}: always public; refused on a route whose tool ACLs filter the list, since
 *              a shared cache would then show one caller's tools to another
 */
public record CacheHints(@JsonProperty("ttl_ms") long ttlMs, String scope) {

    static final CacheHints DEFAULT = new CacheHints(60_000, "auto");

    static CacheHints read(ConfigNode node) {
        long ttl = node.integer("ttl_ms", 60_000, 0, Long.MAX_VALUE / 2);
        String scope = node.oneOf("scope", "auto", List.of("auto", "private", "public"));
        node.finish();
        return new CacheHints(ttl, scope == null ? "auto" : scope);
    }

    /**
     * The {@code cacheScope} of a route's lists.
     *
     * @param perCaller     tool ACLs filter the list per caller
     * @param authenticated an authentication plugin applies to the route
     */
    public String scopeFor(boolean perCaller, boolean authenticated) {
        return switch (scope) {
            case "public" -> "public";
            case "private" -> "private";
            default -> perCaller || authenticated ? "private" : "public";
        };
    }
}
