package dev.toolgate.mode;

import dev.toolgate.config.ConfigReport;
import dev.toolgate.config.Plugin;

/**
 * Fail closed: what a {@code conversion-only} plugin (a tool set for listeners) may not set. It serves no
 * MCP endpoint; a listener serves its tools, with each tool's {@code acl} (else this plugin's
 * {@code default_acl}), {@code limit}, {@code server.timeout} and {@code server.forward_client_headers},
 * which therefore apply (the listener adds its own settings: {@link dev.toolgate.mode.conversion.Tool#servedBy}). What only an endpoint does (checking origins, keeping sessions, hinting caches,
 * answering denials) is the listener's, and set here it would be ignored unseen: a problem at its path.
 * Kong's defaults are accepted, as Kong's exports write them out. Kong's how-tos also set {@code logging}
 * and {@code max_request_body_size} on tool sets: the listeners that serve the tools log as the first asks
 * too ({@link dev.toolgate.mode.conversion.ToolCatalog#logging}), the second needs nothing (the listener's own limit
 * bounds the request that carries a call, the only one there is).
 */
final class ToolSetSettings {

    private ToolSetSettings() {
    }

    static void check(Plugin plugin, AiMcpProxyConfig config, ConfigReport report) {
        String at = plugin.source() + ".config.";
        String there = ", and a conversion-only plugin serves none: set it on the listener that serves these tools";
        if (!"forbidden".equals(config.aclDenial())) {
            report.problem(at + "acl_denial", "says how an MCP endpoint answers a denied call" + there);
        }
        ServerSettings server = config.server();
        if (server.tag() != null) {
            report.problem(at + "server.tag", "names the tool sets a listener serves; a conversion-only plugin is "
                    + "found by its own entity tags (the plugin's tags, beside config), not by server.tag");
        }
        if (!server.allowedOrigins().isEmpty()) {
            report.problem(at + "server.allowed_origins", "are the browser origins an MCP endpoint accepts" + there);
        }
        if (!server.cacheHints().equals(CacheHints.DEFAULT)) {
            report.problem(at + "server.cache_hints", "are the caching hints of an MCP endpoint's tool lists" + there);
        }
        SessionSettings session = server.session();
        // a redis block without a strategy keeps nothing: how Kong's exports write its defaults
        if (!new SessionSettings(session.managed(), session.strategy(), session.sessionTtlSeconds(),
                session.clientSecrets(), null).equals(SessionSettings.DEFAULT)) {
            report.problem(at + "server.session", "is how an MCP endpoint keeps sessions" + there);
        }
    }
}
