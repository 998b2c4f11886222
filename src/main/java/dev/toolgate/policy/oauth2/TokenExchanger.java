package dev.toolgate.policy.oauth2;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.token.TokenTypeURI;
import com.nimbusds.oauth2.sdk.token.TypelessToken;
import com.nimbusds.oauth2.sdk.tokenexchange.TokenExchangeGrant;
import dev.toolgate.config.Redacted;
import dev.toolgate.mcp.Json;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Token exchange (RFC 8693, Nimbus's token request): the client's validated token is the subject
 * token, and the upstream gets the token the authorization server mints in return, never the
 * client's. Its claims (a JWT's, or the scope the token endpoint names) are what the route's tool ACLs on
 * token claims judge from then on, as in Kong 3.14.0.3. Exchanged tokens are reused for the same client token (and actor token) until
 * {@code expires_in}, else {@code cache.ttl}. Concurrent requests with the same tokens share one
 * exchange, and at most {@value SharedCalls#LIMIT} run at once ({@link SharedCalls}).
 */
final class TokenExchanger {

    private static final Logger LOG = LoggerFactory.getLogger(TokenExchanger.class);

    /** What the exchange got: a token, or why there is none. */
    sealed interface Outcome {
        /**
         * @param token  the token the upstream gets
         * @param claims its claims when it is a JWT (from the token endpoint itself, so not verified again), else null
         * @param scope  the scope the token endpoint said it has, or null
         */
        record Exchanged(String token, JsonNode claims, String scope) implements Outcome {
            /** Its secrets masked: a message or log line that quotes it must not carry them. */
            @Override
            public String toString() {
                return Redacted.describe(this);
            }
        }

        /** The authorization server refused: 403. */
        record Refused(String error) implements Outcome {
        }

        /** It could not be asked: 503. */
        record Unreachable(String detail) implements Outcome {
        }

        /** The gateway's exchanges in flight are all taken: 503, saying so (the server itself may be fine). */
        record Busy(String detail) implements Outcome {
        }
    }

    /**
     * The error codes (RFC 6749 §5.2, RFC 8693 §2.2.2, and {@code access_denied} as Keycloak answers a subject
     * it may not exchange) by which the authorization server, answering 4xx, turns down this client's token
     * or what is asked for it: 403. Any other answer (an outage, a body without a code, {@code invalid_client},
     * {@code server_error}) says the exchange could not be done at all: 503, warned of at most once a minute.
     */
    private static final java.util.Set<String> REFUSING_THE_TOKEN = java.util.Set.of("invalid_grant",
            "invalid_request", "invalid_scope", "invalid_target", "access_denied", "invalid_token");

    private final ExchangeConfig config;
    private final int timeout;
    private final URI endpoint;
    private final InstantSource clock;
    /** Told when the token endpoint answers: the end of an outage the plugin warned of. */
    private final OutageWarnings outage;
    private final ExpiringCache<Outcome.Exchanged> cache;
    private final SharedCalls<Outcome> calls = new SharedCalls<>("token-exchange");

    TokenExchanger(ExchangeConfig config, int timeout, InstantSource clock, OutageWarnings outage) {
        this.config = config;
        this.timeout = timeout;
        this.endpoint = URI.create(config.tokenEndpoint());
        this.clock = clock;
        this.outage = outage;
        this.cache = new ExpiringCache<>(clock, 10_000);
    }

    /** @param actor the actor token, or null */
    Future<Outcome> exchange(String subject, String actor) {
        String key = Tokens.digest(subject + '\u0000' + (actor == null ? "" : actor));
        Outcome.Exchanged known = config.cache() ? cache.get(key) : null;
        if (known != null) {
            return Future.succeededFuture(known);
        }
        return calls.call(key, () -> request(subject, actor, key), () -> new Outcome.Busy(
                "token exchange: " + SharedCalls.LIMIT + " exchanges in flight already"));
    }

    private Outcome request(String subject, String actor, String key) throws Exception {
        TokenExchangeGrant grant = new TokenExchangeGrant(new TypelessToken(subject),
                TokenTypeURI.parse(config.subjectTokenType()),
                actor == null ? null : new TypelessToken(actor),
                actor == null ? null : TokenTypeURI.parse(config.actorTokenType()),
                TokenTypeURI.parse(config.requestedTokenType()),
                config.audience().isEmpty() ? null : Audience.create(config.audience()));
        Map<String, List<String>> params = new HashMap<>();
        ClientAuthentication authentication = config.client() == null ? null : config.client().authentication(endpoint);
        if (authentication == null && config.client() != null && config.client().clientId() != null) {
            params.put("client_id", List.of(config.client().clientId()));
        }
        HTTPRequest request = new TokenRequest(endpoint, authentication, grant,
                config.scopes().isEmpty() ? null : new Scope(config.scopes().toArray(String[]::new)),
                config.resource() == null ? null : List.of(URI.create(config.resource())), params).toHTTPRequest();
        request.setConnectTimeout(timeout);
        request.setReadTimeout(timeout);
        HTTPResponse response;
        try {
            response = request.send(BoundedSender.INSTANCE);
        } catch (IOException e) {
            return new Outcome.Unreachable("token exchange at " + endpoint + " failed: " + e.getMessage());
        }
        TokenResponse answer;
        try {
            answer = TokenResponse.parse(response);
        } catch (ParseException e) {
            return new Outcome.Unreachable("token exchange at " + endpoint + " answered " + response.getStatusCode()
                    + " with an unreadable body");
        }
        if (!answer.indicatesSuccess()) {
            String code = answer.toErrorResponse().getErrorObject().getCode();
            int status = response.getStatusCode();
            // a 401 is the token endpoint refusing the gateway's own client authentication, whatever its code
            if (status < 400 || status >= 500 || status == 401 || status == 408 || status == 429 || code == null
                    || !REFUSING_THE_TOKEN.contains(code)) {
                // Nimbus reads any status but 200 as an error answer, a balancer's empty 503 included
                return new Outcome.Unreachable("token exchange at " + endpoint + " answered "
                        + response.getStatusCode() + (code == null ? "" : " " + code)
                        + " (check token_endpoint, client_id, client_secret and client_auth)");
            }
            outage.answered(config.tokenEndpoint());
            LOG.debug("token exchange at {} refused: {}", endpoint, answer.toErrorResponse().getErrorObject());
            return new Outcome.Refused(code);
        }
        outage.answered(config.tokenEndpoint());
        var token = ((AccessTokenResponse) answer).getTokens().getAccessToken();
        long lifetime = token.getLifetime() > 0 ? token.getLifetime() : config.cacheTtl();
        Outcome.Exchanged exchanged = new Outcome.Exchanged(token.getValue(), claimsOf(token.getValue()),
                token.getScope() == null ? null : token.getScope().toString());
        if (config.cache()) {
            cache.put(key, exchanged, ClaimRules.instant(ClaimRules.lasting(clock.instant().getEpochSecond(), lifetime)));
        }
        return exchanged;
    }

    /** The claims of a JWT, or null for an opaque token. */
    private static JsonNode claimsOf(String token) {
        if (token.chars().filter(c -> c == '.').count() != 2) {
            return null;
        }
        try {
            return Json.MAPPER.valueToTree(JWTParser.parse(token).getJWTClaimsSet().toJSONObject());
        } catch (java.text.ParseException | IllegalArgumentException e) {
            return null;
        }
    }
}
