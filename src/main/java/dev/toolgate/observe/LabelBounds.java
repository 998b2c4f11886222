package dev.toolgate.observe;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The method, tool and error-type labels a metrics backend may give MCP series. Each distinct value is
 * a series that lives as long as the metrics do, and the values come from outside: clients name
 * methods and tools, servers choose error codes. So a value becomes a label only on evidence that it
 * is real, and only up to a bound; the rest are {@link #OTHER}.
 *
 * <ul>
 *   <li>a tool, when the gateway knows it exists (the route's configuration names it, or its MCP server
 *       listed it), or when a call to it succeeded: answered, without an error and without
 *       {@code isError}. Neither a refusal, a tool error nor a call left unanswered is evidence: MCP's SDKs
 *       answer a tool they do not have with {@code isError}, the default ACL judges any name a client makes
 *       up, and a client that hangs up before the answer learns nothing of the name it sent;</li>
 *   <li>a method, when MCP defines it (its request and notification methods are a closed set no client
 *       can add to, and a failed {@code tools/call} must be counted as one from the first request on, or
 *       an outage that starts a gateway's life is invisible under its method); any other request method
 *       when a request with it was answered without a JSON-RPC error; a notification has no answer to
 *       prove its method, so only MCP's own are taken;</li>
 *   <li>an error type, whatever it is, up to its bound.</li>
 * </ul>
 *
 * <p>One instance belongs with the metrics it bounds and lives as long as they do: sinks are rebuilt on
 * every configuration reload while their series stay, and bounds made per sink would admit another
 * full set each time.
 */
public final class LabelBounds {

    /** What a value past the bound, or not proven real, is counted as. */
    public static final String OTHER = "(other)";

    /** Distinct tool labels kept. */
    static final int MAX_TOOLS = 1000;
    /** Distinct method labels kept. */
    static final int MAX_METHODS = 100;
    /** Distinct error types kept. */
    static final int MAX_ERROR_TYPES = 100;

    /** The notifications MCP defines (2025-11-25), the only ones whose method is taken unproven. */
    static final Set<String> NOTIFICATIONS = Set.of("notifications/initialized", "notifications/cancelled",
            "notifications/progress", "notifications/message", "notifications/resources/updated",
            "notifications/resources/list_changed", "notifications/tools/list_changed",
            "notifications/prompts/list_changed", "notifications/roots/list_changed",
            "notifications/elicitation/complete", "notifications/tasks/status");

    /** The request methods MCP defines, of both eras (2024-11-05 to 2025-11-25, and 2026-07-28), taken unproven. */
    static final Set<String> REQUESTS = Set.of("initialize", "ping", "tools/list", "tools/call", "prompts/list",
            "prompts/get", "resources/list", "resources/templates/list", "resources/read", "resources/subscribe",
            "resources/unsubscribe", "completion/complete", "logging/setLevel", "sampling/createMessage",
            "elicitation/create", "roots/list", "tasks/get", "tasks/result", "tasks/list", "tasks/cancel",
            "tasks/update", "server/discover", "subscriptions/listen");

    private final Bounded tools = new Bounded(MAX_TOOLS);
    private final Bounded methods = new Bounded(MAX_METHODS);
    private final Bounded errorTypes = new Bounded(MAX_ERROR_TYPES);

    /** The event's tool label, or null when it names no tool. */
    public String tool(McpEvent e) {
        if (e.tool() == null) {
            return null;
        }
        return tools.label(e.tool(), proven(e), OTHER);
    }

    /** The event's method label, or null when it has no method. */
    public String method(McpEvent e) {
        return method(e, OTHER);
    }

    /**
     * The same, with {@code other} for a method not proven real or past the bound: OpenTelemetry's metrics name it
     * {@code _OTHER}, as its spans do.
     */
    public String method(McpEvent e, String other) {
        if (e.method() == null) {
            return null;
        }
        // MCP's own methods are a closed set: outside the bound, which made-up methods a server answers may fill
        return specDefined(e) ? e.method() : methods.label(e.method(), methodProven(e), other);
    }

    /**
     * True when the event is evidence that the name it would be counted under is real: its tool (as
     * {@link #tool} judges it), or, without one, its method (as {@link #method} does).
     */
    public static boolean proven(McpEvent e) {
        if (e.tool() != null) {
            return e.toolKnown() || !e.failed();
        }
        return methodProven(e);
    }

    /** True when the event is evidence that its method is real (as {@link #method} judges it, unbounded). */
    public static boolean methodProven(McpEvent e) {
        return specDefined(e) || !e.notification() && answered(e);
    }

    /** True when MCP defines the event's method (as a request for a request, a notification for a notification). */
    private static boolean specDefined(McpEvent e) {
        return (e.notification() ? NOTIFICATIONS : REQUESTS).contains(e.method());
    }

    /**
     * A request answered, and neither with a JSON-RPC error nor an HTTP error status (a stateful server refuses
     * any made-up method without a session with a 400): its method is real.
     */
    private static boolean answered(McpEvent e) {
        return e.errorCode() == null && e.error() == null;
    }

    /** An error type's label, or null for none. */
    public String errorType(String type) {
        return type == null ? null : errorTypes.label(type, true, OTHER);
    }

    /** Values admitted up to a bound; a value once admitted stays. */
    private static final class Bounded {

        private final int most;
        private final ConcurrentHashMap<String, Boolean> seen = new ConcurrentHashMap<>();

        Bounded(int most) {
            this.most = most;
        }

        String label(String value, boolean admit, String other) {
            if (seen.containsKey(value)) {
                return value;
            }
            if (!admit || seen.size() >= most) {
                return other;
            }
            // two threads may both pass the size check: the bound may be exceeded by the number of threads
            seen.putIfAbsent(value, Boolean.TRUE);
            return value;
        }
    }
}
