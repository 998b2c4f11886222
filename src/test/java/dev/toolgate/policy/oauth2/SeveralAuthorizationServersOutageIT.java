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
 * Outages of a route's two authorization servers (two real oidc-provider servers, taken down and up), on
 * a clock the test moves past the pause after a failed fetch: the log names each server's outage and its end.
 */
@Timeout(120)
class SeveralAuthorizationServersOutageIT {

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
        gateway = OAuthSetup.start(SeveralAuthorizationServersIT.route("outage", "${workforce}, ${partner}", ""),
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
