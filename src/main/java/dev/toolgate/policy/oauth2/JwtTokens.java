package dev.toolgate.policy.oauth2;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.toolgate.mcp.Json;
import dev.toolgate.policy.Blocking;
import io.vertx.core.Future;

import java.util.Set;

/**
 * Access tokens that are JWTs signed by an authorization server, checked with the keys published by
 * the one their {@code iss} names ({@link IssuerKeys}; Nimbus's JWT processor). The accepted
 * algorithms are the asymmetric ones, and a key is used only for the algorithms of its type:
 * {@code none} and HMAC tokens (an HMAC "signed" with a public key) are refused whatever their
 * header says. With the keys known the check runs on the event loop
 * (CPU only); an unknown key id, or no keys yet, fetches them on a virtual thread.
 *
 * <p>A token found valid is remembered (by digest) with the key set that verified it, until it
 * expires: the next requests with it cost a digest instead of an RSA or EC verification (most of a
 * converted call's CPU otherwise). Checking it again could only give the same answer: its signature
 * and claims do not change, and it was already valid ({@code nbf}); a new key set (a refresh) makes
 * it be verified again.
 */
final class JwtTokens {

    /** A valid token's verdict, the key set that verified it and the server's keys that set came from. */
    private record Verified(Verdict.Valid verdict, JWKSet keys, SigningKeys source) {
    }

    static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384,
            JWSAlgorithm.ES512);
    private static final DefaultJOSEObjectTypeVerifier<SecurityContext> TYPES = new DefaultJOSEObjectTypeVerifier<>(
            JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), new JOSEObjectType("application/at+jwt"), null);
    /** Why a token whose claims are no JWT claims set (a {@code sub} that is an object, {@code exp: 1e999}) is refused. */
    static final String MALFORMED_CLAIMS = "the token's claims are malformed";

    /** Longer tokens are refused unread: no authorization server issues them, and parsing costs. */
    static final int MAX_LENGTH = 16 * 1024;

    private final IssuerKeys keys;
    private final ClaimRules rules;
    private final ExpiringCache<Verified> verified;

    JwtTokens(IssuerKeys keys, ClaimRules rules, java.time.InstantSource clock) {
        this.keys = keys;
        this.rules = rules;
        this.verified = new ExpiringCache<>(clock, 10_000);
    }

    Future<Verdict> check(String token) {
        if (token.length() > MAX_LENGTH) {
            return Future.succeededFuture(new Verdict.Invalid("the token is too long"));
        }
        String digest = Tokens.digest(token);
        Verified hit = verified.get(digest);
        if (hit != null && hit.keys() == hit.source().usable()) {
            return Future.succeededFuture(hit.verdict());
        }
        SignedJWT jwt;
        try {
            JWT parsed = JWTParser.parse(token);
            if (!(parsed instanceof SignedJWT signed)) {
                return Future.succeededFuture(new Verdict.Invalid("the token is not a signed JWT"));
            }
            jwt = signed;
        } catch (java.text.ParseException e) {
            return Future.succeededFuture(new Verdict.Invalid("the token is not a JWT"));
        }
        JWSHeader header = jwt.getHeader();
        if (!ALGORITHMS.contains(header.getAlgorithm())) {
            return Future.succeededFuture(new Verdict.Invalid("the token's algorithm is not accepted"));
        }
        JWTClaimsSet claims;
        try {
            // read unverified, as Nimbus reads them before the signature too: a payload no server would sign
            claims = jwt.getJWTClaimsSet();
        } catch (java.text.ParseException e) {
            return Future.succeededFuture(new Verdict.Invalid(MALFORMED_CLAIMS));
        }
        // the issuer chooses the keys, before any is looked at: never another listed server's
        SigningKeys issuer = keys.of(claims);
        if (issuer == null) {
            return Future.succeededFuture(new Verdict.Invalid(ClaimRules.UNTRUSTED_ISSUER));
        }
        JWKSet known = issuer.usable();
        if (known != null && !new JWKSelector(JWKMatcher.forJWSHeader(header)).select(known).isEmpty()) {
            return Future.succeededFuture(remember(digest, verify(jwt, known), known, issuer));
        }
        // no keys yet, or a key id the known keys lack (rotation): fetch, off the event loop
        return Blocking.call("jwks-fetch", () -> {
                    JWKSet loaded = issuer.load(header);
                    return remember(digest, verify(jwt, loaded), loaded, issuer);
                })
                .recover(failure -> Future.succeededFuture(failure instanceof KeySetSource.Held held
                        // the server is not out: the gateway's refetch limit is spent (perhaps by made-up key ids)
                        ? new Verdict.Busy(held.getMessage(), held.retryAfterSeconds())
                        : new Verdict.Unavailable(issuer.server(), failure.getMessage())));
    }

    private Verdict remember(String digest, Verdict verdict, JWKSet set, SigningKeys source) {
        if (verdict instanceof Verdict.Valid valid) {
            verified.put(digest, new Verified(valid, set, source), valid.expires());
        }
        return verdict;
    }

    private Verdict verify(SignedJWT jwt, JWKSet set) {
        if (new JWKSelector(JWKMatcher.forJWSHeader(jwt.getHeader())).select(set).isEmpty()) {
            return new Verdict.Invalid("no key of the authorization server matches the token's key id");
        }
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(TYPES);
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, new ImmutableJWKSet<>(set)));
        // ClaimRules checks the claims, with the gateway's clock
        processor.setJWTClaimsSetVerifier((claims, context) -> {
        });
        JWTClaimsSet claims;
        try {
            claims = processor.process(jwt, null);
        } catch (BadJOSEException | com.nimbusds.jose.JOSEException e) {
            return new Verdict.Invalid("the token's signature does not verify with the authorization server's keys");
        }
        JsonNode tree = Json.MAPPER.valueToTree(claims.toJSONObject());
        String problem = rules.problem(tree, false);
        return problem == null ? new Verdict.Valid(tree, rules.expires(tree)) : new Verdict.Invalid(problem);
    }
}
