package dev.toolgate.policy.oauth2;

import dev.toolgate.testing.AuthorizationServer;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The authorization server goes down: tokens signed with keys the gateway already knows keep working,
 * at once; a token with an unknown key id gets 401 (not a hang); an endpoint that never fetched keys
 * cannot decide and says 503 with Retry-After.
 */
@Timeout(90)
class AuthorizationServerDownIT {

    static AuthorizationServer as;
    static RestUpstream weather;
    static RestUpstream mcp;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        as = AuthorizationServer.start();
        weather = OAuthSetup.weatherApi();
        mcp = OAuthSetup.mcpServer();
        gateway = OAuthSetup.start(OAuthSetup.threeModes(as, weather, mcp, ""), OAuthSetup.values(as, weather, mcp));
    }

    @AfterAll
    static void stop() throws Exception {
        OAuthSetup.close(gateway, weather, mcp, as);
    }

    @Test
    void cachedKeysKeepServingAndUnknownKeysAreRefusedQuicklyWhileTheServerIsDown() {
        String cl = gateway.proxy("/mcp-cl").toString();
        String pass = gateway.proxy("/mcp-pass").toString();
        String tokenForCl = as.token(as.issuer(), cl, "mcp:tools");
        String tokenForPass = as.token(as.issuer(), pass, "mcp:tools");
        String rotated = ForgedTokens.signed(ForgedTokens.unknownKey(), ForgedTokens.claims(as.issuer(), cl, c -> c));
        assertThat(initialize(cl, tokenForCl).status()).as("keys fetched while the server is up").isEqualTo(200);

        as.close();

        long started = System.nanoTime();
        assertThat(initialize(cl, tokenForCl).status()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
        started = System.nanoTime();
        McpHttp.Response unknown = initialize(cl, rotated);
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.header("www-authenticate")).contains("no key of the authorization server matches");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        McpHttp.Response undecided = initialize(pass, tokenForPass);
        assertThat(undecided.status()).isEqualTo(503);
        assertThat(undecided.header("retry-after")).isEqualTo("5");
        assertThat(undecided.json().at("/error/message").asText()).contains("authorization server could not be reached")
                .doesNotContain("127.0.0.1");
        assertThat(initialize(cl, tokenForCl).status()).as("the next request is served").isEqualTo(200);
    }

    private static McpHttp.Response initialize(String endpoint, String token) {
        return new McpHttp(URI.create(endpoint)).send("POST", BadTokensIT.INITIALIZE,
                BadTokensIT.headers(Map.of("authorization", "Bearer " + token)));
    }
}
