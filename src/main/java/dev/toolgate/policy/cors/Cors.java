package dev.toolgate.policy.cors;

import dev.toolgate.pipeline.Decision;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.ExchangePolicy;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Kong's {@code cors}: answers a browser's preflight (an {@code OPTIONS} with {@code Origin} and
 * {@code Access-Control-Request-Method}) itself, before any authentication asks for credentials a
 * preflight never carries, and adds the CORS headers to every other answer, refusals included. An
 * origin it lists explicitly (not {@code *}) also passes the MCP endpoint's DNS-rebinding check, so a
 * Kong file's {@code cors} is all a browser client needs.
 */
final class Cors implements ExchangePolicy {

    /** What a browser client of an MCP endpoint must send and read, whatever the configuration lists. */
    private static final List<String> MCP_REQUEST_HEADERS = List.of("Mcp-Session-Id", "MCP-Protocol-Version",
            "Last-Event-ID", "Mcp-Method", "Mcp-Name");
    /** The 2026 transport's per-tool headers ({@code x-mcp-header}): allowed by name when a preflight asks. */
    private static final String MCP_PARAM_PREFIX = "mcp-param-";
    private static final List<String> MCP_EXPOSED_HEADERS = List.of("Mcp-Session-Id", "MCP-Protocol-Version",
            "WWW-Authenticate");

    /** An RFC 9110 header name. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private final CorsConfig config;
    private final AllowedOrigins origins;
    private final String allowHeaders;
    private final String exposeHeaders;
    private final String methods;

    Cors(CorsConfig config) {
        this.config = config;
        this.origins = new AllowedOrigins(config.origins());
        this.allowHeaders = config.headers().isEmpty() ? null : joined(config.headers(), MCP_REQUEST_HEADERS);
        this.exposeHeaders = joined(config.exposedHeaders(), MCP_EXPOSED_HEADERS);
        this.methods = String.join(",", config.methods());
    }

    @Override
    public Future<Decision> admit(Exchange exchange) {
        String origin = exchange.header("origin");
        boolean preflight = exchange.request().method() == HttpMethod.OPTIONS && origin != null
                && exchange.header("access-control-request-method") != null;
        if (preflight) {
            return config.preflightContinue() ? Decision.PROCEED : Future.succeededFuture(preflight(exchange, origin));
        }
        if (origin == null && !config.allowOriginAbsent()) {
            return Decision.PROCEED;
        }
        MultiMap headers = exchange.answerHead().headers();
        String allowed = allowOrigin(headers::set, origin);
        // only an origin the operator named passes the DNS-rebinding check: Kong's default origins are "*",
        // and a bare cors plugin must not let any web page drive a gateway on the operator's machine
        if (!origins.any() && allowed != null && allowed.equalsIgnoreCase(origin)) {
            exchange.allowOrigin();
        }
        headers.set("Access-Control-Expose-Headers", exposeHeaders);
        return Decision.PROCEED;
    }

    private Decision preflight(Exchange exchange, String origin) {
        Map<String, String> headers = new LinkedHashMap<>();
        allowOrigin(headers::put, origin);
        String requested = exchange.header("access-control-request-headers");
        if (allowHeaders != null) {
            headers.put("Access-Control-Allow-Headers", withParams(allowHeaders, requested));
        } else if (requested != null) {
            headers.put("Access-Control-Allow-Headers", requested);
        }
        headers.put("Access-Control-Allow-Methods", methods);
        if (config.maxAge() != null) {
            headers.put("Access-Control-Max-Age", config.maxAge().toString());
        }
        if (config.privateNetwork() && "true".equals(exchange.header("access-control-request-private-network"))) {
            headers.put("Access-Control-Allow-Private-Network", "true");
        }
        return new Decision.Respond(200, headers);
    }

    /** Sets the origin headers (and credentials) Kong's way; returns the allowed origin, or null. */
    private String allowOrigin(HeaderSink headers, String origin) {
        String allowed = origins.allowOrigin(origin);
        if (!origins.any()) {
            // always, even when the origin is not allowed: caches key answers on it
            headers.put("Vary", "Origin");
        }
        if (config.credentials() && origins.any() && origin != null) {
            // Access-Control-Allow-Credentials cannot go with "*": answer with the caller's origin
            allowed = origin;
            headers.put("Vary", "Origin");
        }
        if (allowed != null) {
            headers.put("Access-Control-Allow-Origin", allowed);
        }
        if (config.credentials() && (allowed != null && !allowed.equals("*"))) {
            headers.put("Access-Control-Allow-Credentials", "true");
        }
        return allowed;
    }

    /** Where origin headers go: the answer's added headers, or a preflight's own. */
    @FunctionalInterface
    private interface HeaderSink {
        void put(String name, String value);
    }

    /**
     * The configured headers and the {@code Mcp-Param-*} names the preflight asks for: their names are
     * each tool's own, so no list can name them ahead, and without them a browser sends no tool call
     * of a tool that declares one.
     */
    private static String withParams(String allowed, String requested) {
        if (requested == null) {
            return allowed;
        }
        StringBuilder names = new StringBuilder(allowed);
        for (String name : requested.split(",")) {
            String trimmed = name.trim();
            if (trimmed.regionMatches(true, 0, MCP_PARAM_PREFIX, 0, MCP_PARAM_PREFIX.length())
                    && trimmed.length() > MCP_PARAM_PREFIX.length() && TOKEN.matcher(trimmed).matches()) {
                names.append(',').append(trimmed);
            }
        }
        return names.toString();
    }

    private static String joined(List<String> configured, List<String> required) {
        Set<String> names = new LinkedHashSet<>(configured);
        for (String name : required) {
            if (names.stream().noneMatch(n -> n.equalsIgnoreCase(name))) {
                names.add(name);
            }
        }
        return String.join(",", names);
    }
}
