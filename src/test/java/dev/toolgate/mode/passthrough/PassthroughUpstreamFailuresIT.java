package dev.toolgate.mode.passthrough;

import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.ModernHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server that fails before its answer begins (nothing listens; it says nothing within the service's
 * {@code read_timeout}) answers none of the exchange's requests: the client gets the gateway's 502 or 504,
 * and none of the requests stays waiting in the tap for an answer that will not come.
 */
@Timeout(60)
class PassthroughUpstreamFailuresIT {

    private RestUpstream silent;
    private TestGateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (silent != null) {
            silent.close();
        }
    }

    @Test
    void requestsToAServerThatIsDownOrSilentLeaveNothingWaiting() throws IOException {
        silent = new RestUpstream().on("POST /mcp", request -> { });
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: gone
                    url: http://127.0.0.1:%d/mcp
                    routes:
                      - {name: gone, paths: [/gone], plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener}}]}
                  - name: silent
                    url: %s/mcp
                    read_timeout: 200
                    routes:
                      - {name: silent, paths: [/silent], plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener}}]}
                """.formatted(closedPort(), silent.url()));

        for (String path : new String[]{"/gone", "/silent"}) {
            McpHttp client = new McpHttp(gateway.proxy(path));
            for (int i = 0; i < 10; i++) {
                McpHttp.Response failed = client.post("[{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"ping\"},"
                        + "{\"jsonrpc\":\"2.0\",\"id\":\"t" + i + "\",\"method\":\"tools/list\"}]");
                assertThat(failed.status()).as(path + ": " + failed).isEqualTo(path.equals("/gone") ? 502 : 504);
            }
        }

        assertThat(gateway.gateway().waitingRequests()).isZero();
    }

    @Test
    void aJsonAnswerCutOffAfterItsFirstBytesWentOutLeavesNothingWaiting() {
        silent = new RestUpstream().on("POST /mcp", request -> {
            request.response().putHeader("content-type", "application/json").putHeader("content-length", "500")
                    .write("{\"jsonrpc\":\"2.0\",\"id\":");
            // the first bytes reach the client through the gateway before the server goes away
            io.vertx.core.Vertx.currentContext().owner().setTimer(100, t -> request.connection().close());
        });
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: cut
                    url: %s/mcp
                    routes:
                      - {name: cut, paths: [/cut], plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener}}]}
                """.formatted(silent.url()));

        McpHttp client = new McpHttp(gateway.proxy("/cut"));
        for (int i = 0; i < 10; i++) {
            try {
                client.post("{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"tools/list\"}");
            } catch (RuntimeException cutOff) {
                // the client sees its answer end early: what matters here is what the gateway keeps
            }
        }

        assertThat(gateway.gateway().waitingRequests()).isZero();
    }

    @Test
    void requestsBridgedBetweenErasToAServerThatIsDownAreAnsweredWithTheirIdsAndLeaveNothingWaiting() throws IOException {
        int gone = closedPort();
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: gone
                    url: http://127.0.0.1:%d/mcp
                    routes:
                      - name: to-legacy
                        paths: [/to-legacy]
                        plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener, server: {upstream_era: legacy}}}]
                      - name: to-modern
                        paths: [/to-modern]
                        plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener, server: {upstream_era: modern}}}]
                """.formatted(gone));

        ModernHttp modern = new ModernHttp(gateway.proxy("/to-legacy"));
        McpHttp legacy = new McpHttp(gateway.proxy("/to-modern"));
        assertThat(legacy.initialize("2025-11-25").status()).isEqualTo(200);
        for (int i = 0; i < 10; i++) {
            McpHttp.Response bridged = modern.request("tools/list", "{}");
            assertThat(bridged.status()).as(bridged.toString()).isEqualTo(502);
            assertThat(bridged.json().path("id").isNull()).as("the error names the request it answers").isFalse();

            McpHttp.Response legacyCall = legacy.post("{\"jsonrpc\":\"2.0\",\"id\":" + (100 + i)
                    + ",\"method\":\"tools/list\"}");
            assertThat(legacyCall.status()).as(legacyCall.toString()).isEqualTo(502);
            assertThat(legacyCall.json().path("id").asInt()).isEqualTo(100 + i);
        }

        assertThat(gateway.gateway().waitingRequests()).isZero();
    }

    @Test
    void aBridgedRequestToAServerThatIsDownIsToldSoNamingTheServiceOnce() throws IOException {
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: gone
                    url: http://127.0.0.1:%d/mcp
                    routes:
                      - name: to-legacy
                        paths: [/to-legacy]
                        plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener, server: {upstream_era: legacy}}}]
                      - name: to-modern
                        paths: [/to-modern]
                        plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener, server: {upstream_era: modern}}}]
                """.formatted(closedPort()));
        McpHttp legacy = new McpHttp(gateway.proxy("/to-modern"));
        assertThat(legacy.initialize("2025-11-25").status()).isEqualTo(200);

        McpHttp.Response fromModern = new ModernHttp(gateway.proxy("/to-legacy")).request("tools/list", "{}");
        McpHttp.Response fromLegacy = legacy.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");

        for (McpHttp.Response failed : new McpHttp.Response[] {fromModern, fromLegacy}) {
            String message = failed.json().at("/error/message").asText();
            assertThat(message).as(failed.toString()).startsWith("Bad Gateway: service 'gone' is unavailable: unreachable")
                    .doesNotContain("127.0.0.1");
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
