package dev.toolgate.policy.oauth2;

import com.nimbusds.jwt.JWTClaimsSet;

import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The signing keys a token is checked with, chosen by the authorization server its {@code iss} names.
 * Each listed server's keys are its own, discovered from its own metadata: a key id two servers both
 * publish still picks one server's key, so a token signed by one cannot pass as the other's, and one
 * server being unreachable leaves the others' tokens alone.
 *
 * <p>With one server every token is checked with its keys, as before there could be several: its
 * {@code iss} is judged after the signature, where the issuer a {@code metadata_discovery_endpoint}
 * names also counts ({@link ClaimRules}).
 */
final class IssuerKeys {

    /** By issuer as {@link ServerMetadata#trim} compares them (the comparison {@link ClaimRules} makes). */
    private final Map<String, SigningKeys> byIssuer;
    /** The keys of the only server, or null when there are several. */
    private final SigningKeys only;

    private IssuerKeys(Map<String, SigningKeys> byIssuer) {
        this.byIssuer = Map.copyOf(byIssuer);
        this.only = byIssuer.size() == 1 ? byIssuer.values().iterator().next() : null;
    }

    /**
     * A key source per server of {@code config}; {@code first} is the first server's metadata, shared with
     * {@link ClaimRules}; each tells {@code outage} when its server fails and answers again.
     */
    static IssuerKeys of(OAuth2Config config, ServerMetadata first, InstantSource clock, OutageWarnings outage) {
        Map<String, SigningKeys> keys = new LinkedHashMap<>();
        for (String server : config.authorizationServers()) {
            ServerMetadata metadata = server.equals(first.server()) ? first : new ServerMetadata(config, server, clock);
            keys.putIfAbsent(ServerMetadata.trim(server), new SigningKeys(config, metadata, clock, outage));
        }
        return new IssuerKeys(keys);
    }

    /**
     * The keys to check a token with, by its {@code claims} (read unverified, only to choose the keys: the
     * signature those keys verify is what vouches for them), or null when its {@code iss} names none of
     * several servers: then no key is fetched for it, from anyone.
     */
    SigningKeys of(JWTClaimsSet claims) {
        if (only != null) {
            return only;
        }
        return claims.getClaim("iss") instanceof String issuer ? byIssuer.get(ServerMetadata.trim(issuer)) : null;
    }
}
