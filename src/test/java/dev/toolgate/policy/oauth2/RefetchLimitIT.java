package dev.toolgate.policy.oauth2;

import com.nimbusds.jose.jwk.RSAKey;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A burst of tokens with made-up key ids spends Nimbus's refetch limit (two key set requests per
 * {@link SigningKeys#MIN_REFETCH_MILLIS}); a token of a key the authorization server rotates in right then is
 * not refused for it (a 401 sends an MCP client through its whole authorization flow again): it waits for the
 * refetch the limit allows next, or, when its {@code timeout} is shorter than that wait, gets 503 with
 * {@code Retry-After}. The server still sees no more key set requests than the limit allows. On the gateway's
 * real clock, as in production: the limit's window passes as time does.
 */
@Timeout(90)
class RefetchLimitIT {

    static final int MADE_UP = 50;

    static AuthorizationServer as;
    static RestUpstream weather;
    static RestUpstream mcp;

    @BeforeAll
    static void start() {
        as = AuthorizationServer.start();
        weather = OAuthSetup.weatherApi();
        mcp = OAuthSetup.mcpServer();
    }

    @AfterAll
    static void stop() throws Exception {
        OAuthSetup.close(weather, mcp, as);
    }

    @Test
    void aTokenOfAKeyRotatedInDuringABurstOfMadeUpKeyIdsWaitsForTheNextAllowedRefetchAndIsAccepted() throws Exception {
        try (TestGateway gateway = OAuthSetup.start(OAuthSetup.threeModes(as, weather, mcp, ""),
                OAuthSetup.values(as, weather, mcp))) {
            String endpoint = gateway.proxy("/mcp-cl").toString();
            assertThat(initialize(endpoint, as.token(as.issuer(), endpoint, "mcp:tools")).status())
                    .as("the keys fetched once, the limit's first request of its window").isEqualTo(200);
            int asked = as.jwksRequests();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<McpHttp.Response>> madeUp = burst(clients, endpoint);
                String rotated = rotatedOnceTheBurstHasAsked(endpoint, asked);

                McpHttp.Response accepted = initialize(endpoint, rotated);

                assertThat(accepted.status()).as("the rotated-in key's token: %s", accepted).isEqualTo(200);
                for (Future<McpHttp.Response> answer : madeUp) {
                    assertThat(answer.get().status()).as("%s", answer.get()).isEqualTo(401);
                    assertThat(answer.get().header("www-authenticate"))
                            .contains("no key of the authorization server matches");
                }
            }
            assertThat(as.jwksRequests() - asked)
                    .as("key set requests for %d made-up key ids and a rotated key: the window's second and the next "
                            + "window's first", MADE_UP).isEqualTo(2);
        }
    }

    @Test
    void withATimeoutShorterThanTheLimitsWaitTheRotatedKeysTokenGets503WithRetryAfterAndThenIsAccepted()
            throws Exception {
        try (TestGateway gateway = OAuthSetup.start(OAuthSetup.threeModes(as, weather, mcp, """
                              timeout: 1000
                """), OAuthSetup.values(as, weather, mcp))) {
            String endpoint = gateway.proxy("/mcp-cl").toString();
            assertThat(initialize(endpoint, as.token(as.issuer(), endpoint, "mcp:tools")).status()).isEqualTo(200);
            int asked = as.jwksRequests();
            String rotated;
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<McpHttp.Response>> madeUp = burst(clients, endpoint);
                rotated = rotatedOnceTheBurstHasAsked(endpoint, asked);

                McpHttp.Response later = initialize(endpoint, rotated);

                assertThat(later.status()).as("the rotated-in key's token, never 401: %s", later).isEqualTo(503);
                assertThat(later.body()).contains("capacity to check tokens").doesNotContain("127.0.0.1");
                assertThat(Long.parseLong(later.header("retry-after")))
                        .as("seconds until the next refetch is allowed").isBetween(1L, 5L);
                for (Future<McpHttp.Response> answer : madeUp) {
                    assertThat(answer.get().status()).as("%s", answer.get()).isIn(401, 503);
                }
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            McpHttp.Response retried = initialize(endpoint, rotated);
            while (retried.status() != 200 && System.nanoTime() < deadline) {
                assertThat(retried.status()).as("%s", retried).isEqualTo(503);
                Thread.sleep(250);
                retried = initialize(endpoint, rotated);
            }
            assertThat(retried.status()).as("retried: %s", retried).isEqualTo(200);
            assertThat(as.jwksRequests() - asked).as("key set requests for %d made-up key ids and a rotated key",
                    MADE_UP).isEqualTo(2);
        }
    }

    /** {@link #MADE_UP} tokens of made-up key ids, sent at once. */
    private static List<Future<McpHttp.Response>> burst(ExecutorService clients, String endpoint) {
        RSAKey forger = ForgedTokens.unknownKey();
        List<Future<McpHttp.Response>> answers = new ArrayList<>();
        for (int i = 0; i < MADE_UP; i++) {
            String token = ForgedTokens.signed(new RSAKey.Builder(forger).keyID("made-up-" + i).build(),
                    ForgedTokens.claims(as.issuer(), endpoint, c -> c));
            answers.add(clients.submit(() -> initialize(endpoint, token)));
        }
        return answers;
    }

    /**
     * Once the burst's refetch has reached the server (the window's second request: the limit is spent), rotates the
     * key; a token of the new key.
     */
    private static String rotatedOnceTheBurstHasAsked(String endpoint, int asked) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> as.jwksRequests() > asked);
        as.rotateKey();
        return as.token(as.issuer(), endpoint, "mcp:tools");
    }

    private static McpHttp.Response initialize(String endpoint, String token) {
        return new McpHttp(URI.create(endpoint)).send("POST", BadTokensIT.INITIALIZE,
                BadTokensIT.headers(Map.of("authorization", "Bearer " + token)));
    }
}
