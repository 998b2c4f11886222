package dev.toolgate.policy.cors;

import dev.toolgate.config.ConfigNode;
import dev.toolgate.config.PluginSettings;

import java.util.List;

/**
 * The {@code config} of Kong's {@code cors} plugin, with Kong's names and defaults.
 *
 * @param origins           origins allowed in {@code Access-Control-Allow-Origin}: exact origins
 *                          ({@code https://app.example.com}), regexes (anything with other characters,
 *                          anchored as a whole; matched against the host when they contain no
 *                          {@code :}), or {@code *}; none means {@code *}
 * @param headers           {@code Access-Control-Allow-Headers} on preflights; default: the headers the
 *                          preflight asks for. On MCP routes the MCP transport headers are always added
 *                          (both eras', and the {@code Mcp-Param-*} names the preflight asks for)
 * @param exposedHeaders    {@code Access-Control-Expose-Headers}; on MCP routes {@code Mcp-Session-Id},
 *                          {@code MCP-Protocol-Version} and {@code WWW-Authenticate} are always added, so a
 *                          browser client can read its session id
 * @param methods           {@code Access-Control-Allow-Methods}; default Kong's list of nine methods
 * @param maxAge            {@code Access-Control-Max-Age} in seconds; default none
 * @param credentials       send {@code Access-Control-Allow-Credentials: true}; default false
 * @param privateNetwork    answer Private Network Access preflights; default false
 * @param preflightContinue pass preflights on to the endpoint instead of answering them; default false
 * @param allowOriginAbsent add the headers to answers of requests without {@code Origin}; default true
 */
public record CorsConfig(List<String> origins, List<String> headers, List<String> exposedHeaders, List<String> methods,
                         Long maxAge, boolean credentials, boolean privateNetwork, boolean preflightContinue,
                         boolean allowOriginAbsent) implements PluginSettings {

    static final List<String> KONG_METHODS = List.of("GET", "HEAD", "PUT", "PATCH", "POST", "DELETE", "OPTIONS",
            "TRACE", "CONNECT");

    public CorsConfig {
        origins = List.copyOf(origins);
        headers = List.copyOf(headers);
        exposedHeaders = List.copyOf(exposedHeaders);
        methods = List.copyOf(methods);
    }

    static CorsConfig read(ConfigNode node) {
        List<String> methods = node.has("methods") ? node.texts("methods") : KONG_METHODS;
        for (int i = 0; i < methods.size(); i++) {
            if (!KONG_METHODS.contains(methods.get(i))) {
                node.report().problem(node.path("methods") + "[" + i + "]", "must be one of " + String.join(", ", KONG_METHODS));
            }
        }
        CorsConfig config = new CorsConfig(node.texts("origins"), node.texts("headers"), node.texts("exposed_headers"),
                methods, node.integerOrNull("max_age", 0, Integer.MAX_VALUE), node.bool("credentials", false),
                node.bool("private_network", false), node.bool("preflight_continue", false),
                node.bool("allow_origin_absent", true));
        node.finish();
        return config;
    }
}
