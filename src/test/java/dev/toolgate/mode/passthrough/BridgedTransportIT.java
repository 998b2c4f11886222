package dev.toolgate.mode.passthrough;

import dev.toolgate.testing.EverythingServer;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.ModernHttp;
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
 * them, before the route's message policies spend anything. {@code /legacy} (and {@code /limited}, with a tool
 * limit of one call an hour, and {@code /first-contact}, the same at a path no other test asks about) is the legacy
 * bridge, in front of the TypeScript SDK 2.x fixture that refuses legacy traffic; {@code /modern} the era bridge, in front of the MCP reference server (legacy only).
 */
@Timeout(120)
class BridgedTransportIT {

    static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";
    static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"}";

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
                      - name: limited-legacy-bridge
                        paths: [/limited]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener, tool_limits: {hour: 1}}
                      - name: first-contact-legacy-bridge
                        paths: [/first-contact]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener, tool_limits: {hour: 1}}
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

    @Test
    void theLegacyBridgeRefusesAnAcceptWithoutAnEventStreamRatherThanSendOneAndABodyThatIsNotJson() {
        McpHttp client = new McpHttp(gateway.proxy("/legacy"));
        McpHttp.Response opened = client.send("POST", """
                {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",
                 "capabilities":{"elicitation":{}},"clientInfo":{"name":"t","version":"1"}}}""",
                Map.of("content-type", "application/json", "accept", McpHttp.ACCEPT_BOTH));
        assertThat(opened.status()).as("%s", opened).isEqualTo(200);
        client.sessionId(opened.header("mcp-session-id"));
        // the server asks for input: the bridge would ask the client on an event stream
        String confirm = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"confirm\","
                + "\"arguments\":{}}}";

        McpHttp.Response jsonOnly = client.send("POST", confirm, headers(client, "accept", "application/json"));
        assertRpcErrorStartingWith(jsonOnly, 406, -32000, "Not Acceptable");
        assertThat(jsonOnly.header("content-type")).startsWith("application/json");
        assertRpcErrorStartingWith(client.send("POST", PING, headers(client, "accept", null)), 406, -32000,
                "Not Acceptable");
        assertRpcErrorStartingWith(client.send("POST", PING, headers(client, "content-type", "text/plain")), 415,
                -32000, "Unsupported Media Type");
        assertThat(client.send("POST", PING, headers(client)).status()).isEqualTo(200);
    }

    @Test
    void theEraBridgeRefusesAnAcceptWithoutAnEventStreamAndABodyThatIsNotJsonAsTheServerWould() {
        ModernHttp modern = new ModernHttp(gateway.proxy("/mcp"));

        assertRpcErrorStartingWith(modern.request("tools/call", "{\"name\":\"echo\",\"arguments\":{\"message\":\"hi\"}}",
                "{}", Map.of("accept", "application/json")), 406, -32000, "Not Acceptable");
        assertRpcErrorStartingWith(modern.request("tools/list", "{}", "{}", Map.of("content-type", "text/plain")), 415,
                -32000, "Unsupported Media Type");
        McpHttp.Response listed = modern.request("tools/list", "{}");
        assertThat(listed.status()).as("%s", listed).isEqualTo(200);
    }

    @Test
    void theLegacyBridgeRefusesPutAndPatchWithTheMethodsItServesInsteadOfServingThemAsPost() {
        McpHttp client = bridged();
        String initialize = """
                {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},
                 "clientInfo":{"name":"t","version":"1"}}}""";
        String call = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                + "\"arguments\":{\"message\":\"via PUT\"}}}";

        McpHttp.Response opened = client.send("PUT", initialize, headers(client, "mcp-session-id", null));
        assertRpcErrorStartingWith(opened, 405, -32000, "Method Not Allowed: PUT");
        assertThat(opened.header("allow")).isEqualTo("POST, DELETE");
        assertThat(opened.header("mcp-session-id")).as("no session opened").isNull();
        McpHttp.Response called = client.send("PATCH", call, headers(client));
        assertRpcErrorStartingWith(called, 405, -32000, "Method Not Allowed: PATCH");
        assertThat(called.header("allow")).isEqualTo("POST, DELETE");
        assertRpcErrorStartingWith(client.send("PUT", null, headers(client)), 405, -32000, "Method Not Allowed: PUT");
        assertThat(client.send("POST", call, headers(client)).json().at("/result/content/0/text").asText())
                .isEqualTo("Echo: via PUT");
    }

    /**
     * What the bridge refuses as the server (a method it does not serve, an Accept or Content-Type it does not
     * answer, a version it does not speak, no session) is refused before the route's tool limit counts the call.
     */
    @Test
    void aToolCallTheLegacyBridgeRefusesForItsTransportSpendsNothingOfTheRoutesToolLimit() {
        McpHttp client = new McpHttp(gateway.proxy("/limited"));
        assertThat(client.initialize("2025-11-25").status()).as("the server is found to speak 2026-07-28 alone")
                .isEqualTo(200);
        String call = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                + "\"arguments\":{\"message\":\"refused\"}}}";

        McpHttp.Response put = client.send("PUT", call, headers(client, "mcp-session-id", null));
        assertRpcErrorStartingWith(put, 405, -32000, "Method Not Allowed: PUT");
        assertRpcErrorStartingWith(client.send("POST", call, headers(client, "mcp-session-id", null,
                "accept", "application/json")), 406, -32000, "Not Acceptable");
        assertRpcErrorStartingWith(client.send("POST", call, headers(client, "mcp-session-id", null,
                "content-type", "text/plain")), 415, -32000, "Unsupported Media Type");
        assertRpcErrorStartingWith(client.send("POST", call, headers(client, "mcp-session-id", null,
                "mcp-protocol-version", "1999-01-01")), 400, -32000, "Bad Request: unsupported MCP-Protocol-Version");
        assertRpcErrorStartingWith(client.send("POST", call, headers(client, "mcp-session-id", null)), 400, -32000,
                "Bad Request: Mcp-Session-Id header is required");
        assertRpcErrorStartingWith(client.send("POST", "[" + call + "]", headers(client, "mcp-session-id", null)),
                400, -32000, "Bad Request: Mcp-Session-Id header is required");

        // one call an hour: the first the bridge serves is the first counted
        McpHttp.Response served = client.send("POST", call.replace("refused", "counted"), headers(client));
        assertThat(served.status()).as("%s", served).isEqualTo(200);
        assertThat(served.json().at("/result/content/0/text").asText()).as("%s", served).isEqualTo("Echo: counted");
    }

    /**
     * MCP forbids {@code initialize} in a batch: one opening with it where the server's era is not known yet (the
     * first contact) is refused as a conversion endpoint refuses it, before the route's tool limit counts its call.
     */
    @Test
    void aBatchOpeningWithInitializeAtFirstContactIsRefusedBeforeTheToolLimitCountsTheCallItHolds() {
        McpHttp client = new McpHttp(gateway.proxy("/first-contact"));
        String call = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                + "\"arguments\":{\"message\":\"refused\"}}}";
        String batch = """
                [{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-03-26",
                  "capabilities":{},"clientInfo":{"name":"t","version":"1"}}},
                 %s]""".formatted(call);

        McpHttp.Response refused = client.send("POST", batch, headers(client, "mcp-session-id", null));

        assertRpcErrorStartingWith(refused, 400, -32600, "Invalid Request: initialize cannot be part of a batch");
        assertThat(refused.header("mcp-session-id")).as("no session opened").isNull();
        assertThat(client.initialize("2025-03-26").status()).isEqualTo(200);
        // one call an hour: the refused batch's was not counted
        McpHttp.Response served = client.send("POST", call.replace("refused", "counted"), headers(client));
        assertThat(served.status()).as("%s", served).isEqualTo(200);
        assertThat(served.json().at("/result/content/0/text").asText()).as("%s", served).isEqualTo("Echo: counted");
    }

    /** A value that names no revision is no modern request: the legacy bridge, being the server, refuses it. */
    @Test
    void aHeaderThatNamesNoRevisionGetsTheLegacyBridgesLegacyRefusal() {
        McpHttp client = bridged();
        assertRpcErrorStartingWith(client.send("POST", LIST, headers(client, "mcp-protocol-version", "garbage")), 400,
                -32000, "Bad Request: unsupported MCP-Protocol-Version 'garbage'");
    }

    /** In front of a legacy server such a value goes to the server, which judges it itself: the gateway is no server there. */
    @Test
    void aHeaderThatNamesNoRevisionGoesToALegacyServerAsItIs() {
        McpHttp forwarded = new McpHttp(gateway.proxy("/mcp"));
        McpHttp.Response opened = forwarded.initialize("2025-11-25");
        assertThat(opened.status()).as("%s", opened).isEqualTo(200);
        McpHttp.Response judged = forwarded.send("POST", LIST, headers(forwarded, "mcp-protocol-version", "garbage"));
        assertThat(judged.status()).as("%s", judged).isEqualTo(400);
        assertThat(judged.json().at("/error/code").asInt()).as("%s", judged).isEqualTo(-32000);
        assertThat(judged.json().at("/error/message").asText()).as("the server's own words")
                .doesNotStartWith("Bad Request: unsupported MCP-Protocol-Version").contains("garbage");
    }
}
