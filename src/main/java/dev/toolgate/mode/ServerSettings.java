package dev.toolgate.mode;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.toolgate.config.ConfigNode;

import java.util.List;

/**
 * {@code config.server}: the MCP server side of a listener.
 *
 * @param tag                  {@code listener} mode: the one tag whose tools this listener serves
 * @param timeoutMillis        how long a tool call may take, in ms; default 10000
 * @param forwardClientHeaders forward the MCP client's request headers on tool calls, except hop-by-hop
 *                             headers, {@code Host}, {@code Content-Length}, MCP transport headers and
 *                             credentials the gateway consumed; default true
 * @param session              session handling
 * @param allowedOrigins       Toolgate extension: browser origins ({@code scheme://host[:port]}, or {@code *})
 *                             that may call this endpoint; requests with another {@code Origin} get 403.
 *                             Loopback origins are always allowed; requests without {@code Origin} are not
 *                             browser requests and pass
 * @param cacheHints           Toolgate extension: the caching hints of 2026-07-28 tool lists ({@link CacheHints})
 * @param upstreamEra          Toolgate extension, passthrough-listener: which MCP era the service speaks.
 *                             {@code auto} (default): found out by asking it ({@code server/discover}, then
 *                             {@code initialize}), remembered for a while; {@code legacy}: only 2025 revisions
 *                             (modern clients are bridged); {@code modern}: only 2026-07-28 (legacy clients are
 *                             bridged). A client the service speaks to directly is relayed byte for byte
 * @param timeoutWritten       {@code timeout} was written, not defaulted: a listener's written timeout replaces
 *                             the tool sets' for the calls it serves, one left out leaves theirs
 */
public record ServerSettings(String tag, @JsonProperty("timeout") long timeoutMillis, boolean forwardClientHeaders,
                             SessionSettings session,
                             List<String> allowedOrigins, CacheHints cacheHints, String upstreamEra,
                             @JsonIgnore boolean timeoutWritten) {

    public ServerSettings {
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    static final ServerSettings DEFAULT = new ServerSettings(null, 10_000, true, SessionSettings.DEFAULT, List.of(),
            CacheHints.DEFAULT, "auto", false);

    static ServerSettings read(ConfigNode node) {
        String tag = node.text("tag", null);
        if (tag != null && (tag.isBlank() || tag.contains(","))) {
            node.problem("tag", "must be exactly one tag");
        }
        boolean timeoutWritten = node.has("timeout");
        long timeout = node.integer("timeout", 10_000, 1, 2_147_483_646L);
        boolean forward = node.bool("forward_client_headers", true);
        SessionSettings session = node.object("session").map(SessionSettings::read).orElse(SessionSettings.DEFAULT);
        List<String> origins = node.texts("allowed_origins");
        for (int i = 0; i < origins.size(); i++) {
            String origin = origins.get(i);
            if (!origin.equals("*") && !origin.matches("https?://[^/\\s]+")) {
                node.report().problem(node.path("allowed_origins") + "[" + i + "]",
                        "must be * or an origin such as https://app.example.com (scheme, host, optional port)");
            }
        }
        CacheHints hints = node.object("cache_hints").map(CacheHints::read).orElse(CacheHints.DEFAULT);
        String era = node.oneOf("upstream_era", "auto", List.of("auto", "legacy", "modern"));
        node.finish();
        return new ServerSettings(tag, timeout, forward, session, origins, hints, era == null ? "auto" : era,
                timeoutWritten);
    }
}
