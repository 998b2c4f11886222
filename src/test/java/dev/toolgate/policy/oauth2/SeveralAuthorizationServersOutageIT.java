package dev.toolgate.policy.oauth2;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.toolgate.cluster.FakeClock;
import dev.toolgate.testing.AuthorizationServer;
import dev.toolgate.testing.CapturedLog;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Outages of one or both of a route's two authorization servers (two real oidc-provider servers, taken
 * down and up), on a clock the test moves past the keys' grace and the pause after a failed fetch: the
 * log names each server's outage and its end, and a server that comes back has its tokens accepted again
 * while the other's were accepted throughout.
 */
@Timeout(120)
class SeveralAuthorizationServersOutageIT {

    static final long TTL = 60;

    static AuthorizationServer workforce;
    static AuthorizationServer partner;
    static RestUpstream mcp;
    static TestGateway gateway;
    // the tokens are the servers', valid for minutes of real time: the clock starts now
    static final FakeClock clock = new FakeClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    @BeforeAll
    static void start() {
        workforce = AuthorizationServer.start();
        partner = AuthorizationServer.start();
        mcp = OAuthSetup.mcpServer();
        String servers = "${workforce}, ${partner}";
        gateway = OAuthSetup.start(SeveralAuthorizationServersIT.route("outage", servers, "")
                        + SeveralAuthorizationServersIT.route("back", servers, " ".repeat(14) + "jwks_cache_ttl: " + TTL + "\n")
                        .replaceFirst("(?s)^services:\n", ""),
                Map.of("workforce", workforce.issuer(), "partner", partner.issuer(), "mcp", mcp.url()), clock);
    }

    @AfterAll
    static void stop() throws Exception {
        OAuthSetup.close(gateway, mcp, workforce, partner);
    }

    @Test
    void whenBothServersAreDownTheLogNamesEachOutageAtOnceAndEachServersReturnOnce() {
        String resource = gateway.proxy("/outage").toString();
        String partnerToken = partner.token(partner.issuer(), resource, "mcp:tools");
        String workforceToken = workforce.token(workforce.issuer(), resource, "mcp:tools");
        try (CapturedLog log = CapturedLog.of(OAuth2.class.getName(), Level.INFO)) {
            partner.down();
            workforce.down();
            for (int i = 0; i < 2; i++) {
                assertThat(initialize("/outage", partnerToken).status()).isEqualTo(503);
                assertThat(initialize("/outage", workforceToken).status()).isEqualTo(503);
            }

            assertThat(naming(log, Level.WARN, partner)).as("the partner's outage: %s", log.text()).hasSize(1);
            assertThat(naming(log, Level.WARN, workforce)).as("the workforce's outage, seconds later: %s", log.text())
                    .hasSize(1);

            partner.up();
            workforce.up();
            clock.advance(Duration.ofMillis(SigningKeys.MIN_REFETCH_MILLIS));
            for (int i = 0; i < 2; i++) {
                assertThat(initialize("/outage", partnerToken).status()).isEqualTo(200);
                assertThat(initialize("/outage", workforceToken).status()).isEqualTo(200);
            }

            for (AuthorizationServer server : List.of(partner, workforce)) {
                assertThat(naming(log, Level.INFO, server)).as("%s is back: %s", server.issuer(), log.text())
                        .singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
                        .contains("answers again").contains("1 request refused with 503");
            }
        } finally {
            partner.up();
            workforce.up();
        }
    }

    @Test
    void aServerBackFromAnOutageHasItsTokensAcceptedAgainAndTheOthersWereAcceptedThroughout() {
        String resource = gateway.proxy("/back").toString();
        String partnerToken = partner.token(partner.issuer(), resource, "mcp:tools");
        String workforceToken = workforce.token(workforce.issuer(), resource, "mcp:tools");
        assertThat(initialize("/back", partnerToken).status()).as("both servers' keys fetched").isEqualTo(200);
        assertThat(initialize("/back", workforceToken).status()).isEqualTo(200);
        partner.down();
        try {
            clock.advance(Duration.ofSeconds(2 * TTL));
            assertThat(initialize("/back", workforceToken).status()).as("the workforce's keys refetched").isEqualTo(200);
            McpHttp.Response refused = initialize("/back", partnerToken);
            assertThat(refused.status()).as("the partner's keys are past their grace: %s", refused).isEqualTo(503);
            assertThat(refused.header("retry-after")).isEqualTo("5");
            assertThat(initialize("/back", workforceToken).status()).isEqualTo(200);

            partner.up();
            clock.advance(Duration.ofMillis(SigningKeys.MIN_REFETCH_MILLIS));

            McpHttp.Response served = initialize("/back", partnerToken);
            assertThat(served.status()).as("the partner is back: %s", served).isEqualTo(200);
            assertThat(initialize("/back", workforceToken).status()).isEqualTo(200);
            clock.advance(Duration.ofSeconds(TTL + 1));
            assertThat(initialize("/back", partnerToken).status()).as("its refetched keys age as any").isEqualTo(200);
            assertThat(initialize("/back", workforceToken).status()).isEqualTo(200);
        } finally {
            partner.up();
        }
    }

    /** The plugin's lines at {@code level} that name {@code server} (and not another port that starts like its own). */
    private static List<ILoggingEvent> naming(CapturedLog log, Level level, AuthorizationServer server) {
        Pattern issuer = Pattern.compile(Pattern.quote(server.issuer()) + "(?!\\d)");
        return log.since(0).stream().filter(e -> e.getLevel() == level)
                .filter(e -> issuer.matcher(e.getFormattedMessage()).find()).toList();
    }

    private static McpHttp.Response initialize(String path, String token) {
        return new McpHttp(gateway.proxy(path)).send("POST", BadTokensIT.INITIALIZE,
                BadTokensIT.headers(Map.of("authorization", "Bearer " + token)));
    }
}
