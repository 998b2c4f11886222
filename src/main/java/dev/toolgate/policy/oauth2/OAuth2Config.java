package dev.toolgate.policy.oauth2;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.toolgate.config.ConfigNode;
import dev.toolgate.config.HeaderFields;
import dev.toolgate.config.PluginSettings;
import dev.toolgate.config.Redacted;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code config} of Kong's {@code ai-mcp-oauth2} plugin, with Kong's names and defaults: the MCP
 * endpoint as an OAuth 2.1 resource server.
 *
 * @param resource                   the resource identifier advertised in the Protected Resource Metadata
 *                                   and required in the token's {@code aud}; required
 * @param authorizationServers       issuers of the authorization servers clients get tokens from; the
 *                                   token's {@code iss} must be one of them, and without introspection its
 *                                   keys are that server's alone; required, at least one
 * @param metadataEndpoint           a path where the metadata is also served, and which the 401 challenge
 *                                   names; default: served at Kong's default, the resource's path followed by
 *                                   {@code /.well-known/oauth-protected-resource}, while the challenge names the
 *                                   path-inserted well-known URL of {@code resource} (RFC 9728), always served
 * @param scopesSupported            scopes advertised in the metadata and in the 401 challenge
 * @param introspectionEndpoint      validate tokens by introspection (RFC 7662) here; when set it is used
 *                                   for every token (opaque tokens need it); default none: JWTs checked
 *                                   with the authorization server's keys
 * @param introspectionFormat        Kong's {@code base64}, {@code base64url} or {@code string}; accepted, no effect
 * @param cacheIntrospection         reuse an active introspection result until the token expires; default true
 * @param client                     how the gateway authenticates to the introspection endpoint
 *                                   ({@code client_id}, {@code client_secret}, {@code client_auth},
 *                                   {@code client_alg}, {@code client_jwk})
 * @param args                       extra form arguments of introspection requests
 * @param headers                    extra headers of introspection requests; never shown by the Admin API
 * @param claimHeaders               {@code claim_to_header} / {@code upstream_headers}: claims sent upstream as headers
 * @param relaxedAudience            {@code insecure_relaxed_audience_validation}: do not check {@code aud}; default false
 * @param jwksEndpoint               the authorization server's JWK Set URL; default: {@code jwks_uri} of its
 *                                   metadata; only with one authorization server (or introspection)
 * @param jwksCacheTtl               seconds keys are used before they are fetched again; default 3600
 * @param leeway                     {@code jwt_claims_leeway}: seconds of clock skew allowed on {@code exp}
 *                                   and {@code nbf}; default 0
 * @param discoveryEndpoint          {@code metadata_discovery_endpoint}: the authorization server's metadata
 *                                   document; must end in {@code /.well-known/openid-configuration} or
 *                                   {@code /.well-known/oauth-authorization-server}; default: derived from
 *                                   each of {@code authorization_servers} (RFC 8414, then OpenID discovery);
 *                                   only with one authorization server (or introspection)
 * @param discoveryRetry             {@code metadata_discovery_retry}: attempts per metadata URL; default 3
 * @param metadataCacheTtl           seconds the authorization server's metadata is reused; default 3600
 * @param passthroughCredentials     send the client's {@code Authorization} header upstream; default false:
 *                                   the client's token never reaches an upstream (MCP forbids token passthrough)
 * @param mapping                    consumer mapping ({@code consumer_claim}, {@code consumer_by},
 *                                   {@code consumer_optional}, {@code consumer_groups_claim},
 *                                   {@code consumer_groups_optional}, {@code credential_claim})
 * @param exchange                   {@code token_exchange}; only with one authorization server, whose
 *                                   {@code token_endpoint} it names
 * @param timeout                    milliseconds for each call to the authorization server, and the longest a request
 *                                   waits for a key set in all (however many wait for one fetch, its retry included, and
 *                                   with the one more fetch a key id the fetch it joined lacked may wait for); default 10000
 * @param maxRequestBodySize         Kong's body limit; accepted, no effect (the plugin reads no body)
 */
