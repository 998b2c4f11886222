package dev.toolgate.policy.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.util.X509CertUtils;
import dev.toolgate.config.ConfigReport;
import dev.toolgate.config.Consumer;
import dev.toolgate.config.DeclarativeConfig;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The consumers' {@code jwt_secrets}, by key, each with its verifier built once at load (Nimbus's
 * MAC, RSA and EC verifiers). A secret that cannot verify its algorithm's tokens (a PEM that is no public
 * key, a key of another type or curve, an HMAC secret shorter than its algorithm needs) is a problem at
 * its path, not a surprise at request time.
 */
final class JwtSecrets {

    /** One secret: its consumer, the algorithm tokens must declare, and the verifier. */
    record Secret(Consumer consumer, Consumer.JwtSecret entry, JWSVerifier verifier) {
    }

    private final Map<String, Secret> byKey = new HashMap<>();

    JwtSecrets(DeclarativeConfig config, boolean secretIsBase64, String pluginPath, ConfigReport report) {
        for (Consumer consumer : config.consumers()) {
            for (int i = 0; i < consumer.jwtSecrets().size(); i++) {
                Consumer.JwtSecret entry = consumer.jwtSecrets().get(i);
                String path = consumer.source() + ".jwt_secrets[" + i + "]";
                if (entry.key() == null) {
                    continue;
                }
                if (byKey.containsKey(entry.key())) {
                    // a duplicate key is refused where the document is read (UniqueCredentials)
                    continue;
                }
                try {
                    byKey.put(entry.key(), new Secret(consumer, entry, verifier(entry, secretIsBase64)));
                } catch (JOSEException | IllegalArgumentException e) {
                    report.problem(path, "cannot verify " + entry.algorithm() + " tokens with it (" + reason(e)
                            + "); checked for the jwt plugin at " + pluginPath);
                }
            }
        }
    }

    Secret byKey(String key) {
        return byKey.get(key);
    }

    private static JWSVerifier verifier(Consumer.JwtSecret entry, boolean base64) throws JOSEException {
        JWSVerifier verifier = keyVerifier(entry, base64);
        // Nimbus builds a verifier for an HMAC secret shorter than HS384's or HS512's hash, or a key of
        // another curve or type, then refuses every token at verification: "Invalid signature", token after token
        JWSAlgorithm algorithm = JWSAlgorithm.parse(entry.algorithm());
        if (!verifier.supportedJWSAlgorithms().contains(algorithm)) {
            throw new JOSEException(verifier instanceof MACVerifier
                    // HS256, HS384, HS512: the hash's bits are the least a secret must have
                    ? "the secret is shorter than the " + algorithm.getName().substring(2) + " bits " + algorithm
                    + " needs"
                    : "rsa_public_key is not a key of the type and curve " + algorithm + " needs");
        }
        return verifier;
    }

    private static JWSVerifier keyVerifier(Consumer.JwtSecret entry, boolean base64) throws JOSEException {
        String algorithm = entry.algorithm();
        if (algorithm.startsWith("HS")) {
            byte[] secret = base64 ? base64(entry.secret()) : entry.secret().getBytes(StandardCharsets.UTF_8);
            return new MACVerifier(secret);
        }
        if (algorithm.equals("EdDSA")) {
            throw new JOSEException("EdDSA is not supported by Toolgate's jwt plugin yet");
        }
        PublicKey key = publicKey(entry.rsaPublicKey(), algorithm.startsWith("ES") ? "EC" : "RSA");
        if (key instanceof ECPublicKey ec) {
            return new ECDSAVerifier(ec);
        }
        if (key instanceof RSAPublicKey rsa) {
            return new RSASSAVerifier(rsa);
        }
        throw new JOSEException("rsa_public_key is not a public key of the type " + algorithm + " needs");
    }

    /**
     * A {@code secret_is_base64} secret's bytes, read as Kong's decoder reads it: either alphabet, the
     * URL-safe one's {@code -} and {@code _} taken for {@code +} and {@code /}, padding optional.
     */
    private static byte[] base64(String secret) {
        return Base64.getDecoder().decode(secret.trim().replace('-', '+').replace('_', '/'));
    }

    /** A PEM public key ({@code PUBLIC KEY}) or certificate ({@code CERTIFICATE}), read with the JDK alone. */
    static PublicKey publicKey(String pem, String type) throws JOSEException {
        if (pem.contains("BEGIN CERTIFICATE")) {
            X509Certificate certificate = X509CertUtils.parse(pem);
            if (certificate == null) {
                throw new JOSEException("rsa_public_key is not a readable PEM certificate");
            }
            return certificate.getPublicKey();
        }
        String body = pem.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(body)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new JOSEException("rsa_public_key is not a PEM " + type + " public key");
        }
    }

    private static String reason(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
