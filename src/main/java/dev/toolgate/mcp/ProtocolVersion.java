package dev.toolgate.mcp;

import java.util.List;

/**
 * The MCP protocol revisions the gateway speaks and the negotiation rules of the legacy
 * (initialize-based) era.
 *
 * @see <a href="https://modelcontextprotocol.io/specification/2025-11-25/basic/lifecycle">Lifecycle</a>
 */
public final class ProtocolVersion {

    /** Oldest first. 2025-03-26 is the first streamable-HTTP revision. */
    public static final List<String> SUPPORTED = List.of("2025-03-26", "2025-06-18", "2025-11-25");

    /** The newest revision we speak; offered when the client asks for one we do not know. */
    public static final String LATEST = SUPPORTED.getLast();

    /** What a server assumes when a request carries no {@code MCP-Protocol-Version} header. */
    public static final String ASSUMED_WHEN_ABSENT = "2025-03-26";

    /** The only revision that allows JSON-RPC batches (removed in 2025-06-18). */
    public static final String BATCHING = "2025-03-26";

    private ProtocolVersion() {
    }

    /** True when {@code version} is one we speak. */
    public static boolean isSupported(String version) {
        return version != null && SUPPORTED.contains(version);
    }

    /** The client's version when we speak it, otherwise our latest (the client decides whether to continue). */
    public static String negotiate(String requested) {
        return isSupported(requested) ? requested : LATEST;
    }
}
