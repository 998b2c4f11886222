package dev.toolgate.policy.oauth2;

import dev.toolgate.cluster.FakeClock;
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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The authorization server has an outage, on a clock the test moves: the keys the gateway fetched keep
 * serving for {@code jwks_cache_ttl} and one more (their grace), and from {@code fetched + 2 × TTL} the
 * gateway refuses what it can no longer check (503) instead of trusting keys the server may have rotated
 * away. It does not ask the failing server again within {@link SigningKeys#MIN_REFETCH_MILLIS}, and it
 * serves again once the server is back.
 */
@Timeout(90)
class SigningKeysGraceIT {

    static final long TTL = 60;

    static AuthorizationServer as;
    static RestUpstream weather;
    static RestUpstream mcp;
    static TestGateway gateway;
    // the tokens are the authorization server's, valid for 5 minutes of real time: the clock starts now
    static final FakeClock clock = new FakeClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    @BeforeAll
    static void start() {
        as = AuthorizationServer.start();
        weather = OAuthSetup.weatherApi();
        mcp = OAuthSetup.mcpServer();
        gateway = OAuthSetup.start(OAuthSetup.threeModes(as, weather, mcp, """
                              jwks_cache_ttl: %d
                """.formatted(TTL)), OAuthSetup.values(as, weather, mcp), clock);
    }

    @AfterAll
    static void stop() throws Exception {
        OAuthSetup.close(gateway, weather, mcp, as);
    }

    @Test
    void knownKeysServeForTwiceTheTtlThenTokensAreRefusedUntilTheServerIsBack() {
        String endpoint = gateway.proxy("/mcp-cl").toString();
        String token = as.token(as.issuer(), endpoint, "mcp:tools");
        Instant fetched = clock.instant();
        assertThat(initialize(endpoint, token).status()).as("keys fetched while the server is up").isEqualTo(200);

        as.down();
        clock.set(fetched.plusSeconds(TTL + 1));
        assertThat(initialize(endpoint, token).status()).as("stale keys, refreshed in vain, still serve").isEqualTo(200);
        clock.set(fetched.plusSeconds(2 * TTL).minusMillis(1));
        assertThat(initialize(endpoint, token).status()).as("the last moment of their grace").isEqualTo(200);

        clock.set(fetched.plusSeconds(2 * TTL));
        McpHttp.Response refused = initialize(endpoint, token);
        assertThat(refused.status()).as("%s", refused).isEqualTo(503);
        assertThat(refused.header("retry-after")).isEqualTo("5");
        assertThat(refused.json().at("/error/message").asText()).contains("authorization server could not be reached")
                .doesNotContain("127.0.0.1");

        int asked = as.jwksRequests();
        for (int i = 0; i < 3; i++) {
            assertThat(initialize(endpoint, token).status()).isEqualTo(503);
        }
        assertThat(as.jwksRequests()).as("no fetch within MIN_REFETCH_MILLIS of the one that failed").isEqualTo(asked);

        as.up();
        assertThat(initialize(endpoint, token).status()).as("still within the pause after the failure").isEqualTo(503);
        assertThat(as.jwksRequests()).isEqualTo(asked);
        clock.advance(Duration.ofMillis(SigningKeys.MIN_REFETCH_MILLIS));
        McpHttp.Response served = initialize(endpoint, token);
        assertThat(served.status()).as("the server is back: %s", served).isEqualTo(200);
        assertThat(as.jwksRequests()).isGreaterThan(asked);
    }

    @Test
    void aJwksCacheTtlShorterThanTheRefetchPauseStillServes() throws Exception {
        TestGateway shortTtl = OAuthSetup.start(OAuthSetup.threeModes(as, weather, mcp, """
                              jwks_cache_ttl: 2
                """), OAuthSetup.values(as, weather, mcp));
        try {
            String endpoint = shortTtl.proxy("/mcp-cl").toString();
            McpHttp.Response served = initialize(endpoint, as.token(as.issuer(), endpoint, "mcp:tools"));
            assertThat(served.status()).as("%s", served).isEqualTo(200);
        } finally {
            shortTtl.close();
        }
    }

    private static McpHttp.Response initialize(String endpoint, String token) {
        return new McpHttp(URI.create(endpoint)).send("POST", BadTokensIT.INITIALIZE,
                BadTokensIT.headers(Map.of("authorization", "Bearer " + token)));
    }
}
