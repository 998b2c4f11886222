package dev.toolgate.mode.passthrough;

import dev.toolgate.testing.JavaSdkServer;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.ModernHttp;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a passthrough route's era handling ({@link ModernTraffic}) refuses itself, after the tap has read
 * the request and before anything reaches the server, leaves none of its requests waiting in the tap: a
 * modern request the bridge to a legacy server refuses, one whose mirrored headers disagree with its body
 * on the way to a modern server, and a legacy request the bridge to a modern server refuses. Each is sent
 * {@link #TIMES} times, so one left waiting per refusal would show as many; a fresh gateway per test keeps
 * one test's leftovers out of the next one's count.
 */
@Timeout(60)
class ModernTrafficRefusalsIT {

    static final int TIMES = 10;

    static JavaSdkServer marketplace;
    TestGateway gateway;

    @BeforeAll
    static void startServer() {
        marketplace = JavaSdkServer.withTools(JavaSdkServer.MARKETPLACE);
    }

    @AfterAll
    static void stopServer() {
        if (marketplace != null) {
            marketplace.close();
        }
    }

    @BeforeEach
    void startGateway() {
        // the eras configured, not found out: no probe reaches the server, so it receives only what is forwarded
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: marketplace
                    url: %s
                    routes:
                      - name: to-legacy
                        paths: [/to-legacy]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener, server: {upstream_era: legacy}}
                      - name: to-modern
                        paths: [/to-modern]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener, server: {upstream_era: modern}}
                """.formatted(marketplace.mcp()));
        marketplace.clear();
    }

    @AfterEach
    void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void modernRequestsTheBridgeToALegacyServerRefusesLeaveNothingWaiting() {
        ModernHttp client = new ModernHttp(gateway.proxy("/to-legacy"));
        for (int i = 0; i < TIMES; i++) {
            // ModernRequest.check: a header that says another method than the body
            assertStatus(client.request("tools/list", "{}", "{}", Map.of("mcp-method", "prompts/list")), 400);
            // ModernRequest.check: no per-request _meta
            assertStatus(client.send("{\"jsonrpc\":\"2.0\",\"id\":\"no-meta\",\"method\":\"tools/list\",\"params\":{}}",
                    client.headers("tools/list", null)), 400);
            // a 2026-07-28 POST carries one message, not a batch
            String one = client.body("tools/list", "{}", ModernHttp.VERSION, "{}").toString();
            assertStatus(client.send("[" + one + "," + one.replace("\"id\":", "\"id\":1000") + "]",
                    client.headers("tools/list", null)), 400);
            // not a valid JSON-RPC request, though the tap reads its method and id
            assertStatus(client.send("{\"jsonrpc\":\"2.0\",\"id\":\"bad\",\"method\":\"tools/list\",\"params\":\"x\"}",
                    client.headers("tools/list", null)), 400);
            // a method the bridge does not carry (EraBridge refuses it before it asks the server)
            assertStatus(client.request("ping", "{}"), 404);
            // a requestState that is not a string (EraBridge refuses it before it looks it up)
            assertStatus(client.request("tools/list", "{\"requestState\":7}"), 400);
            // a modern request sent with another HTTP method than POST
            assertStatus(new McpHttp(gateway.proxy("/to-legacy")).send("PUT",
                    client.body("tools/list", "{}", ModernHttp.VERSION, "{}").toString(),
                    client.headers("tools/list", null)), 405);
        }

        assertThat(gateway.gateway().waitingRequests()).isZero();
        assertThat(marketplace.requests()).as("nothing refused reached the server").isEmpty();
    }

    @Test
    void aModernRequestWhoseMirroredHeadersDisagreeWithItsBodyLeavesNothingWaiting() {
        ModernHttp client = new ModernHttp(gateway.proxy("/to-modern"));
        for (int i = 0; i < TIMES; i++) {
            // checked against the body the route's policies would decide on, before it is forwarded
            assertStatus(client.request("tools/call", "{\"name\":\"get_user\",\"arguments\":{}}", "{}",
                    Map.of("mcp-name", "list_users")), 400);
            assertStatus(client.request("tools/list", "{}", "{}", Map.of("mcp-method", "tools/call")), 400);
        }

        assertThat(gateway.gateway().waitingRequests()).isZero();
        assertThat(marketplace.requests()).as("nothing refused reached the server").isEmpty();
    }

    @Test
    void legacyRequestsTheBridgeToAModernServerRefusesLeaveNothingWaiting() {
        McpHttp client = new McpHttp(gateway.proxy("/to-modern"));
        for (int i = 0; i < TIMES; i++) {
            client.sessionId(null);
            // a request before initialize: no session to bridge it in
            assertStatus(client.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}"), 400);
            // a legacy client is told about bad params in a JSON-RPC error, with HTTP 200
            McpHttp.Response noVersion = client.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"initialize\","
                    + "\"params\":{}}");
            assertStatus(noVersion, 200);
            assertThat(noVersion.json().at("/error/code").asInt()).as(noVersion.toString()).isEqualTo(-32602);
            // a batch before initialize: no session to bridge it in
            assertStatus(client.post("[{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"},"
                    + "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\"}]"), 400);
            // not a valid JSON-RPC request, though the tap reads its method and id
            assertStatus(client.post("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\",\"params\":\"x\"}"), 400);
            // a session the gateway never opened
            client.sessionId("never-issued");
            assertStatus(client.post("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/list\"}"), 404);
        }

        assertThat(gateway.gateway().waitingRequests()).isZero();
        assertThat(marketplace.requests()).as("nothing refused reached the server").isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"/to-modern, mcp-name, delete_user", "/to-legacy, mcp-name, delete_user",
            "/to-modern, mcp-method, tools/list", "/to-legacy, MCP-Protocol-Version, 2026-07-28"})
    void aMirroredHeaderSentTwiceIsRefusedNamingItAndNothingReachesTheServer(String path, String header, String second) {
        ModernHttp modern = new ModernHttp(gateway.proxy(path));
        var body = modern.body("tools/call", "{\"name\":\"get_user\",\"arguments\":{\"id\":\"1\"}}", ModernHttp.VERSION, "{}");

        McpHttp.Response refused = new McpHttp(gateway.proxy(path)).send("POST", body.toString(),
                modern.headers("tools/call", body.get("params")), header, second);

        assertStatus(refused, 400);
        assertThat(refused.json().at("/error/code").asInt()).as(refused.toString()).isEqualTo(-32020);
        assertThat(refused.json().at("/error/message").asText()).as(refused.toString())
                .containsIgnoringCase("the " + header + " header is sent more than once");
        assertThat(marketplace.requests()).as("nothing refused reached the server").isEmpty();
    }

    private static void assertStatus(McpHttp.Response response, int status) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
    }
}
