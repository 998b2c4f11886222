package dev.toolgate.pipeline;

import java.util.Map;
import java.util.Set;

/**
 * The one order in which plugins run: Kong's plugin priorities (each plugin's {@code PRIORITY} in
 * Kong 3.12–3.15), higher first. Written here once, as data; nothing else decides the order, not
 * the order of the file nor of registration.
 */
public final class PolicyOrder {

    /** {@code ai-mcp-proxy}'s priority: the mode. Plugins above it run before the mode sees the exchange. */
    public static final int MODE = 820;

    private static final Map<String, Integer> PRIORITIES = Map.ofEntries(
            // CORS first: a browser's preflight carries no credentials, so it is answered before anyone asks for them
            Map.entry("cors", 2000),
            Map.entry("jwt", 1450),
            Map.entry("key-auth", 1250),
            Map.entry("ai-mcp-oauth2", 1015),
            // after authentication, as in Kong; it needs only the address
            Map.entry("ip-restriction", 990),
            Map.entry("request-size-limiting", 951),
            // after every authentication plugin: it decides on the consumer they found
            Map.entry("acl", 950),
            // after acl: a refused caller does not use up quota
            Map.entry("rate-limiting", 910),
            Map.entry("ai-mcp-proxy", MODE),
            // below the mode: they act where the mode talks to its upstream
            Map.entry("request-transformer", 801),
            Map.entry("response-transformer", 800),
            // loggers last: they see the whole exchange
            Map.entry("opentelemetry", 14),
            Map.entry("prometheus", 13),
            Map.entry("http-log", 12),
            Map.entry("file-log", 9));

    /**
     * The plugins that only observe (logs, traces, metrics): they admit and refuse nobody, and change nothing of
     * what is relayed.
     */
    public static final Set<String> OBSERVATION = Set.of("opentelemetry", "prometheus", "http-log", "file-log");

    /** The plugins that establish who is calling. */
    public static final Set<String> AUTHENTICATION = Set.of("jwt", "key-auth", "ai-mcp-oauth2");

    private PolicyOrder() {
    }

    /** The priority of a plugin Toolgate implements. */
    public static int of(String plugin) {
        Integer priority = PRIORITIES.get(plugin);
        if (priority == null) {
            throw new IllegalArgumentException("no priority for plugin '" + plugin + "'");
        }
        return priority;
    }

    /** True when the plugin runs before the mode, once per exchange (Kong's access phase before ai-mcp-proxy). */
    public static boolean beforeMode(String plugin) {
        return of(plugin) > MODE;
    }
}
