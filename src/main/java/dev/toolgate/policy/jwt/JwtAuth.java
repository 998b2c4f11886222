package dev.toolgate.policy.jwt;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import dev.toolgate.config.Consumer;
import dev.toolgate.error.GatewayError;
import dev.toolgate.mcp.Json;
import dev.toolgate.pipeline.Consumers;
import dev.toolgate.pipeline.Decision;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.LocalAuthentication;
import dev.toolgate.pipeline.NamedCredentials;
import dev.toolgate.pipeline.Principal;
import dev.toolgate.policy.Realm;
import io.vertx.core.Future;

import java.text.ParseException;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Kong's {@code jwt}: finds the token (query arguments, then cookies, then {@code Bearer} headers),
 * picks the consumer's secret by the token's {@code key_claim_name}, checks the algorithm is the
 * secret's, the signature, and the claims to verify; answers 401 with Kong's words otherwise, or falls
 * back to {@code anonymous}. Every place a token was read is consumed: it never goes upstream, nor when
 * jwt lets the request pass unread (a preflight with {@code run_on_preflight: false}, a caller another
 * plugin authenticated). CPU only, so whom a request's token names is known without running it
 * ({@link #identify}).
 */
final class JwtAuth implements LocalAuthentication, NamedCredentials {

    static final Set<String> ALGORITHMS = Set.of("HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256",
            "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA");

    private final JwtConfig config;
    private final JwtSecrets secrets;
    private final Consumers consumers;
    private final Consumer anonymous;
    private final InstantSource clock;
    private final String challenge;

    JwtAuth(JwtConfig config, JwtSecrets secrets, Consumers consumers, Consumer anonymous, InstantSource clock) {
        this.config = config;
        this.secrets = secrets;
        this.consumers = consumers;
        this.anonymous = anonymous;
        this.clock = clock;
        this.challenge = Realm.challenge("Bearer", config.realm());
    }

    @Override
    public Future<Decision> admit(Exchange exchange) {
        Future<Decision> skipped = skipped(exchange);
        if (skipped != null) {
            return skipped;
        }
        String failure = authenticate(exchange, TokenPlaces.find(exchange, config));
        if (failure == null) {
            return Decision.PROCEED;
        }
        if (anonymous != null) {
            exchange.authenticate(consumers.principal(anonymous, null));
            return Decision.PROCEED;
        }
        return Decision.reject(new GatewayError.Unauthenticated(failure,
                failure.equals("Unauthorized") ? challenge : challenge + " error=\"invalid_token\""));
    }

    /** Whom {@link #admit} would record; null when it would refuse the request. */
    @Override
    public Principal identify(Exchange exchange) {
        Checked checked = check(exchange, TokenPlaces.read(exchange, config));
        return checked.caller() != null ? checked.caller()
                : anonymous == null ? null : consumers.principal(anonymous, null);
    }

    @Override
    public boolean skips(Exchange exchange, Principal before) {
        return NamedCredentials.skips(exchange, before, config.runOnPreflight(), anonymous != null);
    }

    @Override
    public Future<Void> withhold(Exchange exchange) {
        // consumes every place a token could be, as for a request jwt reads; the tokens are not looked at
        TokenPlaces.find(exchange, config);
        return Future.succeededFuture();
    }

    /**
     * The {@code header_names}, {@code uri_param_names} and {@code cookie_names}: the cookies themselves
     * travel in the always-masked {@code Cookie}, but a payload field so named may hold the same token.
     */
    @Override
    public List<String> credentialNames() {
        return Stream.of(config.headerNames(), config.uriParamNames(), config.cookieNames())
                .flatMap(List::stream).toList();
    }

    @Override
    public List<String> cookieNames() {
        return config.cookieNames();
    }

    /** Kong's message for why the tokens found do not authenticate, or null when they do (the caller recorded). */
    private String authenticate(Exchange exchange, List<String> tokens) {
        Checked checked = check(exchange, tokens);
        if (checked.failure() != null) {
            return checked.failure();
        }
        exchange.authenticate(checked.caller());
        for (String name : config.headerNames()) {
            String value = exchange.header(name);
            if (value != null && checked.token().equals(TokenPlaces.bearer(value))) {
                exchange.credentials().presentedToken(name, checked.token());
            }
        }
        return null;
    }

    /**
     * What the tokens found say: the caller the one token authenticates, or Kong's message for why not.
     *
     * @param caller  null when refused
     * @param token   the token that authenticated, or null
     * @param failure Kong's message, or null when authenticated
     */
    private record Checked(Principal caller, String token, String failure) {

        static Checked refused(String failure) {
            return new Checked(null, null, failure);
        }
    }

    private Checked check(Exchange exchange, List<String> tokens) {
        if (tokens.isEmpty()) {
            return Checked.refused("Unauthorized");
        }
        if (tokens.size() > 1) {
            return Checked.refused("Multiple tokens provided");
        }
        String token = tokens.getFirst();
        SignedJWT jwt;
        try {
            JWT parsed = JWTParser.parse(token);
            if (!(parsed instanceof SignedJWT signed) || !ALGORITHMS.contains(signed.getHeader().getAlgorithm().getName())) {
                return Checked.refused("Bad token; invalid alg");
            }
            jwt = signed;
        } catch (ParseException e) {
            return Checked.refused("Bad token; invalid JSON");
        }
        // the payload as a JSON object, not Nimbus's typed claims set: a claim of the wrong type (exp as
        // text) is Kong's claim error below, not a token that is no JSON
        Map<String, Object> payload = jwt.getPayload().toJSONObject();
        if (payload == null) {
            return Checked.refused("Bad token; invalid JSON");
        }
        JsonNode claims = Json.MAPPER.valueToTree(payload);
        Object headerKey = jwt.getHeader().toJSONObject().get(config.keyClaimName());
        JsonNode claimKey = claims.get(config.keyClaimName());
        String key = claimKey != null && claimKey.isTextual() ? claimKey.asText() : headerKey instanceof String s ? s : null;
        if (key == null) {
            return Checked.refused("No mandatory '" + config.keyClaimName() + "' in claims");
        }
        if (key.isEmpty()) {
            return Checked.refused("Invalid '" + config.keyClaimName() + "' in claims");
        }
        JwtSecrets.Secret secret = secrets.byKey(key);
        if (secret == null) {
            return Checked.refused("No credentials found for given '" + config.keyClaimName() + "'");
        }
        if (!jwt.getHeader().getAlgorithm().getName().equals(secret.entry().algorithm())) {
            return Checked.refused("Invalid algorithm");
        }
        if (!verified(exchange, jwt, token, secret)) {
            return Checked.refused("Invalid signature");
        }
        String claimErrors = claimErrors(claims);
        if (claimErrors != null) {
            return Checked.refused(claimErrors);
        }
        return new Checked(new Principal(secret.consumer(), consumers.groupsOf(secret.consumer()),
                new Principal.Credential(key, "jwt", secret.entry().id()), claims, List.of(), false), token, null);
    }

    /**
     * The token's signature checked with the secret, once per token and secret within the HTTP request
     * ({@link dev.toolgate.pipeline.RequestMemo}): a listener's owning routes, each with its own jwt instance,
     * read the same token for every message of a batch and for the calls' replays, and a signature check is
     * the costly part. The result depends on nothing else, so one check stands for all of them.
     */
    private boolean verified(Exchange exchange, SignedJWT jwt, String token, JwtSecrets.Secret secret) {
        return exchange.memo().get(new Signature(token, secret.entry(), config.secretIsBase64()), () -> {
            try {
                return jwt.verify(secret.verifier());
            } catch (JOSEException e) {
                return false;
            }
        });
    }

    /** The key of a signature check: the token, and the secret as configured and as decoded. */
    private record Signature(String token, Consumer.JwtSecret secret, boolean secretIsBase64) {
    }

    /**
     * Kong's registered-claim checks, as {@code claim: error} pairs joined, or null. {@code exp} and {@code nbf}
     * are NumericDates, which may have a fraction (RFC 7519 §2): they are compared with the instant to the
     * millisecond, as written, never cut to whole seconds (a token would be refused before its {@code exp},
     * or taken before its {@code nbf}).
     */
    private String claimErrors(JsonNode claims) {
        double now = clock.millis() / 1000.0;
        Map<String, String> errors = new LinkedHashMap<>();
        for (String name : config.claimsToVerify()) {
            JsonNode value = claims.get(name);
            if (value == null || !value.isNumber()) {
                errors.put(name, "must be a number");
            } else if (name.equals("exp") && value.asDouble() <= now) {
                errors.put(name, "token expired");
            } else if (name.equals("nbf") && value.asDouble() > now) {
                errors.put(name, "token not valid yet");
            }
        }
        if (errors.isEmpty() && config.maximumExpiration() > 0) {
            JsonNode exp = claims.get("exp");
            if (exp == null || exp.asDouble() - now > config.maximumExpiration()) {
                errors.put("exp", "exceeds maximum allowed expiration");
            }
        }
        if (errors.isEmpty()) {
            return null;
        }
        List<String> parts = errors.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList();
        return String.join("; ", parts);
    }
}
