package dev.toolgate.policy.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kong's {@code secret_is_base64}: a consumer's HMAC secret written in base64, standard or URL-safe,
 * padded or not (Kong's decoder maps {@code -} and {@code _} and pads), signs tokens with its bytes.
 */
@Timeout(60)
class JwtBase64SecretIT {

    /** 33 bytes whose base64 is all {@code +} and {@code /}: {@code -_-_...} in the URL-safe alphabet. */
    static final byte[] SECRET = new byte[33];

    static {
        for (int i = 0; i < SECRET.length; i += 3) {
            SECRET[i] = (byte) 0xfb;
            SECRET[i + 1] = (byte) 0xff;
            SECRET[i + 2] = (byte) 0xbf;
        }
    }

    @Test
    void aUrlSafeBase64SecretLoadsAndItsBytesVerifyTheConsumersTokens() throws Exception {
        String urlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(SECRET);
        assertThat(urlSafe).contains("-", "_");
        RestUpstream upstream = new RestUpstream().json("POST /mcp", 200, "{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":{}}");
        try (upstream; TestGateway gateway = TestGateway.start("""
                _format_version: "3.0"
                consumers:
                  - username: dana
                    jwt_secrets: [{key: dana-iss, algorithm: HS256, secret: "%s"}]
                services:
                  - name: mcp-server
                    url: %s/mcp
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - {name: ai-mcp-proxy, config: {mode: passthrough-listener}}
                          - {name: jwt, config: {secret_is_base64: true}}
                """.formatted(urlSafe, upstream.url()))) {
            McpHttp.Response admitted = post(gateway, sign(SECRET));
            assertThat(admitted.status()).as("%s", admitted).isEqualTo(200);
            assertThat(upstream.next().header("x-consumer-username")).isEqualTo("dana");

            // signed with the text as written, not its bytes: the secret is not the text
            McpHttp.Response refused = post(gateway, sign(urlSafe.getBytes()));
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.json().at("/error/message").asText()).isEqualTo("Invalid signature");
        }
    }

    private static McpHttp.Response post(TestGateway gateway, String token) {
        return new McpHttp(gateway.proxy("/mcp")).send("POST", JwtPluginIT.INITIALIZE, Map.of("content-type",
                "application/json", "accept", McpHttp.ACCEPT_BOTH, "authorization", "Bearer " + token));
    }

    private static String sign(byte[] secret) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().issuer("dana-iss").build());
        jwt.sign(new MACSigner(secret));
        return jwt.serialize();
    }
}
