package dev.toolgate.interop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.EverythingServer;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.ModernHttp;
import dev.toolgate.testing.NodeClients;
import dev.toolgate.testing.RawConnection;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedTest;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Legacy clients through a passthrough route to a server that speaks only 2026-07-28 (the TypeScript
 * SDK 2.x fixture with legacy traffic rejected): the gateway finds that out on the first
 * {@code initialize}, answers it from the server's {@code server/discover}, and serves the session by
 * sending each request as a modern one; the server's input_required round reaches the legacy client
 * as an elicitation request on the call's stream. Modern clients of the same route go through as
 * they are.
 */
@Timeout(180)
class LegacyBridgeIT {

    static NodeClients node;
    static EverythingServer modernOnly;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        node = NodeClients.require();
        modernOnly = EverythingServer.modernFixture(true);
        gateway = TestGateway.start("""
                _format_version: "3.0"
                consumers:
                  - {username: alice, keyauth_credentials: [{key: alice-key}]}
                  - {username: bob, keyauth_credentials: [{key: bob-key}]}
                services:
                  - name: modern-only
                    url: %s
                    routes:
                      - name: modern-only
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                      - name: keyed
                        paths: [/keyed]
                        plugins:
                          - name: key-auth
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                      - name: limited
                        paths: [/limited]
                        plugins:
                          - name: key-auth
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener, tool_limits: {hour: 1}}
                """.formatted(modernOnly.mcp()));
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
    void theServerRefusesLegacyClientsOnItsOwn() {
        McpHttp direct = new McpHttp(modernOnly.mcp());

        assertThat(direct.initialize("2025-11-25").status()).isEqualTo(400);
    }

    @Test
    void aLegacyClientListsAndCallsAModernOnlyServerThroughTheGateway() {
        JsonNode out = node.typescriptSdk(gateway.proxy("/mcp"), "call", "echo", "{\"message\":\"bridged\"}").ok();

        assertThat(out.path("protocolVersion").asText()).isEqualTo("2025-11-25");
        assertThat(out.path("sessionId").isTextual()).isTrue();
        assertThat(out.at("/serverInfo/name").asText()).isEqualTo("toolgate-modern-fixture");
        assertThat(out.at("/result/content/0/text").asText()).isEqualTo("Echo: bridged");
        assertThat(out.path("result").has("resultType")).isFalse();
    }

    @Test
    void theServersInputRequiredRoundReachesALegacyClientAsAnElicitationRequest() {
        JsonNode out = node.typescriptSdkV2(gateway.proxy("/mcp"), "legacy", Map.of("TOOLGATE_ELICITATION",
                "{\"name\":\"Grace\"}"), "call", "confirm", "{}").ok();

        assertThat(out.path("era").asText()).isEqualTo("legacy");
        assertThat(out.at("/inputRequests/0/method").asText()).isEqualTo("elicitation/create");
        assertThat(out.at("/results/0/content/0/text").asText()).isEqualTo("Hello, Grace!");
    }

