package dev.toolgate.policy.oauth2;

import com.nimbusds.jose.jwk.RSAKey;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Requests that need the signing keys while a fetch of them is in flight (made-up key ids, a token of a
 * key the server has just rotated in) wait for that fetch and are checked with the keys it brings,
 * instead of queueing to fetch again one after the other, each wait adding a slow server's answer time.
 */
@Timeout(90)
class SharedKeyFetchIT {

    static final int MADE_UP = 8;
    static final long TIMEOUT_MILLIS = 3_000;

    static AuthorizationServer as;
    static RestUpstream weather;
    static RestUpstream mcp;
    static TestGateway gateway;
    // Nimbus's refetch limit runs on this clock: the test opens a new window by moving it, not by waiting
    static final FakeClock clock = new FakeClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    @BeforeAll
    static void start() {
        as = AuthorizationServer.start();
        weather = OAuthSetup.weatherApi();
        mcp = OAuthSetup.mcpServer();
        gateway = OAuthSetup.start(OAuthSetup.threeModes(as, weather, mcp, ""), OAuthSetup.values(as, weather, mcp), clock);
    }

    @AfterAll
    static void stop() throws Exception {
        OAuthSetup.close(gateway, weather, mcp, as);
    }

    @Test
    void requestsWithUnknownKeyIdsDuringASlowFetchShareItAndATokenOfTheRotatedKeyIsAccepted() throws Exception {
        String endpoint = gateway.proxy("/mcp-cl").toString();
        assertThat(initialize(endpoint, as.token(as.issuer(), endpoint, "mcp:tools")).status())
                .as("the keys fetched once").isEqualTo(200);
        // past the refetch limit's window: two refetches for unknown key ids are allowed again
        clock.advance(Duration.ofMillis(SigningKeys.MIN_REFETCH_MILLIS));
        as.rotateKey();
        String rotated = as.token(as.issuer(), endpoint, "mcp:tools");
        RSAKey forger = ForgedTokens.unknownKey();
        List<String> madeUp = new ArrayList<>();
        for (int i = 0; i < MADE_UP; i++) {
            madeUp.add(ForgedTokens.signed(new RSAKey.Builder(forger).keyID("made-up-" + i).build(),
                    ForgedTokens.claims(as.issuer(), endpoint, c -> c)));
        }
        as.slowKeys(Duration.ofSeconds(3));
        int asked = as.jwksRequests();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<McpHttp.Response>> refused = new ArrayList<>();
            for (String token : madeUp) {
                refused.add(clients.submit(() -> initialize(endpoint, token)));
            }
            Future<McpHttp.Response> accepted = clients.submit(() -> initialize(endpoint, rotated));
            for (Future<McpHttp.Response> answer : refused) {
                assertThat(answer.get().status()).as("%s", answer.get()).isEqualTo(401);
                assertThat(answer.get().header("www-authenticate")).contains("no key of the authorization server matches");
            }
            assertThat(accepted.get().status()).as("%s", accepted.get()).isEqualTo(200);
        } finally {
            as.slowKeys(Duration.ZERO);
        }
        assertThat(as.jwksRequests() - asked).as("key set requests for %d concurrent unknown key ids", MADE_UP + 1)
                .isEqualTo(1);
    }

    @Test
    void aRequestWaitsForTheKeySetAtMostTheTimeoutEvenWhileTheFetchIsRetried() throws Exception {
        TestGateway impatient = OAuthSetup.start(OAuthSetup.threeModes(as, weather, mcp, """
                              timeout: %d
                """.formatted(TIMEOUT_MILLIS)), OAuthSetup.values(as, weather, mcp));
        try {
            String endpoint = impatient.proxy("/mcp-cl").toString();
            assertThat(initialize(endpoint, as.token(as.issuer(), endpoint, "mcp:tools")).status()).isEqualTo(200);
            String madeUp = ForgedTokens.signed(ForgedTokens.unknownKey(), ForgedTokens.claims(as.issuer(), endpoint, c -> c));
            as.slowKeys(Duration.ofMillis(4 * TIMEOUT_MILLIS));
            int asked = as.jwksRequests();
            long started = System.nanoTime();
            McpHttp.Response refused = initialize(endpoint, madeUp);
            Duration waited = Duration.ofNanos(System.nanoTime() - started);
            assertThat(refused.status()).as("%s", refused).isEqualTo(401);
            // the fetch times out and is retried once (twice the timeout): the request does not wait for the retry
            assertThat(waited).isLessThan(Duration.ofMillis(TIMEOUT_MILLIS * 5 / 3));
            // the retry still reaches the server; let it before another test counts the server's key set requests
            long deadline = System.nanoTime() + Duration.ofMillis(4 * TIMEOUT_MILLIS).toNanos();
            while (as.jwksRequests() < asked + 2 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        } finally {
            as.slowKeys(Duration.ZERO);
            impatient.close();
        }
    }

    @Test
    void aKeySetThatTricklesInIsGivenUpAndALaterRequestFetchesItAgain() throws Exception {
        TestGateway impatient = OAuthSetup.start(OAuthSetup.threeModes(as, weather, mcp, """
                              timeout: 1000
                """), OAuthSetup.values(as, weather, mcp));
        try {
            String endpoint = impatient.proxy("/mcp-cl").toString();
            assertThat(initialize(endpoint, as.token(as.issuer(), endpoint, "mcp:tools")).status()).isEqualTo(200);
            String madeUp = ForgedTokens.signed(ForgedTokens.unknownKey(), ForgedTokens.claims(as.issuer(), endpoint, c -> c));
            as.trickleKeys(1);
            int asked = as.jwksRequests();

            assertThat(initialize(endpoint, madeUp).status()).as("a key id the known keys lack").isEqualTo(401);

            // the trickling fetch held every later one, to the end of a 400,000-byte answer at a byte every 200 ms;
            // given up, it is followed by another once the pause after a failed fetch is over
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
                initialize(endpoint, madeUp);
                return as.jwksRequests() > asked + 1;
            });
            assertThat(initialize(endpoint, as.token(as.issuer(), endpoint, "mcp:tools")).status()).isEqualTo(200);
        } finally {
            as.trickleKeys(0);
            impatient.close();
        }
    }

    private static McpHttp.Response initialize(String endpoint, String token) {
        return new McpHttp(URI.create(endpoint)).send("POST", BadTokensIT.INITIALIZE,
                BadTokensIT.headers(Map.of("authorization", "Bearer " + token)));
    }
}
