package dev.toolgate.mode.passthrough;

import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A legacy client's notifications to the legacy bridge (passthrough to a 2026-07-28 server), which
 * keeps the client's session itself: they are accepted (202) into a live session of the caller's only,
 * as on the gateway's own sessions; a notification without a session, in one that ended, or in another
 * caller's is told so. The server is scripted: it answers {@code server/discover} and nothing else.
 */
@Timeout(60)
class LegacyBridgeNotificationsIT {

    static final String DISCOVERED = """
            {"jsonrpc":"2.0","id":"toolgate-era-probe","result":{"resultType":"complete","supportedVersions":["2026-07-28"],
             "capabilities":{"tools":{}},"_meta":{"io.modelcontextprotocol/serverInfo":{"name":"scripted","version":"1"}}}}""";
    static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

    static RestUpstream modernOnly;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        modernOnly = new RestUpstream().json("POST /mcp", 200, DISCOVERED);
        gateway = TestGateway.start("""
                _format_version: "3.0"
                consumers:
                  - {username: alice, keyauth_credentials: [{key: alice-key}]}
                  - {username: bob, keyauth_credentials: [{key: bob-key}]}
                services:
                  - name: modern-only
                    url: %s/mcp
                    routes:
                      - name: keyed
                        paths: [/keyed]
                        plugins:
                          - name: key-auth
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener, server: {upstream_era: modern}}
                """.formatted(modernOnly.url()));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (modernOnly != null) {
            modernOnly.close();
        }
    }

    @Test
    void aNotificationIsAcceptedInTheCallersLiveSessionOnly() {
        McpHttp alice = new McpHttp(gateway.proxy("/keyed"), Map.of("apikey", "alice-key"));
        assertThat(alice.initialize("2025-11-25").status()).isEqualTo(200);
        assertThat(alice.post(INITIALIZED).status()).isEqualTo(202);

        McpHttp bob = new McpHttp(gateway.proxy("/keyed"), Map.of("apikey", "bob-key"));
        assertThat(bob.post(INITIALIZED).status()).as("no session").isEqualTo(400);
        bob.sessionId(alice.sessionId());
        assertThat(bob.post(INITIALIZED).status()).as("another caller's session").isEqualTo(404);

        assertThat(alice.send("DELETE", null, Map.of("mcp-session-id", alice.sessionId())).status()).isEqualTo(200);
        assertThat(alice.post(INITIALIZED).status()).as("an ended session").isEqualTo(404);
    }
}
