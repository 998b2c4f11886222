package dev.toolgate.mode.acl;

import dev.toolgate.testing.JavaSdkServer;
import dev.toolgate.testing.KongHowTos;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.ModernHttp;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 2026-07-28 {@code server/discover} on a passthrough route whose default ACL refuses a caller outright
 * (carol, suspended, may use no tool of Kong's marketplace server) is refused with the 403 a legacy
 * {@code initialize} gets at connect, whether the route forwards it to a modern server or bridges it to a
 * legacy one, and never reaches the server; a caller the ACLs let in is answered.
 */
@Timeout(60)
class PassthroughDiscoverAclIT {

    static JavaSdkServer marketplace;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        marketplace = JavaSdkServer.withTools(JavaSdkServer.MARKETPLACE);
        // the eras configured, not found out: no probe reaches the server, so it receives only what is forwarded
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: marketplace
                    url: %s
                    routes:
                      - {name: to-legacy, paths: [/to-legacy]}
                      - {name: to-modern, paths: [/to-modern]}
                plugins:
                  - {name: key-auth, config: {key_names: [apikey]}}
                %s
                %s
                """.formatted(marketplace.mcp(), guarded("to-legacy", "legacy"), guarded("to-modern", "modern"))
                + KongHowTos.MARKETPLACE_CONSUMERS);
    }

    /** Kong's how-to default ACL on a passthrough route, its server of the era given. */
    static String guarded(String route, String era) {
        return """
                  - name: ai-mcp-proxy
                    route: %s
                    config:
                      mode: passthrough-listener
                      include_consumer_groups: true
                      server: {upstream_era: %s}
                      default_acl: [{scope: tools, allow: [developer, admin], deny: [suspended]}]
                      tools:
                        - {name: list_users, description: List users, acl: {allow: [admin]}}
                """.formatted(route, era);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (marketplace != null) {
            marketplace.close();
        }
    }

    @BeforeEach
    void forget() {
        marketplace.clear();
    }

    @Test
    void aDiscoverBridgedToALegacyServerIsRefusedAsALegacyInitializeForACallerTheDefaultAclRefusesOutright() {
        assertDiscoverRefusedAsInitialize("/to-legacy");

        McpHttp.Response bob = new ModernHttp(gateway.proxy("/to-legacy"), KongHowTos.apiKey("bob"))
                .request("server/discover", "{}");
        assertThat(bob.json().at("/result/resultType").asText()).as(bob.toString()).isEqualTo("complete");
        assertThat(bob.json().at("/result/_meta").toString()).contains(JavaSdkServer.NAME);
    }

    @Test
    void aDiscoverForwardedToAModernServerIsRefusedAsALegacyInitializeForACallerTheDefaultAclRefusesOutright() {
        assertDiscoverRefusedAsInitialize("/to-modern");
    }

    @Test
    void aCallerTheDefaultAclRefusesOutrightGets403ForNotificationsStreamsAndDeletesAndTheServerHearsNone() {
        McpHttp carol = new McpHttp(gateway.proxy("/to-legacy"), KongHowTos.apiKey("carol"));
        Map<String, String> json = Map.of("content-type", "application/json", "accept", McpHttp.ACCEPT_BOTH,
                "mcp-protocol-version", "2025-11-25");
        McpHttp.Response notification = carol.send("POST",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", json);
        McpHttp.Response stream = carol.send("GET", null, Map.of("accept", "text/event-stream",
                "mcp-protocol-version", "2025-11-25"));
        McpHttp.Response delete = carol.send("DELETE", null, Map.of("mcp-protocol-version", "2025-11-25"));

        for (McpHttp.Response refused : List.of(notification, stream, delete)) {
            assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
            assertThat(refused.json().path("message").asText(refused.json().path("error").path("message").asText()))
                    .isEqualTo("You cannot consume this service");
        }
        assertThat(marketplace.requests()).as("what reached the server").isEmpty();
    }

    /** carol's server/discover gets the 403 and message of her legacy initialize, and the server never hears of it. */
    static void assertDiscoverRefusedAsInitialize(String path) {
        McpHttp.Response discover = new ModernHttp(gateway.proxy(path), KongHowTos.apiKey("carol"))
                .request("server/discover", "{}");
        assertThat(marketplace.requests()).as("the refused discover reached the server").isEmpty();
        McpHttp.Response legacy = new McpHttp(gateway.proxy(path), KongHowTos.apiKey("carol")).initialize("2025-11-25");

        assertThat(legacy.status()).as(legacy.toString()).isEqualTo(403);
        assertThat(discover.status()).as(discover.toString()).isEqualTo(403);
        assertThat(discover.json().path("error").path("message").asText())
                .isEqualTo(legacy.json().path("error").path("message").asText())
                .isEqualTo("You cannot consume this service");
        assertThat(discover.json().has("result")).isFalse();
    }
}
