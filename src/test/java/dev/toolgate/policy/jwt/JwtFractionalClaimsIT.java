package dev.toolgate.policy.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import dev.toolgate.cluster.FakeClock;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code exp} and {@code nbf} are NumericDates, which may carry fractions of a second (RFC 7519 §2): they are
 * compared with the instant as it is, not cut to whole seconds, so a token is neither refused before its
 * {@code exp} nor accepted before its {@code nbf}. The clock is the test's: 10:00:00.300.
 */
@Timeout(60)
class JwtFractionalClaimsIT {

    static final String HMAC = "erin-hs256-secret-at-least-32-bytes!!";
    /** The test's clock, in seconds since the epoch: a whole second and 0.3 of the next. */
    static final Instant NOW = Instant.parse("2026-11-24T10:00:00.300Z");
    static final long SECOND = NOW.getEpochSecond();

    static RestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream().json("POST /mcp", 200, "{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":{}}");
        gateway = TestGateway.start("""
                _format_version: "3.0"
                consumers:
                  - username: erin
                    jwt_secrets: [{key: erin-iss, algorithm: HS256, secret: "%s"}]
                services:
                  - name: mcp-server
                    url: %s/mcp
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - {name: ai-mcp-proxy, config: {mode: passthrough-listener}}
                          - {name: jwt, config: {claims_to_verify: [exp, nbf]}}
                """.formatted(HMAC, upstream.url()), new FakeClock(NOW));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void aTokenWhoseFractionalExpIsStillAheadIsAccepted() throws Exception {
        McpHttp.Response admitted = post("{\"iss\":\"erin-iss\",\"exp\":" + SECOND + ".5,\"nbf\":" + (SECOND - 10) + "}");

        assertThat(admitted.status()).as("%s", admitted).isEqualTo(200);
        assertThat(upstream.next().header("x-consumer-username")).isEqualTo("erin");
    }

    @Test
    void aTokenWhoseFractionalExpHasPassedIsRefused() throws Exception {
        McpHttp.Response refused = post("{\"iss\":\"erin-iss\",\"exp\":" + SECOND + ".25,\"nbf\":" + (SECOND - 10) + "}");

        assertThat(refused.status()).as("%s", refused).isEqualTo(401);
        assertThat(refused.json().at("/error/message").asText()).isEqualTo("exp: token expired");
    }

    @Test
    void aTokenWhoseFractionalNbfIsStillAheadIsRefused() throws Exception {
        McpHttp.Response refused = post("{\"iss\":\"erin-iss\",\"exp\":" + (SECOND + 60) + ",\"nbf\":" + SECOND + ".5}");

        assertThat(refused.status()).as("%s", refused).isEqualTo(401);
        assertThat(refused.json().at("/error/message").asText()).isEqualTo("nbf: token not valid yet");
    }

    private static McpHttp.Response post(String claims) throws Exception {
        JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.HS256), new Payload(claims));
        jws.sign(new MACSigner(HMAC));
        return new McpHttp(gateway.proxy("/mcp")).send("POST", JwtPluginIT.INITIALIZE, Map.of("content-type",
                "application/json", "accept", McpHttp.ACCEPT_BOTH, "authorization", "Bearer " + jws.serialize()));
    }
}
