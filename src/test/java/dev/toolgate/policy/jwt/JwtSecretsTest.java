package dev.toolgate.policy.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.toolgate.testing.Configs;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A consumer's jwt_secret that could never verify a token of its algorithm is refused at its path when
 * the jwt plugin loads, instead of answering "Invalid signature" to every token it was meant to admit.
 */
class JwtSecretsTest {

    @Test
    void anHs512SecretShorterThanHs512sHashIsRefusedAtItsPath() {
        Configs.Checked checked = check("{key: alice-iss, algorithm: HS512, secret: \"" + "s".repeat(32) + "\"}");

        assertThat(checked.problems()).singleElement().asString().startsWith("consumers[0].jwt_secrets[0]: cannot verify HS512"
                + " tokens with it (the secret is shorter than the 512 bits HS512 needs)");
    }

    @Test
    void anHs512SecretAsLongAsItsHashLoads() {
        assertThat(check("{key: alice-iss, algorithm: HS512, secret: \"" + "s".repeat(64) + "\"}").problems()).isEmpty();
    }

    @Test
    void anEs256SecretWhoseKeyIsOnAnotherCurveIsRefusedAtItsPath() throws JOSEException {
        String p384 = "-----BEGIN PUBLIC KEY-----\\n" + Base64.getEncoder().encodeToString(
                new ECKeyGenerator(Curve.P_384).generate().toECPublicKey().getEncoded()) + "\\n-----END PUBLIC KEY-----";

        Configs.Checked checked = check("{key: carol-iss, algorithm: ES256, rsa_public_key: \"" + p384 + "\"}");

        assertThat(checked.problems()).singleElement().asString().startsWith("consumers[0].jwt_secrets[0]: cannot verify ES256"
                + " tokens with it (rsa_public_key is not a key of the type and curve ES256 needs)");
    }

    private static Configs.Checked check(String secret) {
        return Configs.check("""
                _format_version: "3.0"
                consumers:
                  - username: alice
                    jwt_secrets: [%s]
                plugins:
                  - name: jwt
                """.formatted(secret), Path.of("."));
    }
}
