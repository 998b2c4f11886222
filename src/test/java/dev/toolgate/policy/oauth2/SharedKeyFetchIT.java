package dev.toolgate.policy.oauth2;

import com.nimbusds.jose.jwk.RSAKey;
import dev.toolgate.cluster.FakeClock;
import dev.toolgate.testing.AuthorizationServer;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
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
 * A fetch that was under way before a request came may have asked before the server published that
 * request's key: when it lacks the key the request waits for one more, within its {@code timeout} and
 * the refetch limit (at most two key set requests per {@link SigningKeys#MIN_REFETCH_MILLIS}).
 */
@Timeout(90)
class SharedKeyFetchIT {

    static final int MADE_UP = 8;
    static final long TIMEOUT_MILLIS = 3_000;
    /** How late the server answers the fetch under way while it rotates its key: time to rotate and send a token. */
    static final Duration LATE = Duration.ofSeconds(5);

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

    @BeforeEach
    void newRefetchWindow() {
        // a window of the refetch limit for each test: a key another test rotated in is fetched at once
        clock.advance(Duration.ofMillis(SigningKeys.MIN_REFETCH_MILLIS));
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
        // the one they share, and one more for those that came while it was under way: the refetch limit's two
        assertThat(as.jwksRequests() - asked).as("key set requests for %d concurrent unknown key ids", MADE_UP + 1)
                .isBetween(1, 2);
    }

    @Test
    void aTokenOfAKeyPublishedWhileAnotherKeyIdsFetchWasUnderWayIsAccepted() throws Exception {
        String endpoint = gateway.proxy("/mcp-cl").toString();
        assertThat(initialize(endpoint, as.token(as.issuer(), endpoint, "mcp:tools")).status()).isEqualTo(200);
        clock.advance(Duration.ofMillis(SigningKeys.MIN_REFETCH_MILLIS));
        String madeUp = ForgedTokens.signed(ForgedTokens.unknownKey(), ForgedTokens.claims(as.issuer(), endpoint, c -> c));
        int asked = as.jwksRequests();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<McpHttp.Response>> unknown = new ArrayList<>();
            String rotated = rotatedWhileFetching(endpoint, () -> unknown.add(clients.submit(() -> initialize(endpoint, madeUp))));

            McpHttp.Response accepted = initialize(endpoint, rotated);

            assertThat(accepted.status()).as("the new key's token, which joined the made-up key id's fetch: %s", accepted)
                    .isEqualTo(200);
            assertThat(unknown.getFirst().get().status()).as("the made-up key id, whose own fetch was final").isEqualTo(401);
        }
        assertThat(as.jwksRequests() - asked).as("the made-up key id's fetch and the new key's own").isEqualTo(2);
    }

    @Test
    void aTokenOfAKeyPublishedWhileABackgroundRefreshWasUnderWayIsAccepted() throws Exception {
        FakeClock own = new FakeClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        TestGateway refreshing = OAuthSetup.start(OAuthSetup.threeModes(as, weather, mcp, """
                              jwks_cache_ttl: 60
                """), OAuthSetup.values(as, weather, mcp), own);
        try {
            String endpoint = refreshing.proxy("/mcp-cl").toString();
            String current = as.token(as.issuer(), endpoint, "mcp:tools");
            assertThat(initialize(endpoint, current).status()).isEqualTo(200);
            own.advance(Duration.ofSeconds(61));
            int asked = as.jwksRequests();
            // keys older than the TTL serve on while a refresh is fetched in the background
            String rotated = rotatedWhileFetching(endpoint, () -> assertThat(initialize(endpoint, current).status()).isEqualTo(200));

            McpHttp.Response accepted = initialize(endpoint, rotated);

            assertThat(accepted.status()).as("the new key's token, which joined the refresh: %s", accepted).isEqualTo(200);
            assertThat(as.jwksRequests() - asked).as("the refresh and the new key's own fetch").isEqualTo(2);
        } finally {
            refreshing.close();
        }
    }

    @Test
    void madeUpKeyIdsInWavesCostTheServerTwoKeySetRequestsPerRefetchWindow() throws Exception {
        String endpoint = gateway.proxy("/mcp-cl").toString();
        assertThat(initialize(endpoint, as.token(as.issuer(), endpoint, "mcp:tools")).status()).isEqualTo(200);
        as.slowKeys(Duration.ofSeconds(1));
        try {
            for (int window = 0; window < 2; window++) {
                clock.advance(Duration.ofMillis(SigningKeys.MIN_REFETCH_MILLIS));
                int asked = as.jwksRequests();
                for (int wave = 0; wave < 3; wave++) {
                    refusedTogether(endpoint, "window-" + window + "-wave-" + wave);
                }
                assertThat(as.jwksRequests() - asked).as("key set requests for %d made-up key ids in window %d",
                        3 * MADE_UP, window).isEqualTo(2);
            }
        } finally {
            as.slowKeys(Duration.ZERO);
        }
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

    /**
     * Has {@code fetching} start a fetch of the key set, which the server answers {@link #LATE} with the keys it
     * published when asked; rotates the key meanwhile; a token of the new key.
     */
    private static String rotatedWhileFetching(String endpoint, Runnable fetching) {
        as.lateKeys(LATE);
        int asked = as.jwksRequests();
        fetching.run();
        await().atMost(LATE).pollInterval(Duration.ofMillis(20)).until(() -> as.jwksRequests() > asked);
        as.rotateKey();
        return as.token(as.issuer(), endpoint, "mcp:tools");
    }

    /** Sends {@link #MADE_UP} tokens of made-up key ids at once; each is refused as of an unknown key. */
    private static void refusedTogether(String endpoint, String prefix) throws Exception {
        RSAKey forger = ForgedTokens.unknownKey();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<McpHttp.Response>> answers = new ArrayList<>();
            for (int i = 0; i < MADE_UP; i++) {
                String token = ForgedTokens.signed(new RSAKey.Builder(forger).keyID(prefix + "-" + i).build(),
                        ForgedTokens.claims(as.issuer(), endpoint, c -> c));
                answers.add(clients.submit(() -> initialize(endpoint, token)));
            }
            for (Future<McpHttp.Response> answer : answers) {
                assertThat(answer.get().status()).as("%s", answer.get()).isEqualTo(401);
            }
        }
    }

    private static McpHttp.Response initialize(String endpoint, String token) {
        return new McpHttp(URI.create(endpoint)).send("POST", BadTokensIT.INITIALIZE,
                BadTokensIT.headers(Map.of("authorization", "Bearer " + token)));
    }
}
