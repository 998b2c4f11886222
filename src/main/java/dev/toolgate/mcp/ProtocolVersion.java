package dev.toolgate.mcp;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The MCP protocol revisions the gateway speaks: the legacy (initialize-based) era with its
 * negotiation rules, and the modern (stateless, 2026-07-28 and later) era, where every request
 * names its revision.
 *
 * @see <a href="https://modelcontextprotocol.io/specification/2025-11-25/basic/lifecycle">Lifecycle</a>
 * @see <a href="https://modelcontextprotocol.io/specification/2026-07-28/basic/versioning">Versioning</a>
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

    /** The first revision of the modern era; every revision dated after it is modern too. */
    public static final String FIRST_MODERN = "2026-07-28";

    /** The modern revisions we serve ({@code server/discover}'s {@code supportedVersions}). */
    public static final List<String> MODERN = List.of(FIRST_MODERN);

    /** How MCP names its revisions: the date of the revision. */
    private static final Pattern REVISION = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");

    private ProtocolVersion() {
    }

    /** True when {@code version} is one we speak. */
    public static boolean isSupported(String version) {
        return version != null && SUPPORTED.contains(version);
    }

    /**
     * True when {@code version} belongs to the modern era: a revision (a {@code YYYY-MM-DD} date, as every
     * MCP revision is named) at or after {@link #FIRST_MODERN}, so that a future revision is answered by the
     * modern rules ({@code UnsupportedProtocolVersion}, -32022). Anything else, an old revision or a value that
     * names none ({@code garbage}, {@code v999}, {@code 1.0}), is the legacy era's to answer: a client that
     * sent it is not told to switch eras, and a passthrough route forwards it to a legacy server as it is.
     */
    public static boolean isModern(String version) {
        return version != null && !isSupported(version) && REVISION.matcher(version).matches()
                && version.compareTo(FIRST_MODERN) >= 0;
    }

    /** True when {@code version} is a modern revision we serve. */
    public static boolean isServedModern(String version) {
        return version != null && MODERN.contains(version);
    }

    /** The client's version when we speak it, otherwise our latest (the client decides whether to continue). */
    public static String negotiate(String requested) {
        return isSupported(requested) ? requested : LATEST;
    }
}
