package dev.toolgate.mode.conversion;

import dev.toolgate.config.ConfigReport;
import dev.toolgate.mode.ToolSpec;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The request headers a tool may not set, neither from an argument nor as a fixed header: they
 * would change where or how a call goes, which the service decides.
 */
final class ReservedHeaders {

    private static final Set<String> NAMES = Set.of("host", "content-length", "transfer-encoding",
            "connection", "keep-alive", "upgrade", "te", "trailer", "proxy-connection", "expect");

    private ReservedHeaders() {
    }

    /** True when {@code name}, in any case, is one of them. */
    static boolean contains(String name) {
        return NAMES.contains(name.toLowerCase(Locale.ROOT));
    }

    /** Reports the fixed headers of a tool that are reserved, or whose values could split the request. */
    static void checkFixed(ToolSpec spec, String at, ConfigReport report) {
        for (Map.Entry<String, List<String>> header : spec.headers().entrySet()) {
            if (contains(header.getKey())) {
                report.problem(at + ".headers." + header.getKey(), "cannot be set (the service decides the upstream host and framing)");
            }
            for (String value : header.getValue()) {
                if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                    report.problem(at + ".headers." + header.getKey(), "must not contain line breaks");
                }
            }
        }
    }
}
