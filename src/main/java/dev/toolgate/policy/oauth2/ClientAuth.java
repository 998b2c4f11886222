package dev.toolgate.policy.oauth2;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretJWT;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import dev.toolgate.config.ConfigNode;
import dev.toolgate.config.Redacted;

import java.net.URI;
import java.text.ParseException;
import java.util.List;

/**
 * How the gateway authenticates itself to the authorization server (introspection, token exchange).
 *
 * @param clientId     the gateway's client id; needed by every method but {@code none}
 * @param clientSecret the client secret ({@code client_secret_basic}, {@code client_secret_post},
 *                     {@code client_secret_jwt}); never shown by the Admin API
 * @param method       {@code client_secret_basic}, {@code client_secret_post}, {@code client_secret_jwt},
 *                     {@code private_key_jwt} or {@code none}; default {@code client_secret_basic} when a
 *                     secret is set, else {@code none}. Kong's {@code tls_client_auth} and
 *                     {@code self_signed_tls_client_auth} are refused: Toolgate has no client
 *                     certificates for the authorization server
 * @param algorithm    the JWS algorithm of {@code client_secret_jwt} / {@code private_key_jwt} assertions;
 *                     default HS256 / RS256
 * @param jwk          the private key of {@code private_key_jwt}, an RSA or EC JWK as JSON; never shown by the
 *                     Admin API. Without {@code client_alg} or the key's {@code alg}, RSA keys sign with RS256
 *                     and EC keys with their curve's algorithm (ES256, ES384, ES512)
 */
public record ClientAuth(String clientId, @JsonSerialize(using = Redacted.class) String clientSecret, String method,
                         String algorithm, @JsonSerialize(using = Redacted.class) String jwk) {

    /** Where the assertion signed at load says it is for; it is never sent. */
    private static final URI TRIAL_ENDPOINT = URI.create("https://authorization-server.invalid/token");

    static final List<String> METHODS = List.of("client_secret_basic", "client_secret_post", "client_secret_jwt",
            "private_key_jwt", "tls_client_auth", "self_signed_tls_client_auth", "none");
    static final List<String> ALGORITHMS = List.of("HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256",
            "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA");

    static ClientAuth read(ConfigNode node) {
        String id = node.text("client_id", null);
        String secret = node.text("client_secret", null);
        String method = node.oneOf("client_auth", null, METHODS);
        String algorithm = node.oneOf("client_alg", null, ALGORITHMS);
        String jwk = node.text("client_jwk", null);
        if (method == null) {
            method = secret != null ? "client_secret_basic" : "none";
        }
        check(node, method, id, secret, jwk, algorithm);
        return new ClientAuth(id, secret, method, algorithm, jwk);
    }

    static void check(ConfigNode node, String method, String id, String secret, String jwk, String algorithm) {
        switch (method) {
            case "tls_client_auth", "self_signed_tls_client_auth" -> node.problem("client_auth", method
                    + " is not supported by Toolgate (no client certificate to present): use client_secret_basic, "
                    + "client_secret_post, client_secret_jwt or private_key_jwt");
            case "client_secret_basic", "client_secret_post", "client_secret_jwt" -> {
                if (id == null || secret == null) {
                    node.problem("client_secret", method + " needs client_id and client_secret");
                }
                if (algorithm != null && !algorithm.startsWith("HS") && method.equals("client_secret_jwt")) {
                    node.problem("client_alg", "client_secret_jwt signs with the secret: use HS256, HS384 or HS512");
                }
            }
            case "private_key_jwt" -> {
                if (id == null || jwk == null) {
                    node.problem("client_jwk", "private_key_jwt needs client_id and client_jwk");
                } else if (!(parse(jwk) instanceof AsymmetricJWK key) || !((JWK) key).isPrivate()) {
                    node.problem("client_jwk", "must be a private RSA, EC or OKP key as a JWK (JSON)");
                }
            }
            default -> {
            }
        }
    }

    /**
     * For a plugin that will ask the authorization server with this authentication (introspection, token
     * exchange): signs one assertion at load, since a key, algorithm or secret length Nimbus cannot sign with
     * would otherwise fail every such request. A plugin that never asks loads as in Kong.
     */
    void checkSigning(ConfigNode node) {
        JWK key = jwk == null ? null : parse(jwk);
        if (method.equals("client_secret_jwt") && clientId != null && clientSecret != null
                && (algorithm == null || algorithm.startsWith("HS"))) {
            signs(node, "client_secret", this);
        } else if (method.equals("private_key_jwt") && clientId != null && key != null && key.isPrivate()) {
            if (!(key instanceof RSAKey || key instanceof ECKey)) {
                node.problem("client_jwk", "an OKP (Ed25519) key cannot sign client assertions here: use an RSA or "
                        + "EC key");
            } else {
                signs(node, algorithm != null ? "client_alg" : "client_jwk", this);
            }
        }
    }

    /** Signs one assertion, a problem at {@code key} when Nimbus cannot. */
    private static void signs(ConfigNode node, String key, ClientAuth auth) {
        try {
            auth.authentication(TRIAL_ENDPOINT);
        } catch (JOSEException | RuntimeException e) {
            // Nimbus's messages name the algorithm, the key type or the length needed, never the key itself
            node.problem(key, "cannot sign a client assertion with it: " + e.getMessage());
        }
    }

    /** The Nimbus authentication for a request to {@code endpoint}, or null for {@code none}. */
    ClientAuthentication authentication(URI endpoint) throws JOSEException {
        ClientID id = new ClientID(clientId == null ? "" : clientId);
        return switch (method) {
            case "client_secret_basic" -> new ClientSecretBasic(id, new Secret(clientSecret));
            case "client_secret_post" -> new ClientSecretPost(id, new Secret(clientSecret));
            case "client_secret_jwt" -> new ClientSecretJWT(id, endpoint,
                    JWSAlgorithm.parse(algorithm == null ? "HS256" : algorithm), new Secret(clientSecret));
            case "private_key_jwt" -> {
                JWK key = parse(jwk);
                JWSAlgorithm alg = algorithm != null ? JWSAlgorithm.parse(algorithm)
                        : key.getAlgorithm() != null ? JWSAlgorithm.parse(key.getAlgorithm().getName()) : algorithmOf(key);
                yield new PrivateKeyJWT(id, endpoint, alg, ((AsymmetricJWK) key).toPrivateKey(), key.getKeyID(), null);
            }
            default -> null;
        };
    }

    /** The algorithm a key without {@code alg} signs with: RS256 for RSA, the one its curve names for EC. */
    private static JWSAlgorithm algorithmOf(JWK key) {
        if (key instanceof ECKey ec) {
            Curve curve = ec.getCurve();
            return Curve.P_384.equals(curve) ? JWSAlgorithm.ES384 : Curve.P_521.equals(curve) ? JWSAlgorithm.ES512
                    : Curve.SECP256K1.equals(curve) ? JWSAlgorithm.ES256K : JWSAlgorithm.ES256;
        }
        return JWSAlgorithm.RS256;
    }

    /** {@code none}: the client id goes in the request body, if there is one. */
    boolean none() {
        return method.equals("none");
    }

    private static JWK parse(String json) {
        try {
            return JWK.parse(json);
        } catch (ParseException e) {
            return null;
        }
    }

    /** Its secrets masked: a message or log line that quotes it must not carry them. */
    @Override
    public String toString() {
        return Redacted.describe(this);
    }
}
