package dev.toolgate.policy.oauth2;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.Set;

/**
 * The checks every accepted token passes, signed or introspected: it has not expired, is already
 * valid ({@code jwt_claims_leeway} of skew), was issued by one of the configured authorization
 * servers, and for this resource (RFC 8707 audience binding, unless
 * {@code insecure_relaxed_audience_validation}; see {@link ResourceIdentifier} for what counts as the same resource).
 */
final class ClaimRules {

    /** Why a token whose {@code iss} names no configured authorization server is refused. */
    static final String UNTRUSTED_ISSUER = "the token was not issued by a trusted authorization server";

    private final Set<String> issuers = new HashSet<>();
    /** Several servers: an introspection answer must name its issuer too, which tells their users apart. */
    private final boolean issuerRequired;
    /** {@code resource}, canonical: the {@code aud} a token must hold. */
    private final String audience;
    private final boolean relaxedAudience;
    private final long leeway;
    private final InstantSource clock;
    private final ServerMetadata metadata;

    ClaimRules(OAuth2Config config, ServerMetadata metadata, InstantSource clock) {
        config.authorizationServers().forEach(s -> issuers.add(ServerMetadata.trim(s)));
        this.issuerRequired = config.severalIssuers();
        this.audience = ResourceIdentifier.canonical(config.resource());
        this.relaxedAudience = config.relaxedAudience();
        this.leeway = config.leeway();
        this.clock = clock;
        this.metadata = metadata;
    }

    /**
     * What is wrong with these claims, in the gateway's words, or null when nothing is.
     *
     * @param introspected the authorization server vouched for the token (RFC 7662), where {@code exp} and
     *                     {@code iss} are optional
     */
    String problem(JsonNode claims, boolean introspected) {
        long now = clock.instant().getEpochSecond();
        JsonNode exp = claims.get("exp");
        if ((exp == null || !exp.isNumber()) && !introspected) {
            return "the token has no expiry (exp)";
        }
        if (exp != null && lasting(seconds(exp), leeway) <= now) {
            return "the token has expired";
        }
        JsonNode nbf = claims.get("nbf");
        if (nbf != null && (!nbf.isNumber() || seconds(nbf) > lasting(now, leeway))) {
            return "the token is not valid yet";
        }
        JsonNode iss = claims.get("iss");
        if (iss == null && introspected && issuerRequired) {
            return "the introspection answer names no issuer (iss), which tells apart the users of several authorization servers";
        }
        if ((iss != null || !introspected) && (iss == null || !iss.isTextual() || !issuer(ServerMetadata.trim(iss.asText())))) {
            return UNTRUSTED_ISSUER;
        }
        if (!relaxedAudience && !audience(claims.get("aud"))) {
            return "the token was not issued for this resource (aud)";
        }
        // DPoP (RFC 9449 §7.2) and mTLS (RFC 8705) tokens: sent as Bearer, their binding would go unchecked
        JsonNode cnf = claims.get("cnf");
        if (cnf != null && cnf.isObject() && (cnf.has("jkt") || cnf.has("x5t#S256"))) {
            return "the token is bound to a key or certificate (cnf): only bearer tokens are accepted here";
        }
        return null;
    }

    /** When the claims stop being valid (a minute from now for an introspection answer without {@code exp}). */
    Instant expires(JsonNode claims) {
        JsonNode exp = claims.get("exp");
        return exp != null && exp.isNumber() ? instant(lasting(seconds(exp), leeway)) : clock.instant().plusSeconds(60);
    }

    /**
     * Until when an introspection answer may be reused: the token's {@code exp} itself (a minute from now
     * without one). The leeway allows for skew between clocks when the claims are checked; it must not
     * stretch the authorization server's word past the expiry it named, after which it would say inactive.
     */
    Instant introspectedUntil(JsonNode claims) {
        JsonNode exp = claims.get("exp");
        return exp != null && exp.isNumber() ? instant(seconds(exp)) : clock.instant().plusSeconds(60);
    }

    /**
     * {@code seconds + more} ({@code more} is not negative), held at {@link Long#MAX_VALUE}: an authorization
     * server may sign a token that lives practically forever, and it must not wrap round to long expired.
     */
    static long lasting(long seconds, long more) {
        return seconds > Long.MAX_VALUE - more ? Long.MAX_VALUE : seconds + more;
    }

    /**
     * A numeric date (RFC 7519 §2) in whole seconds, held within a {@code long}: read as a {@code long} outright,
     * {@code 1e300} or {@code 2^64 + 1} would wrap round, an endless token to long expired and a far {@code nbf} to
     * valid now.
     */
    static long seconds(JsonNode date) {
        if (!date.isNumber() || date.canConvertToLong()) {
            return date.asLong();
        }
        return date.asDouble() > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }

    /** The instant this many seconds after the epoch, held within what an {@link Instant} can be (else a 500). */
    static Instant instant(long epochSecond) {
        return Instant.ofEpochSecond(Math.clamp(epochSecond, Instant.MIN.getEpochSecond(), Instant.MAX.getEpochSecond()));
    }

    private boolean issuer(String iss) {
        if (issuers.contains(iss)) {
            return true;
        }
        String discovered = metadata.issuer();
        return discovered != null && ServerMetadata.trim(discovered).equals(iss);
    }

    private boolean audience(JsonNode aud) {
        if (aud == null) {
            return false;
        }
        if (aud.isTextual()) {
            return audience.equals(ResourceIdentifier.canonical(aud.asText()));
        }
        for (JsonNode item : aud) {
            if (item.isTextual() && audience.equals(ResourceIdentifier.canonical(item.asText()))) {
                return true;
            }
        }
        return false;
    }
}
