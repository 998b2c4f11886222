package dev.toolgate.mcp;

import java.util.List;

/**
 * MCP's log levels, the syslog severities of RFC 5424 from least to most severe. A client asking for a level
 * (2026-07-28's {@code io.modelcontextprotocol/logLevel}, the legacy era's {@code logging/setLevel}) gets the
 * messages of that level and above.
 *
 * @see <a href="https://modelcontextprotocol.io/specification/2026-07-28/server/utilities/logging#log-levels">Log levels</a>
 */
public final class LoggingLevels {

    /** Least severe first. */
    static final List<String> ORDER = List.of("debug", "info", "notice", "warning", "error", "critical", "alert",
            "emergency");

    private LoggingLevels() {
    }

    /**
     * True when a message at {@code level} is for a client that asked for {@code asked}. A level outside the order,
     * either one, cannot be compared: the message is shown rather than lost.
     */
    public static boolean shown(String level, String asked) {
        int at = level == null ? -1 : ORDER.indexOf(level);
        int least = asked == null ? -1 : ORDER.indexOf(asked);
        return at < 0 || least < 0 || at >= least;
    }
}
