package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a session of the legacy bridge keeps of a large {@code initialize}: its capabilities go to the
 * 2026-07-28 server with every request, so they are kept whole or refused, whichever store keeps the
 * session; the client's name is a label, cut. The server is scripted: it answers {@code server/discover}
 * and each request, and notes the client capabilities each request carried.
 */
@Timeout(60)
class LegacyBridgeInitializeSizeIT {

    static final String DISCOVERED = """
            {"jsonrpc":"2.0","id":%s,"result":{"resultType":"complete","supportedVersions":["2026-07-28"],
             "capabilities":{"tools":{}},"_meta":{"io.modelcontextprotocol/serverInfo":{"name":"scripted","version":"1"}}}}""";
    static final String LISTED = "{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":{\"resultType\":\"complete\",\"tools\":[]}}";
    static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";

    static RestUpstream modernOnly;
    static TestGateway gateway;
    static final Queue<JsonNode> declared = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void start() {
        modernOnly = new RestUpstream().onMessage("POST /mcp", LegacyBridgeInitializeSizeIT::answer);
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: modern-only
                    url: %s/mcp
                    routes:
                      - name: memory
                        paths: [/memory]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener, server: {upstream_era: modern}}
                      - name: sealed
                        paths: [/sealed]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: passthrough-listener
                              server:
                                upstream_era: modern
                                session: {strategy: client, client: {secrets: [a-secret-of-32-characters-long!!]}}
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

    private static void answer(HttpServerRequest request, JsonNode message) {
        String method = message.path("method").asText();
        if (method.equals("server/discover")) {
            request.response().putHeader("content-type", "application/json").end(DISCOVERED.formatted(message.get("id")));
            return;
        }
        declared.add(message.at("/params/_meta/io.modelcontextprotocol~1clientCapabilities"));
        request.response().putHeader("content-type", "application/json").end(LISTED.formatted(message.get("id")));
    }

    private static String initialize(String clientName, String capabilities) {
        return """
                {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",
                 "capabilities":%s,"clientInfo":{"name":"%s","version":"1"}}}""".formatted(capabilities, clientName);
    }

    private static String capabilities(int padding) {
        return "{\"elicitation\":{\"form\":{}},\"experimental\":{\"padding\":\"" + "x".repeat(padding) + "\"}}";
    }

    @Test
    void capabilitiesTooLongToKeepWholeAreRefusedWithAnErrorNamingTheLimitWhicheverTheStore() {
        for (String path : new String[] {"/memory", "/sealed"}) {
            for (int padding : new int[] {3_000, 1_000_000}) {
                McpHttp.Response init = new McpHttp(gateway.proxy(path)).post(initialize("big", capabilities(padding)));

                assertThat(init.status()).as(path + ": " + init).isEqualTo(200);
                assertThat(init.header("mcp-session-id")).as(path).isNull();
                assertThat(init.json().path("id").asInt(-1)).isZero();
                assertThat(init.json().at("/error/code").asInt()).isEqualTo(-32602);
                assertThat(init.json().at("/error/message").asText()).contains("capabilities", "2048");
            }
        }
    }

    @Test
    void capabilitiesWithinTheLimitReachTheServerWholeWithEachRequestWhicheverTheStore() throws IOException {
        String capabilities = capabilities(1_900);
        for (String path : new String[] {"/memory", "/sealed"}) {
            McpHttp mcp = new McpHttp(gateway.proxy(path));
            McpHttp.Response init = mcp.post(initialize("fits", capabilities));
            assertThat(init.status()).as(path + ": " + init).isEqualTo(200);
            mcp.sessionId(init.header("mcp-session-id"));
            declared.clear();

            assertThat(mcp.post(LIST).status()).isEqualTo(200);

            assertThat(declared).as(path).containsExactly(Json.parse(capabilities));
        }
    }

    @Test
    void aClientWithAVeryLongNameGetsASealedSessionItCanUse() {
        McpHttp mcp = new McpHttp(gateway.proxy("/sealed"));
        McpHttp.Response init = mcp.post(initialize("n".repeat(20_000), "{}"));
        assertThat(init.status()).as(init.toString()).isEqualTo(200);
        mcp.sessionId(init.header("mcp-session-id"));

        assertThat(mcp.sessionId().length()).as("the session id's length").isLessThan(2_000);
        assertThat(mcp.post(LIST).status()).isEqualTo(200);
    }
}
