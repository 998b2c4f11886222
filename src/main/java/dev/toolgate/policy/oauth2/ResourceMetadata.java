package dev.toolgate.policy.oauth2;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.http.BearerChallenge;
import dev.toolgate.http.ForwardedHeaders;
import dev.toolgate.http.Published;
import dev.toolgate.mcp.Json;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.ScopeChallenge;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The endpoint's OAuth 2.0 Protected Resource Metadata (RFC 9728): the document MCP clients read to
 * find the authorization server, where it is published, and the {@code WWW-Authenticate} challenges
 * that point to it. The document is public (no credentials), so any origin may read it.
 *
 * @param document the JSON document
 * @param path     the path the 401 challenge names: {@code metadata_endpoint}, else the well-known path
 *                 with the resource's path inserted
 * @param scopes   {@code scopes_supported}, space-separated, for the challenge's {@code scope}; null when none
 * @param host     the resource's host, lower-case: the one that answers for it when other resources' documents
 *                 share its path
 */
record ResourceMetadata(Buffer document, String path, String scopes, String host) implements Published, ScopeChallenge {

    static final String WELL_KNOWN = "/.well-known/oauth-protected-resource";

    static ResourceMetadata of(OAuth2Config config) {
        ObjectNode json = Json.object();
        json.put("resource", config.resource());
        config.authorizationServers().forEach(json.putArray("authorization_servers")::add);
        if (!config.scopesSupported().isEmpty()) {
            config.scopesSupported().forEach(json.putArray("scopes_supported")::add);
        }
        json.putArray("bearer_methods_supported").add("header");
        String path = config.metadataEndpoint() != null ? config.metadataEndpoint() : WELL_KNOWN + config.resourcePath();
        String host = java.net.URI.create(config.resource()).getHost();
        return new ResourceMetadata(Buffer.buffer(Json.bytes(json)), path,
                config.scopesSupported().isEmpty() ? null : String.join(" ", config.scopesSupported()),
                host == null ? null : host.toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * Where it is served: the RFC 9728 path for the resource, and {@code metadata_endpoint}, whose default in
     * Kong is the resource's path with the well-known suffix after it ({@code /mcp/.well-known/oauth-protected-resource}).
     */
    Map<String, Published> publications(OAuth2Config config) {
        Map<String, Published> at = new LinkedHashMap<>();
        at.put(WELL_KNOWN + config.resourcePath(), this);
        at.put(config.metadataEndpoint() != null ? config.metadataEndpoint() : config.resourcePath() + WELL_KNOWN, this);
        return at;
    }

    @Override
    public void answer(HttpServerRequest request) {
        var response = request.response().putHeader("access-control-allow-origin", "*");
        if (request.method() == HttpMethod.OPTIONS) {
            response.setStatusCode(204).putHeader("access-control-allow-methods", "GET, HEAD, OPTIONS")
                    .putHeader("access-control-allow-headers", "mcp-protocol-version, authorization").end();
        } else if (request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD) {
            // a document per host may be chosen by a trusted proxy's X-Forwarded-Host: caches must key on it
            response.putHeader("content-type", "application/json").putHeader("cache-control", "max-age=300")
                    .putHeader("vary", "X-Forwarded-Host")
                    .end(request.method() == HttpMethod.HEAD ? Buffer.buffer() : document);
        } else {
            response.setStatusCode(405).putHeader("allow", "GET, HEAD, OPTIONS").end();
        }
    }

    /** The challenge of a request without a usable token. */
    String missing(Exchange exchange) {
        return BearerChallenge.of("resource_metadata", url(exchange), "scope", scopes);
    }

    /** The challenge of a request whose token was refused; {@code reason} goes in {@code error_description}. */
    String invalid(Exchange exchange, String error, String reason) {
        return BearerChallenge.of("error", error, "error_description", reason, "resource_metadata", url(exchange));
    }

    /**
     * The challenge of a tool call the token's scopes do not allow, in the order MCP writes it: with the
     * metadata, a client learns where to ask for {@code scope}.
     */
    @Override
    public String insufficientScope(Exchange exchange, String scope) {
        return BearerChallenge.of("error", "insufficient_scope", "scope", scope, "resource_metadata", url(exchange));
    }

    /**
     * The absolute URL of the metadata as the client sees the gateway: from a trusted proxy, its
     * {@code X-Forwarded-*} headers say how (as Kong's {@code trusted_ips}); from anyone else they are ignored.
     */
    String url(Exchange exchange) {
        HttpServerRequest request = exchange.request();
        boolean trusted = exchange.fromTrustedProxy();
        String proto = trusted ? first(request.getHeader("x-forwarded-proto")) : null;
        String scheme = proto != null ? proto : request.isSSL() ? "https" : "http";
        String forwardedHost = trusted ? first(request.getHeader("x-forwarded-host")) : null;
        String host = forwardedHost != null ? forwardedHost : ForwardedHeaders.authority(request);
        String port = trusted ? first(request.getHeader("x-forwarded-port")) : null;
        if (port != null && host != null && !host.contains(":") && !port.equals(scheme.equals("https") ? "443" : "80")) {
            host = host + ":" + port;
        }
        String prefix = trusted ? first(request.getHeader("x-forwarded-prefix")) : null;
        prefix = prefix == null || prefix.equals("/") ? "" : prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        return scheme + "://" + (host == null ? "localhost" : host) + prefix + path;
    }

    private static String first(String header) {
        if (header == null) {
            return null;
        }
        String value = header.split(",", 2)[0].trim();
        return value.isEmpty() || !value.matches("[A-Za-z0-9.:\\[\\]/_%~-]+") ? null : value;
    }

    @Override
    public boolean equals(Object other) {
        // one document may be published at several paths; what must not differ is what a path serves
        return other instanceof ResourceMetadata that && Arrays.equals(document.getBytes(), that.document.getBytes());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(document.getBytes());
    }
}
