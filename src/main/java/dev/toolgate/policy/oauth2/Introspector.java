package dev.toolgate.policy.oauth2;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.token.TypelessAccessToken;
import dev.toolgate.mcp.Json;
import io.vertx.core.Future;

import java.net.URI;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tokens checked by asking the authorization server (RFC 7662 introspection, Nimbus's request and
 * response), for opaque tokens or when revocation must count at once. An active answer is reused until
 * the token's {@code exp} and never later ({@code cache_introspection}; {@code jwt_claims_leeway} does not
 * stretch it), so only the first request of a token waits, on a virtual thread; requests that bring the
 * same new token at once share its introspection, and at most {@value SharedCalls#LIMIT} run at once
 * ({@link SharedCalls}).
 */
final class Introspector {

    /** How long a refusal (inactive, or claims that do not fit) is reused. */
    static final int REFUSAL_SECONDS = 10;

    private final OAuth2Config config;
    private final ClaimRules rules;
    private final URI endpoint;
    private final ExpiringCache<Verdict.Valid> cache;
    /** Refusals, reused for {@value #REFUSAL_SECONDS} s: the same made-up token again is no new call. */
    private final ExpiringCache<Verdict.Invalid> refused;
    private final InstantSource clock;
    /** Told when the endpoint answers: the end of an outage the plugin warned of. */
    private final OutageWarnings outage;
    private final SharedCalls<Verdict> calls = new SharedCalls<>("introspection", SharedCalls.LIMIT, SharedCalls.SHARE);

    Introspector(OAuth2Config config, ClaimRules rules, InstantSource clock, OutageWarnings outage) {
        this.config = config;
        this.rules = rules;
        this.endpoint = URI.create(config.introspectionEndpoint());
        this.cache = new ExpiringCache<>(clock, 10_000);
        this.refused = new ExpiringCache<>(clock, 10_000);
        this.clock = clock;
        this.outage = outage;
    }

    /** The verdict on {@code token}, brought by a client at {@code client} (its address, for its share of calls). */
    Future<Verdict> check(String token, String client) {
        if (token.length() > JwtTokens.MAX_LENGTH) {
            return Future.succeededFuture(new Verdict.Invalid("the token is too long"));
        }
        String key = Tokens.digest(token);
        Verdict.Valid known = config.cacheIntrospection() ? cache.get(key) : null;
        if (known != null) {
            return Future.succeededFuture(known);
        }
        Verdict.Invalid refusal = refused.get(key);
        if (refusal != null) {
            return Future.succeededFuture(refusal);
        }
        return calls.call(key, client, () -> refuseBriefly(key, introspect(token, key)), () -> new Verdict.Busy(
                "introspection: " + SharedCalls.LIMIT + " introspections in flight, or " + SharedCalls.SHARE
                        + " for one client address"));
    }

    private Verdict refuseBriefly(String key, Verdict verdict) {
        if (verdict instanceof Verdict.Invalid invalid) {
            refused.put(key, invalid, clock.instant().plusSeconds(REFUSAL_SECONDS));
        }
        return verdict;
    }

    private Verdict introspect(String token, String key) throws Exception {
        Map<String, List<String>> params = new HashMap<>();
        config.args().forEach((name, value) -> params.put(name, List.of(value)));
        if (config.client().none() && config.client().clientId() != null) {
            params.put("client_id", List.of(config.client().clientId()));
        }
        HTTPRequest request = new TokenIntrospectionRequest(endpoint, config.client().authentication(endpoint),
                new TypelessAccessToken(token), params).toHTTPRequest();
        config.headers().forEach((name, value) -> request.setHeader(name, value));
        request.setConnectTimeout(config.timeout());
        request.setReadTimeout(config.timeout());
        HTTPResponse response;
        try {
            response = request.send(BoundedSender.INSTANCE);
        } catch (java.io.IOException e) {
            return new Verdict.Unavailable(endpoint.toString(),
                    "introspection at " + endpoint + " failed: " + e.getMessage());
        }
        TokenIntrospectionResponse answer;
        try {
            answer = TokenIntrospectionResponse.parse(response);
        } catch (ParseException e) {
            return new Verdict.Unavailable(endpoint.toString(),
                    "introspection at " + endpoint + " answered " + response.getStatusCode() + " with an unreadable body");
        }
        if (!answer.indicatesSuccess()) {
            // logged by the plugin's outage warnings, at most once a minute
            String code = answer.toErrorResponse().getErrorObject().getCode();
            return new Verdict.Unavailable(endpoint.toString(), "introspection at " + endpoint + " answered "
                    + response.getStatusCode() + (code == null ? "" : " " + code)
                    + " (check client_id, client_secret and client_auth)");
        }
        outage.answered(endpoint.toString());
        TokenIntrospectionSuccessResponse success = answer.toSuccessResponse();
        if (!success.isActive()) {
            return new Verdict.Invalid("the token is not active");
        }
        JsonNode claims = Json.MAPPER.valueToTree(success.toJSONObject());
        String problem = rules.problem(claims, true);
        if (problem != null) {
            return new Verdict.Invalid(problem);
        }
        Verdict.Valid valid = new Verdict.Valid(claims, rules.introspectedUntil(claims));
        if (config.cacheIntrospection()) {
            cache.put(key, valid, valid.expires());
        }
        return valid;
    }
}
