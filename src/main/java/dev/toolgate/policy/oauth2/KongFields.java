package dev.toolgate.policy.oauth2;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.toolgate.config.NoSecret;
import dev.toolgate.config.Redacted;

import java.util.List;
import java.util.Map;

/**
 * An {@link OAuth2Config} under the names of Kong's schema, with its defaults filled: what the Admin API shows.
 * Kong tooling reads {@code GET /plugins} by these names (a decK dump), and the config reader takes them back,
 * so a dump loads again once its redacted secrets are supplied. The record's own shape ({@code client},
 * {@code mapping}, {@code exchange}) is how the plugin uses its settings, not how anyone writes them.
 * The secrets are masked as in the record: {@code client_secret}, {@code client_jwk}, {@code headers},
 * {@code token_exchange.client_secret} and {@code token_exchange.request.actor_token}; {@code client_auth} and
 * {@code token_exchange} read like secrets, but are a method's name and an object of fields judged one by one.
 *
 * @param claimToHeader   {@code claim_to_header}, when the file wrote that; else null
 * @param upstreamHeaders {@code upstream_headers}, when the file wrote that; else null
 */
public record KongFields(String resource, List<String> authorizationServers, String metadataEndpoint,
                         List<String> scopesSupported, String introspectionEndpoint, String introspectionFormat,
                         boolean cacheIntrospection, String clientId,
                         @JsonSerialize(using = Redacted.class) String clientSecret, @NoSecret String clientAuth,
                         String clientAlg, @JsonSerialize(using = Redacted.class) String clientJwk,
                         Map<String, String> args, @JsonSerialize(using = Redacted.class) Map<String, String> headers,
                         List<ClaimToHeader> claimToHeader, List<UpstreamHeader> upstreamHeaders,
                         boolean insecureRelaxedAudienceValidation, String jwksEndpoint, long jwksCacheTtl,
                         long jwtClaimsLeeway, String metadataDiscoveryEndpoint, int metadataDiscoveryRetry,
                         long metadataCacheTtl, boolean passthroughCredentials, List<String> consumerClaim,
                         List<String> consumerBy, boolean consumerOptional, List<String> consumerGroupsClaim,
                         boolean consumerGroupsOptional, List<String> credentialClaim,
                         @NoSecret TokenExchange tokenExchange, int timeout, long maxRequestBodySize) {

    /** An entry of {@code claim_to_header}: a top-level claim. */
    public record ClaimToHeader(String claim, String header) {
    }

    /** An entry of {@code upstream_headers}: a claim by its path. */
    public record UpstreamHeader(String header, List<String> path) {
    }

    /**
     * {@code token_exchange}.
     *
     * @param clientAuth {@code inherit} when it reuses the plugin's own credentials (then no id or secret)
     */
    public record TokenExchange(boolean enabled, String tokenEndpoint, @NoSecret String clientAuth, String clientId,
                                @JsonSerialize(using = Redacted.class) String clientSecret, Request request,
                                Cache cache) {
    }

    /** {@code token_exchange.request}. */
    public record Request(String subjectTokenType, String requestedTokenType, String actorTokenSource,
                          String actorTokenHeader, @JsonSerialize(using = Redacted.class) String actorToken,
                          String actorTokenType, List<String> audience, List<String> scopes, String resource) {
    }

    /** {@code token_exchange.cache}. */
    public record Cache(boolean enabled, long ttl) {
    }

    static KongFields of(OAuth2Config config) {
        ClientAuth client = config.client();
        ConsumerMapping mapping = config.mapping();
        // the two spellings are exclusive (the reader refuses both at once): the entries say which was written
        boolean nested = config.claimHeaders().stream().anyMatch(ClaimHeader::nested);
        List<ClaimToHeader> topLevel = config.claimHeaders().isEmpty() || nested ? null : config.claimHeaders().stream()
                .map(h -> new ClaimToHeader(h.path().getFirst(), h.header())).toList();
        List<UpstreamHeader> byPath = !nested ? null : config.claimHeaders().stream()
                .map(h -> new UpstreamHeader(h.header(), h.path())).toList();
        return new KongFields(config.resource(), config.authorizationServers(), config.metadataEndpoint(),
                config.scopesSupported(), config.introspectionEndpoint(), config.introspectionFormat(),
                config.cacheIntrospection(), client.clientId(), client.clientSecret(), client.method(),
                client.algorithm(), client.jwk(), config.args(), config.headers(), topLevel, byPath,
                config.relaxedAudience(), config.jwksEndpoint(), config.jwksCacheTtl(), config.leeway(),
                config.discoveryEndpoint(), config.discoveryRetry(), config.metadataCacheTtl(),
                config.passthroughCredentials(), mapping.consumerClaim(), mapping.consumerBy(),
                mapping.consumerOptional(), mapping.groupsClaim(), mapping.groupsOptional(), mapping.credentialClaim(),
                exchange(config.exchange(), client), config.timeout(), config.maxRequestBodySize());
    }

    private static TokenExchange exchange(ExchangeConfig exchange, ClientAuth plugins) {
        ClientAuth client = exchange.client();
        // the reader hands an inheriting exchange the plugin's very credentials
        boolean inherits = client == plugins;
        return new TokenExchange(exchange.enabled(), exchange.tokenEndpoint(), inherits ? "inherit" : client.method(),
                inherits ? null : client.clientId(), inherits ? null : client.clientSecret(),
                new Request(exchange.subjectTokenType(), exchange.requestedTokenType(), exchange.actorTokenSource(),
                        exchange.actorTokenHeader(), exchange.actorToken(), exchange.actorTokenType(),
                        exchange.audience(), exchange.scopes(), exchange.resource()),
                new Cache(exchange.cache(), exchange.cacheTtl()));
    }
}
