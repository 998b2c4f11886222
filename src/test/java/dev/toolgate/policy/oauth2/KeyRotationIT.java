package dev.toolgate.policy.oauth2;

import com.nimbusds.jwt.SignedJWT;
import dev.toolgate.testing.AuthorizationServer;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.text.ParseException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The authorization server rotates its signing key: tokens signed with the new key are accepted once the
 * gateway has fetched the new key set (an unknown key id is refetched at most twice per
 * {@link SigningKeys#MIN_REFETCH_MILLIS}, Nimbus's rate limit, so a stream of made-up key ids cannot make it
 * hammer the server), and tokens of the retired key no longer are.
 */
@Timeout(90)
class KeyRotationIT {

    static AuthorizationServer as;
    static RestUpstream weather;
    static RestUpstream mcp;
    static TestGateway gateway;
    static String resource;

    @BeforeAll
    static void start() {
        as = AuthorizationServer.start();
        weather = OAuthSetup.weatherApi();
        mcp = OAuthSetup.mcpServer();
        gateway = OAuthSetup.start(OAuthSetup.threeModes(as, weather, mcp, ""), OAuthSetup.values(as, weather, mcp));
        resource = gateway.proxy("/mcp-cl").toString();
    }

    @AfterAll
    static void stop() throws Exception {
        OAuthSetup.close(gateway, weather, mcp, as);
    }

    @Test
    void aTokenSignedWithTheRotatedKeyIsAcceptedAndOneOfTheRetiredKeyIsNot() throws Exception {
        String before = as.token(as.issuer(), resource, "mcp:tools");
        assertThat(initialize(before).status()).isEqualTo(200);

        String kid = as.rotateKey();
        String after = as.token(as.issuer(), resource, "mcp:tools");
        assertThat(keyId(after)).isEqualTo(kid).isNotEqualTo(keyId(before));

        long deadline = System.nanoTime() + (SigningKeys.MIN_REFETCH_MILLIS + 10_000) * 1_000_000;
        McpHttp.Response served = initialize(after);
        while (served.status() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(250);
            served = initialize(after);
        }
        assertThat(served.status()).as("%s", served).isEqualTo(200);
        McpHttp.Response retired = initialize(before);
        assertThat(retired.status()).isEqualTo(401);
        assertThat(retired.header("www-authenticate")).contains("no key of the authorization server matches");
    }

    private static String keyId(String token) throws ParseException {
        return SignedJWT.parse(token).getHeader().getKeyID();
    }

    private static McpHttp.Response initialize(String token) {
        return new McpHttp(java.net.URI.create(resource)).send("POST", BadTokensIT.INITIALIZE,
                BadTokensIT.headers(Map.of("authorization", "Bearer " + token)));
    }
}
