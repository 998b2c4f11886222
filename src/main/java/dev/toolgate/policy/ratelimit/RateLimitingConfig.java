package dev.toolgate.policy.ratelimit;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.toolgate.cluster.RedisSettings;
import dev.toolgate.cluster.Windows;
import dev.toolgate.config.ConfigNode;
import dev.toolgate.config.PluginSettings;
import dev.toolgate.http.Router;
import dev.toolgate.mcp.Json;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code config} of Kong's {@code rate-limiting} plugin, with Kong's names and defaults. Requests
 * are counted per HTTP request in fixed windows (UTC): a JSON-RPC batch is one request.
 *
 * @param windows            {@code second}, {@code minute}, {@code hour}, {@code day}, {@code month},
 *                           {@code year}: how many requests each window allows; at least one, and a larger
 *                           window may not allow fewer than a smaller one
 * @param limitBy            whom a count belongs to: {@code consumer} (default; falls back to the credential,
 *                           then the IP), {@code credential}, {@code ip} (the client's address: the connection's
 *                           peer, or the forwarded address behind a {@code --trusted-ips} proxy), {@code service}, {@code header} (with
 *                           {@code header_name}), {@code path} (with {@code path}), {@code consumer-group};
 *                           when the value is missing, the IP
 * @param headerName         for {@code limit_by: header}: the header whose value is counted
 * @param path               for {@code limit_by: path}: the request path counted as one
 * @param policy             {@code local} (default: counts of this instance) or {@code redis} (counts shared by
 *                           every instance); Kong's {@code cluster} needs Kong's database and is refused
 * @param redis              for {@code redis}: where (Kong's fields; {@code redis_host} ... are read too)
 * @param faultTolerant      when the counters cannot be reached, let requests through without headers
 *                           (default true); false answers 500
 * @param hideClientHeaders  do not send the {@code RateLimit-*} and {@code X-RateLimit-*} headers; default false
 * @param errorCode          the status of a refusal; default 429
 * @param errorMessage       the message of a refusal; default "API rate limit exceeded"
 * @param syncRate           Kong's interval for writing local counts to Redis; accepted (-1 to 86400), but
 *                           Toolgate counts in Redis on every request whatever it says, so limits stay exact
 */
public record RateLimitingConfig(@JsonIgnore Windows windows, String limitBy, String headerName, String path, String policy,
                                 RedisSettings redis, boolean faultTolerant, boolean hideClientHeaders, int errorCode,
                                 String errorMessage, long syncRate) implements PluginSettings {

    /** Shown by the Admin API as Kong writes them: {@code second} ... {@code year} beside the other fields. */
    @JsonAnyGetter
    public java.util.Map<String, Long> limits() {
        return windows == null ? java.util.Map.of() : windows.byName();
    }

    /** Kong's {@code typedefs.header_name}. */
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9_-]+");
    /** Kong's {@code typedefs.path}: the characters RFC 3986 allows in a path. */
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._~/%:@!$&'()*+,;=-]*");
    static final List<String> LIMIT_BY = List.of("consumer", "credential", "ip", "service", "header", "path",
            "consumer-group");
    private static final List<String> SHORTHANDS = List.of("host", "port", "password", "username", "ssl",
            "ssl_verify", "server_name", "timeout", "database");

    static RateLimitingConfig read(ConfigNode node) {
        Windows windows = Windows.read(node);
        if (windows == null) {
            node.problem("at least one of these fields must be non-empty: 'config.second', 'config.minute', "
                    + "'config.hour', 'config.day', 'config.month', 'config.year'");
        }
        String limitBy = node.oneOf("limit_by", "consumer", LIMIT_BY);
        String headerName = node.text("header_name", null);
        String path = node.text("path", null);
        if ("header".equals(limitBy) && headerName == null) {
            node.problem("header_name", "is required when limit_by is header");
        }
        if ("path".equals(limitBy) && path == null) {
            node.problem("path", "is required when limit_by is path");
        }
        // Kong's schema refuses these; accepted, they would never match, and every request fall back to its address
        if (headerName != null && !HEADER_NAME.matcher(headerName).matches()) {
            node.problem("header_name", "bad header name: allowed characters are A-Z, a-z, 0-9, '_', and '-'");
        }
        String pathProblem = path == null ? null : pathProblem(path);
        if (pathProblem != null) {
            node.problem("path", pathProblem);
        }
        String policy = node.oneOf("policy", "local", List.of("local", "cluster", "redis"));
        if ("cluster".equals(policy)) {
            node.problem("policy", "cluster keeps counters in Kong's database, which Toolgate does not have: "
                    + "use redis to share counters between instances, or local");
        }
        RedisSettings redis = redis(node);
        boolean faultTolerant = node.bool("fault_tolerant", true);
        boolean hide = node.bool("hide_client_headers", false);
        // Kong's schema asks only gt = 0, yet 0 and 1xx cannot answer a request: HTTP has three digits, and a
        // 1xx is an interim status the client waits past for the answer that never comes
        int errorCode = (int) node.integer("error_code", 429, 200, 999);
        String errorMessage = node.text("error_message", "API rate limit exceeded");
        long syncRate = node.integer("sync_rate", -1, -1, 86_400);
        node.finish();
        // compared with the request's path as routed, so kept in that form: /mcp/./ is /mcp/, /%7Eu is /~u
        String routed = path == null || pathProblem != null ? path : Router.normalize(path);
        return new RateLimitingConfig(windows, limitBy, headerName, routed, policy, "redis".equals(policy) ? redis : null,
                faultTolerant, hide, errorCode, errorMessage, syncRate);
    }

    /**
     * Kong's {@code typedefs.path}: starts with {@code /}, no empty segment, RFC 3986 characters, well-formed
     * percent-encoding.
     */
    private static String pathProblem(String path) {
        if (!path.startsWith("/")) {
            return "should start with: /";
        }
        if (path.contains("//")) {
            return "must not have empty segments";
        }
        if (!PATH.matcher(path).matches()) {
            return "invalid path (characters outside of the reserved list of RFC 3986 found)";
        }
        if (path.replaceAll("%[0-9A-Fa-f]{2}", "").indexOf('%') >= 0) {
            return "invalid url-encoded value (a % not followed by two hexadecimal digits)";
        }
        return null;
    }

    /** Kong's {@code redis} block, or its older {@code redis_host}-style fields folded into one. */
    private static RedisSettings redis(ConfigNode node) {
        var block = Json.object();
        for (String key : SHORTHANDS) {
            if (node.has("redis_" + key)) {
                block.set(key, node.any("redis_" + key));
            }
        }
        if (!block.isEmpty()) {
            return RedisSettings.read(ConfigNode.at(block, node.path("redis_*"), node.report()));
        }
        return node.object("redis").map(RedisSettings::read)
                .orElseGet(() -> RedisSettings.read(ConfigNode.at(Json.object(), node.path("redis"), node.report())));
    }
}
