package dev.toolgate.policy.oauth2;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;

import java.time.Instant;
import java.util.Date;
import java.util.function.UnaryOperator;

/** Tokens an authorization server would never issue, forged for the tests that refuse them. */
final class ForgedTokens {

    private ForgedTokens() {
    }

    /** Claims like the authorization server's for {@code resource}, changed by {@code change}. */
    static JWTClaimsSet claims(String issuer, String resource, UnaryOperator<JWTClaimsSet.Builder> change) {
        Instant now = Instant.now();
        return change.apply(new JWTClaimsSet.Builder().issuer(issuer).subject("mcp-client").audience(resource)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300))).jwtID("forged-" + now.toEpochMilli())
                .claim("scope", "mcp:tools").claim("client_id", "mcp-client")).build();
    }

    /** Signed with {@code key} (the authorization server's own, or another), under its key id. */
    static String signed(RSAKey key, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                    .type(new JOSEObjectType("at+jwt")).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new AssertionError(e);
        }
    }

    /** A key the authorization server never published. */
    static RSAKey unknownKey() {
        try {
            return new RSAKeyGenerator(2048).keyID("rotated-2").generate();
        } catch (JOSEException e) {
            throw new AssertionError(e);
        }
    }

    /** {@code alg: none}: no signature at all. */
    static String unsigned(JWTClaimsSet claims) {
        return new PlainJWT(claims).serialize();
    }

    /** HS256 "signed" with the authorization server's public key as the HMAC secret (the key-confusion attack). */
    static String hmacWithPublicKey(RSAKey key, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new MACSigner(key.toRSAPublicKey().getEncoded()));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new AssertionError(e);
        }
    }
}
