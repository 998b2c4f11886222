package dev.toolgate.policy.oauth2;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.toolgate.config.ConfigNode;
import dev.toolgate.config.ConfigProblem;
import dev.toolgate.config.ConfigReport;
import dev.toolgate.mcp.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the gateway authenticates to the authorization server: every client authentication the configuration
 * accepts can sign its assertion; one it could not sign is a problem at load, not a 500 on every request.
 */
class ClientAuthTest {

    private static final URI TOKEN = URI.create("https://auth.example.com/token");

    @Test
    void anEcKeyWithoutAnAlgorithmSignsWithTheAlgorithmOfItsCurve() throws Exception {
        String jwk = new ECKeyGenerator(Curve.P_384).keyID("k1").generate().toJSONString();

        ClientAuth auth = read(Map.of("client_auth", "private_key_jwt", "client_jwk", jwk), List.of());

        assertThat(auth.authentication(TOKEN)).isNotNull();
    }

    @Test
    void anRsaKeyWithoutAnAlgorithmSignsWithRs256() throws Exception {
        String jwk = new RSAKeyGenerator(2048).generate().toJSONString();

        assertThat(read(Map.of("client_auth", "private_key_jwt", "client_jwk", jwk), List.of()).authentication(TOKEN))
                .isNotNull();
    }

    @Test
    void anOkpKeyIsRefusedAtLoad() throws Exception {
        // RFC 8037's example key (generating one would need Tink)
        String jwk = """
                {"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
                 "x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}""";

        read(Map.of("client_auth", "private_key_jwt", "client_jwk", jwk), List.of("config.client_jwk"));
    }

    @Test
    void anHmacAlgorithmWithAPrivateKeyIsRefusedAtLoad() throws Exception {
        String jwk = new RSAKeyGenerator(2048).generate().toJSONString();

        read(Map.of("client_auth", "private_key_jwt", "client_jwk", jwk, "client_alg", "HS256"), List.of("config.client_alg"));
    }

    @Test
    void anRsaAlgorithmWithAnEcKeyIsRefusedAtLoad() throws Exception {
        String jwk = new ECKeyGenerator(Curve.P_256).generate().toJSONString();

        read(Map.of("client_auth", "private_key_jwt", "client_jwk", jwk, "client_alg", "RS256"), List.of("config.client_alg"));
    }

    @Test
    void aClientSecretTooShortForItsHmacIsRefusedAtLoad() throws Exception {
        read(Map.of("client_auth", "client_secret_jwt", "client_secret", "forty-characters-of-an-okta-secret-xxxxx",
                "client_alg", "HS512"), List.of("config.client_secret"));
        read(Map.of("client_auth", "client_secret_jwt", "client_secret", "short"), List.of("config.client_secret"));
    }

    @Test
    void aPluginThatNeverAsksTheAuthorizationServerLoadsWithAKeyItCouldNotSignWith() throws Exception {
        ConfigReport report = new ConfigReport();
        OAuth2Config.read(ConfigNode.at(Json.parse("""
                {"resource": "https://api.example.com/mcp", "authorization_servers": ["https://auth.example.com"],
                 "client_id": "gateway", "client_auth": "client_secret_jwt", "client_secret": "short"}""".getBytes()),
                "config", report));

        assertThat(report.problems()).as("JWTs checked with the server's keys: the client secret is never used").isEmpty();
    }

    @Test
    void aClientSecretLongEnoughSigns() throws Exception {
        ClientAuth auth = read(Map.of("client_auth", "client_secret_jwt",
                "client_secret", "a-secret-of-thirty-two-characters"), List.of());

        assertThat(auth.authentication(TOKEN)).isNotNull();
    }

    /** Reads the client authentication with {@code client_id: gateway}; the paths of its problems are {@code problems}. */
    private static ClientAuth read(Map<String, String> fields, List<String> problems) throws IOException, JOSEException {
        ConfigReport report = new ConfigReport();
        Map<String, String> all = new java.util.HashMap<>(fields);
        all.put("client_id", "gateway");
        ConfigNode node = ConfigNode.at(Json.MAPPER.valueToTree(all), "config", report);
        ClientAuth auth = ClientAuth.read(node);
        auth.checkSigning(node);
        assertThat(report.problems()).extracting(ConfigProblem::path).containsExactlyElementsOf(problems);
        assertThat(report.problems()).allSatisfy(p -> assertThat(p.message()).doesNotContain(fields.getOrDefault("client_secret", "\u0000")));
        return auth;
    }
}