public record OAuth2Config(String resource, List<String> authorizationServers, String metadataEndpoint,
                           List<String> scopesSupported, String introspectionEndpoint, String introspectionFormat,
                           boolean cacheIntrospection, ClientAuth client, Map<String, String> args,
                           @JsonSerialize(using = Redacted.class) Map<String, String> headers,
                           List<ClaimHeader> claimHeaders, boolean relaxedAudience, String jwksEndpoint,
                           long jwksCacheTtl, long leeway, String discoveryEndpoint, int discoveryRetry,
                           long metadataCacheTtl, boolean passthroughCredentials, ConsumerMapping mapping,
                           ExchangeConfig exchange, int timeout, long maxRequestBodySize) implements PluginSettings {

    public OAuth2Config {
        authorizationServers = List.copyOf(authorizationServers);
        scopesSupported = List.copyOf(scopesSupported);
        args = Map.copyOf(args);
        headers = Map.copyOf(headers);
        claimHeaders = List.copyOf(claimHeaders);
    }

    static OAuth2Config read(ConfigNode node) {
        String resource = url(node, "resource", node.text("resource"));
        List<String> servers = node.texts("authorization_servers");
        if (servers.isEmpty()) {
            node.problem("authorization_servers", "needs at least one authorization server (its issuer URL)");
        }
        for (int i = 0; i < servers.size(); i++) {
            url(node, "authorization_servers[" + i + "]", servers.get(i));
        }
        String metadataEndpoint = node.text("metadata_endpoint", null);
        if (metadataEndpoint != null && !metadataEndpoint.startsWith("/")) {
            node.problem("metadata_endpoint", "must be a path starting with /");
        }
        String discovery = url(node, "metadata_discovery_endpoint", node.text("metadata_discovery_endpoint", null));
        if (discovery != null && !discovery.endsWith("/.well-known/openid-configuration")
                && !discovery.endsWith("/.well-known/oauth-authorization-server")) {
            node.problem("metadata_discovery_endpoint",
                    "must end in /.well-known/openid-configuration or /.well-known/oauth-authorization-server");
        }
        ClientAuth client = ClientAuth.read(node);
        refuseUnsupported(node);
        OAuth2Config config = new OAuth2Config(resource, servers, metadataEndpoint, node.texts("scopes_supported"),
                url(node, "introspection_endpoint", node.text("introspection_endpoint", null)),
                node.oneOf("introspection_format", null, List.of("base64", "base64url", "string")),
                node.bool("cache_introspection", true), client, strings(node, "args"), HeaderFields.read(node, "headers"),
                ClaimHeader.read(node), node.bool("insecure_relaxed_audience_validation", false),
                url(node, "jwks_endpoint", node.text("jwks_endpoint", null)),
                node.integer("jwks_cache_ttl", 3600, 0, Integer.MAX_VALUE),
                node.integer("jwt_claims_leeway", 0, 0, 86_400), discovery,
                (int) node.integer("metadata_discovery_retry", 3, 0, 10),
                node.integer("metadata_cache_ttl", 3600, 0, Integer.MAX_VALUE),
                node.bool("passthrough_credentials", false), ConsumerMapping.read(node),
                node.has("token_exchange") ? ExchangeConfig.read(ExchangeConfig.child(node, "token_exchange"), client)
                        : ExchangeConfig.OFF,
                (int) node.integer("timeout", 10_000, 1, 600_000),
                node.integer("max_request_body_size", 1_048_576, 0, Integer.MAX_VALUE));
        if (config.introspectionEndpoint() != null || config.exchange().enabled() && config.exchange().client() == client) {
            client.checkSigning(node);
        }
        if (config.introspectionEndpoint() == null && servers.size() > 1) {
            // each server's keys come from its own metadata: one URL for all would check every issuer's
            // tokens with one server's keys, so a token naming another server could be signed with them
            for (String field : List.of("jwks_endpoint", "metadata_discovery_endpoint")) {
                if (node.text(field, null) != null) {
                    node.problem(field, "is one authorization server's, but authorization_servers lists "
                            + servers.size() + ": each one's signing keys are found from its own issuer; remove "
                            + field + ", list one authorization server, or set introspection_endpoint");
                }
            }
        }
        if (config.severalIssuers() && !config.mapping().consumerClaim().isEmpty()) {
            // a consumer is one user, and each server names its users its own way: any of them could name
            // the consumer another's user is mapped to
            node.problem("consumer_claim", "maps a claim to a consumer, but authorization_servers lists "
                    + servers.size() + ", each naming its users on its own, so one server's token could name "
                    + "another's user's consumer: remove consumer_claim (callers are then told apart by issuer "
                    + "and credential_claim), or list one authorization server");
        }
        if (config.severalIssuers() && config.exchange().enabled()) {
            // RFC 8693 §2.1: the subject token goes to a server that can validate it, and one endpoint is one server's
            node.problem("token_exchange.enabled", "sends every token to one token_endpoint, but "
                    + "authorization_servers lists " + servers.size() + ": another server's tokens would be handed "
                    + "to a server that did not issue them; disable token_exchange, or list one authorization server");
        }
        if (config.exchange().enabled() && !config.passthroughCredentials()) {
            node.problem("token_exchange.enabled", "token exchange sends a token upstream: it needs "
                    + "passthrough_credentials: true (as in Kong); the client's own token is still never sent");
        }
        node.ignore("keepalive", "http_version");
        node.finish();
        return config;
    }

    /** The fields of Kong's schema Toolgate cannot honour: accepted only unset, so nothing is silently ignored. */
    private static void refuseUnsupported(ConfigNode node) {
        for (String field : List.of("mtls_introspection_endpoint", "tls_client_auth_cert", "tls_client_auth_key",
                "http_proxy", "http_proxy_authorization", "https_proxy", "https_proxy_authorization", "no_proxy")) {
            if (node.text(field, null) != null) {
                node.problem(field, "is not supported by Toolgate: remove it (the authorization server is called directly, without client certificates)");
            }
        }
        node.bool("tls_client_auth_ssl_verify", true);
        if (!node.bool("ssl_verify", true)) {
            node.problem("ssl_verify", "false is not supported: Toolgate always verifies the authorization server's certificate");
        }
    }

    /** {@code value}, with a problem at {@code key} unless it is an absolute http or https URL. */
    static String url(ConfigNode node, String key, String value) {
        if (value == null) {
            return null;
        }
        try {
            // said, not quoted: a refused value may carry a password in any shape, with or without a scheme
            URI uri = new URI(value);
            if (!uri.isAbsolute()) {
                node.problem(key, "must be an absolute http or https URL; this one has no scheme");
            } else if (!(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                node.problem(key, "must be an absolute http or https URL; this one's scheme is not http or https");
            } else if (uri.getHost() == null) {
                node.problem(key, "must be an absolute http or https URL; this one has no host");
            } else if (uri.getPort() == 0 || uri.getPort() > 65_535) {
                node.problem(key, "must have a port between 1 and 65535, or none");
            }
        } catch (java.net.URISyntaxException e) {
            node.problem(key, "is not a valid URL: " + e.getReason());
        }
        return value;
    }

    private static Map<String, String> strings(ConfigNode node, String key) {
        JsonNode value = node.any(key);
        Map<String, String> map = new LinkedHashMap<>();
        if (value == null) {
            return map;
        }
        if (!value.isObject()) {
            node.problem(key, "must be a map of strings");
            return map;
        }
        value.properties().forEach(e -> {
            if (e.getValue().isValueNode()) {
                map.put(e.getKey(), e.getValue().asText());
            } else {
                node.problem(key + "." + e.getKey(), "must be a string");
            }
        });
        return map;
    }

    /**
     * More than one authorization server, once a trailing slash no longer tells two apart: then a token's
     * {@code sub} means a user only together with its {@code iss}.
     */
    boolean severalIssuers() {
        return authorizationServers.stream().map(ServerMetadata::trim).distinct().count() > 1;
    }

    /** The path of {@code resource} ("" for none), where the metadata's well-known URL inserts it. */
    String resourcePath() {
        try {
            String path = URI.create(resource).getRawPath();
            return path == null || path.equals("/") ? "" : path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    /**
     * As the Admin API shows it: under Kong's names ({@code client_id}, {@code jwt_claims_leeway},
     * {@code token_exchange.request}), which Kong tooling reads and the reader takes back, not this record's.
     */
    @JsonValue
    public KongFields shown() {
        return KongFields.of(this);
    }

    /** Its secrets masked: a message or log line that quotes it must not carry them. */
    @Override
    public String toString() {
        return Redacted.describe(this);
    }
}
