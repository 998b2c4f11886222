package dev.toolgate.mode.passthrough;

import dev.toolgate.testing.EverythingServer;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.LinkedHashMap;
import java.util.Map;

import static dev.toolgate.testing.McpAssertions.assertRpcErrorStartingWith;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The streamable HTTP transport's rules on a passthrough route where a bridge is the server the client
 * talks to (the server behind it never sees the client's request): applied as a conversion endpoint applies
 * them. {@code /legacy} is the legacy bridge, in front of the TypeScript SDK 2.x fixture that refuses legacy
 * traffic; {@code /modern} the era bridge, in front of the MCP reference server (legacy only).
 */
@Timeout(120)
class BridgedTransportIT {

    static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";

    static EverythingServer modernOnly;
    static EverythingServer legacyOnly;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        modernOnly = EverythingServer.modernFixture(true);
        legacyOnly = EverythingServer.start();
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: modern-only
                    url: %s
                    routes:
                      - name: legacy-bridge
                        paths: [/legacy]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                  - name: legacy-only
                    url: %s
                    routes:
                      - name: era-bridge
                        paths: [/mcp]
                        strip_path: false
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                """.formatted(modernOnly.mcp(), legacyOnly.url()));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (modernOnly != null) {
            modernOnly.close();
        }
        if (legacyOnly != null) {
            legacyOnly.close();
        }
    }

    /** A client of the legacy bridge with a live session. */
    private static McpHttp bridged() {
        McpHttp client = new McpHttp(gateway.proxy("/legacy"));
        McpHttp.Response opened = client.initialize("2025-11-25");
        assertThat(opened.status()).as("%s", opened).isEqualTo(200);
        return client;
    }

    /** A legacy client's standard headers in its session, then {@code extra} pairs (a null value removes one). */
    private static Map<String, String> headers(McpHttp client, String... extra) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("accept", McpHttp.ACCEPT_BOTH);
        headers.put("mcp-session-id", client.sessionId());
        for (int i = 0; i + 1 < extra.length; i += 2) {
            if (extra[i + 1] == null) {
                headers.remove(extra[i]);
            } else {
                headers.put(extra[i], extra[i + 1]);
            }
        }
        return headers;
    }

    @Test
    void theLegacyBridgeRefusesAProtocolVersionItDoesNotSpeakAsAConversionEndpointDoes() {
        McpHttp client = bridged();

        McpHttp.Response refused = client.send("POST", LIST, headers(client, "mcp-protocol-version", "1999-01-01"));

        assertRpcErrorStartingWith(refused, 400, -32000, "Bad Request: unsupported MCP-Protocol-Version '1999-01-01'");
        assertThat(client.send("DELETE", null, headers(client, "mcp-protocol-version", "1999-01-01")).status())
                .as("nor is a session ended with it").isEqualTo(400);
        McpHttp.Response served = client.send("POST", LIST, headers(client, "mcp-protocol-version", "2025-11-25"));
        assertThat(served.status()).as("%s", served).isEqualTo(200);
        assertThat(served.json().at("/result/tools").findValuesAsText("name")).contains("echo");
    }
}