    @Test
    void aCapabilityTheClientLacksIsToldWithAnErrorCodeItsRevisionDefinesNotThe2026Code() {
        // the v1 client declares no elicitation: the server's -32021 names a code 2025-11-25 does not define
        NodeClients.Run run = node.typescriptSdk(gateway.proxy("/mcp"), "call", "confirm", "{}");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.stderr()).as(run.toString()).contains("(code -32602)", "elicitation").doesNotContain("-32021");
    }

    @Test
    void aClientOf2025_03_26GetsItsBatchAnsweredThroughTheBridgeOneEventPerRequest() {
        McpHttp client = new McpHttp(gateway.proxy("/mcp"));
        assertThat(client.initialize("2025-03-26").json().at("/result/protocolVersion").asText()).isEqualTo("2025-03-26");

        McpHttp.Response answer = client.post("""
                [{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"message":"batched"}}},
                 {"jsonrpc":"2.0","method":"notifications/initialized"},
                 {"jsonrpc":"2.0","id":3,"method":"ping"},
                 {"jsonrpc":"2.0","id":4,"method":"initialize","params":{"protocolVersion":"2025-03-26"}}]""");

        assertThat(answer.status()).as("%s", answer).isEqualTo(200);
        Map<String, JsonNode> byId = new java.util.HashMap<>();
        answer.body().lines().filter(l -> l.startsWith("data:")).map(l -> parse(l.substring(5).strip()))
                .forEach(message -> byId.put(message.path("id").asText(), message));
        assertThat(byId.keySet()).as("%s", answer).containsExactlyInAnyOrder("2", "3", "4");
        assertThat(byId.get("2").at("/result/content/0/text").asText()).isEqualTo("Echo: batched");
        assertThat(byId.get("3").get("result").isObject()).isTrue();
        assertThat(byId.get("4").at("/error/code").asInt()).isEqualTo(-32600);
        assertThat(client.post("[{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}]").status())
                .as("a batch of notifications alone").isEqualTo(202);
    }

    @Test
    void aBatchOf2025_03_26RepeatingARequestIdIsRefusedWholeAndNothingOfItIsCalled() {
        McpHttp client = new McpHttp(gateway.proxy("/mcp"));
        client.initialize("2025-03-26");

        McpHttp.Response answer = client.post("""
                [{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"echo","arguments":{"message":"first"}}},
                 {"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"echo","arguments":{"message":"second"}}}]""");

        assertThat(answer.status()).as("%s", answer).isEqualTo(400);
        assertThat(answer.json().at("/error/code").asInt()).isEqualTo(-32600);
        assertThat(answer.json().at("/error/message").asText()).contains("repeats the request id 7");
    }

    private static JsonNode parse(String json) {
        try {
            return dev.toolgate.mcp.Json.parse(json);
        } catch (java.io.IOException e) {
            throw new AssertionError(json, e);
        }
    }

    @Test
    void theInspectorsDefaultLegacyEraListsTheTools() {
        NodeClients.Run run = node.inspector(gateway.proxy("/mcp"), "--method", "tools/list");

        assertThat(run.ok().at("/result/tools").findValuesAsText("name")).as(run.toString()).contains("echo", "confirm");
    }

    @Test
    void aModernClientOfTheSameRouteGoesThroughAsItIs() {
        JsonNode out = node.typescriptSdkV2(gateway.proxy("/mcp"), "modern", Map.of("TOOLGATE_ELICITATION",
                "{\"name\":\"Ada\"}"), "call", "confirm", "{}").ok();

        assertThat(out.at("/results/0/content/0/text").asText()).isEqualTo("Hello, Ada!");
    }

    /** A gateway of its own, whose findings about the server's era no other test has made. */
    private static TestGateway fresh() {
        return TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: modern-only
                    url: %s
                    routes:
                      - name: modern-only
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                """.formatted(modernOnly.mcp()));
    }

    @Test
    void aLegacyClientWhoseEndpointHasAQueryIsBridgedThroughItsWholeSession() {
        try (TestGateway fresh = fresh()) {
            JsonNode out = node.typescriptSdk(java.net.URI.create(fresh.proxy("/mcp") + "?tenant=a"), "call", "echo",
                    "{\"message\":\"queried\"}").ok();

            assertThat(out.at("/result/content/0/text").asText()).isEqualTo("Echo: queried");
        }
    }

    /** What the gateway keeps of the server's era is bounded; a bridged session does not depend on it. */
    @Test
    void aBridgedSessionOutlivesAFloodOfRequestsAtOtherPathsUnderTheRoute() {
        try (TestGateway fresh = fresh()) {
            McpHttp legacy = new McpHttp(fresh.proxy("/mcp"));
            assertThat(legacy.initialize("2025-11-25").status()).isEqualTo(200);
            for (int i = 0; i < 70; i++) {
                new ModernHttp(fresh.proxy("/mcp/p" + i)).request("tools/list", "{}");
            }

            McpHttp.Response listed = legacy.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
            assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
            assertThat(listed.json().at("/result/tools").findValuesAsText("name")).contains("echo");
        }
    }

    /**
     * On a prefix route a caller can ask at any path under it, and with any query: what the server says there (a
     * 404 to the era probe) is no finding about the route's own path, and an answer to a query the client chose
     * is kept for nobody. Modern clients of the server's endpoint still go through as they are.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"/mcp/nowhere", "/mcp?tenant=nobody"})
    void aModernRequestTheServerRefusesElsewhereDoesNotDecideTheEraOfTheRoutesPath(String elsewhere) {
        try (TestGateway fresh = fresh()) {
            McpHttp.Response refused = new ModernHttp(fresh.proxy(elsewhere))
                    .request("tools/list", "{}");
            assertThat(refused.status()).as(refused.toString()).isNotEqualTo(200);

            JsonNode out = node.typescriptSdkV2(fresh.proxy("/mcp"), "modern", Map.of("TOOLGATE_ELICITATION",
                    "{\"name\":\"Ada\"}"), "call", "confirm", "{}").ok();
            assertThat(out.at("/results/0/content/0/text").asText()).isEqualTo("Hello, Ada!");
        }
    }

    @Test
    void aBridgedSessionIsItsCallersAloneAnotherCallerWithItsIdIsToldItDoesNotExist() {
        McpHttp alice = new McpHttp(gateway.proxy("/keyed"), Map.of("apikey", "alice-key"));
        assertThat(alice.initialize("2025-11-25").status()).isEqualTo(200);
        McpHttp bob = new McpHttp(gateway.proxy("/keyed"), Map.of("apikey", "bob-key"));
        bob.sessionId(alice.sessionId());

        assertThat(bob.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").status()).isEqualTo(404);
        // nor may it answer a request the server sent on alice's call (an elicitation, say)
        assertThat(bob.post("{\"jsonrpc\":\"2.0\",\"id\":\"tg-input-1\",\"result\":{\"action\":\"accept\"}}")
                .status()).isEqualTo(404);
        assertThat(alice.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").status()).isEqualTo(200);
    }

    @Test
    void aCallRefusedForAnotherCallersBridgedSessionSpendsNothingOfTheCallersToolLimit() {
        McpHttp alice = new McpHttp(gateway.proxy("/limited"), Map.of("apikey", "alice-key"));
        assertThat(alice.initialize("2025-11-25").status()).isEqualTo(200);
        McpHttp intruder = new McpHttp(gateway.proxy("/limited"), Map.of("apikey", "bob-key"));
        intruder.sessionId(alice.sessionId());

        assertThat(intruder.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"echo\",\"arguments\":{\"message\":\"not yours\"}}}").status()).isEqualTo(404);

        // one call an hour: bob's first call in his own session is his first
        McpHttp bob = new McpHttp(gateway.proxy("/limited"), Map.of("apikey", "bob-key"));
        assertThat(bob.initialize("2025-11-25").status()).isEqualTo(200);
        JsonNode mine = bob.call("echo", "{\"message\":\"mine\"}");
        assertThat(mine.path("isError").asBoolean()).as(mine.toString()).isFalse();
    }

    @Test
    void aBridgedSessionHasNoGetStreamAndEndsWithDelete() {
        McpHttp legacy = new McpHttp(gateway.proxy("/mcp"));
        assertThat(legacy.initialize("2025-06-18").json().at("/result/protocolVersion").asText()).isEqualTo("2025-06-18");

        assertThat(legacy.send("GET", null, Map.of("accept", "text/event-stream", "mcp-session-id", legacy.sessionId()))
                .status()).isEqualTo(405);
        assertThat(legacy.send("DELETE", null, Map.of("mcp-session-id", legacy.sessionId())).status()).isEqualTo(200);
        assertThat(legacy.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}").status()).isEqualTo(404);
    }

    /**
     * The server writes its elicitation as 2025-11-25 and 2026-07-28 do (a form {@code mode}, a {@code $schema} in
     * the requested schema); a client of 2025-06-18, whose revision has neither, gets the request as its revision
     * defines it, and a client of 2025-11-25 gets it as the server wrote it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"2025-06-18", "2025-11-25"})
    void theServersElicitationReachesALegacyClientAsItsSessionsRevisionDefinesIt(String version) throws Exception {
        McpHttp client = new McpHttp(gateway.proxy("/mcp"));
        McpHttp.Response opened = client.post("""
                {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"%s",
                 "capabilities":{"elicitation":{}},"clientInfo":{"name":"t","version":"1"}}}""".formatted(version));
        assertThat(opened.json().at("/result/protocolVersion").asText()).isEqualTo(version);
        client.sessionId(opened.header("mcp-session-id"));
        byte[] call = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"confirm\",\"arguments\":{}}}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int port = gateway.proxy("/").getPort();
        try (RawConnection http = RawConnection.connect(port, 0)) {
            http.send("POST", "/mcp", java.util.List.of("Host: 127.0.0.1:" + port, "Content-Type: application/json",
                    "Accept: " + McpHttp.ACCEPT_BOTH, "Mcp-Session-Id: " + client.sessionId(),
                    "MCP-Protocol-Version: " + version, "Content-Length: " + call.length), call);
            assertThat(http.head().status()).isEqualTo(200);
            String event = http.readUntil("\n\n");
            JsonNode question = parse(event.substring(event.indexOf("data:") + 5).strip());
            JsonNode params = question.path("params");

            assertThat(question.path("method").asText()).isEqualTo("elicitation/create");
            assertThat(params.at("/requestedSchema/properties/name/type").asText()).isEqualTo("string");
            if (version.equals("2025-06-18")) {
                assertThat(params.has("mode")).as("%s", params).isFalse();
                assertThat(params.path("requestedSchema").has("$schema")).as("%s", params).isFalse();
            } else {
                assertThat(params.path("mode").asText()).as("%s", params).isEqualTo("form");
                assertThat(params.path("requestedSchema").has("$schema")).as("%s", params).isTrue();
            }
            assertThat(client.post("{\"jsonrpc\":\"2.0\",\"id\":" + question.get("id")
                    + ",\"result\":{\"action\":\"accept\",\"content\":{\"name\":\"Grace\"}}}").status()).isEqualTo(202);
            assertThat(http.readAll().text()).contains("Hello, Grace!");
        }
    }

    /**
     * 2026-07-28 tells a resource that does not exist as invalid params (-32602, data {uri}); every legacy revision
     * has its own code for it, -32002, which its clients get. Other invalid params stay -32602.
     */
    @ParameterizedTest
    @ValueSource(strings = {"2025-03-26", "2025-06-18", "2025-11-25"})
    void aResourceTheServerDoesNotHaveIsToldALegacyClientWithItsRevisionsResourceNotFoundCode(String version) {
        McpHttp client = new McpHttp(gateway.proxy("/mcp"));
        assertThat(client.initialize(version).status()).isEqualTo(200);

        McpHttp.Response missing = client.post("""
                {"jsonrpc":"2.0","id":3,"method":"resources/read","params":{"uri":"test://nowhere"}}""");
        assertThat(missing.json().at("/error/code").asInt()).as("%s", missing).isEqualTo(-32002);
        assertThat(missing.json().at("/error/data/uri").asText()).isEqualTo("test://nowhere");

        McpHttp.Response invalid = client.post("""
                {"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"no_such_tool","arguments":{}}}""");
        assertThat(invalid.json().at("/error/code").asInt()).as("%s", invalid).isEqualTo(-32602);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-07-28", "2099-01-01"})
    void anInitializeIsBridgedFromItsBodyWhateverVersionItsHeaderNames(String header) {
        McpHttp client = new McpHttp(gateway.proxy("/mcp"));
        McpHttp.Response opened = client.send("POST", """
                {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},
                 "clientInfo":{"name":"t","version":"1"}}}""", Map.of("content-type", "application/json",
                "accept", McpHttp.ACCEPT_BOTH, "mcp-protocol-version", header));

        assertThat(opened.status()).as("%s", opened).isEqualTo(200);
        assertThat(opened.json().at("/result/protocolVersion").asText()).isEqualTo("2025-11-25");
        assertThat(opened.json().at("/result/serverInfo/name").asText()).isEqualTo("toolgate-modern-fixture");
        client.sessionId(opened.header("mcp-session-id"));
        assertThat(client.call("echo", "{\"message\":\"opened\"}").at("/content/0/text").asText())
                .isEqualTo("Echo: opened");
    }
}
