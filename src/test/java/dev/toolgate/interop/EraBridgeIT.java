package dev.toolgate.interop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.EverythingServer;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.ModernHttp;
import dev.toolgate.testing.NodeClients;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedTest;

import java.util.Map;

import static dev.toolgate.testing.McpAssertions.assertRpcError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Modern clients through a passthrough route to the MCP reference server, which speaks only the
 * legacy era: the gateway finds that out and bridges. The TypeScript SDK 2.x pinned to 2026-07-28
 * lists and calls, and completes the server's sampling and elicitation requests through
 * {@code input_required} rounds; a legacy client still goes through byte for byte.
 */
@Timeout(180)
class EraBridgeIT {

    static NodeClients node;
    static EverythingServer everything;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        node = NodeClients.require();
        everything = EverythingServer.start();
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: everything
                    url: %s
                    routes:
                      - name: everything
                        paths: [/mcp]
                        strip_path: false
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                """.formatted(everything.url()));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (everything != null) {
            everything.close();
        }
    }

    @Test
    void aModernClientListsAndCallsALegacyServer() {
        JsonNode out = node.typescriptSdkV2(gateway.proxy("/mcp"), "modern", Map.of(), "call", "echo",
                "{\"message\":\"across eras\"}").ok();

        assertThat(out.path("era").asText()).isEqualTo("modern");
        assertThat(out.at("/serverInfo/name").asText()).as(out.toString()).contains("everything");
        assertThat(out.at("/results/0/content/0/text").asText()).isEqualTo("Echo: across eras");
    }

    @Test
    void samplingAndElicitationCompleteThroughInputRequiredRounds() {
        JsonNode out = node.typescriptSdkV2(gateway.proxy("/mcp"), "modern",
                Map.of("TOOLGATE_ELICITATION", "{\"name\":\"Ada\",\"check\":true}"),
                "call", "trigger-sampling-request", "{\"prompt\":\"capital of France?\"}",
                "trigger-elicitation-request", "{}").ok();

        assertThat(out.at("/inputRequests/0/method").asText()).isEqualTo("sampling/createMessage");
        assertThat(out.at("/inputRequests/1/method").asText()).isEqualTo("elicitation/create");
        assertThat(out.at("/results/0").toString()).contains("sampled: ").contains("capital of France?");
        assertThat(out.at("/results/1").toString()).contains("Ada");
    }

    @Test
    void aRootsRequestTheServerSendsOnItsStandaloneStreamReachesTheClientAsAnInputRequiredRound() {
        // server-everything asks for roots on the session's GET stream, not on the call's
        JsonNode out = node.typescriptSdkV2(gateway.proxy("/mcp"), "modern",
                Map.of("TOOLGATE_ROOTS", "[{\"uri\":\"file:///work/across-eras\",\"name\":\"Across\"}]"),
                "call", "get-roots-list", "{}").ok();

        assertThat(out.path("inputRequests").findValuesAsText("method")).contains("roots/list");
        assertThat(out.at("/results/0/content/0/text").asText()).as(out.toString())
                .contains("file:///work/across-eras").contains("Across");
    }

    @Test
    void aRootsRequestOnTheStandaloneStreamWhileTwoCallsAreInFlightIsRefusedAtOnceInsteadOfLeftUnanswered()
            throws Exception {
        ModernHttp client = new ModernHttp(gateway.proxy("/mcp"));
        String roots = "{\"roots\":{\"listChanged\":false}}"; // a session of this test's own
        assertThat(client.request("server/discover", "{}", roots, Map.of()).status()).isEqualTo(200);
        Thread.sleep(1_000); // the roots request the server sends once the session opens has come (and been refused)
        var longCall = java.util.concurrent.CompletableFuture.supplyAsync(() -> client.request("tools/call",
                "{\"name\":\"trigger-long-running-operation\",\"arguments\":{\"duration\":3,\"steps\":1}}",
                roots, Map.of()));
        Thread.sleep(700);

        long started = System.nanoTime();
        JsonNode rootsCall = client.request("tools/call", "{\"name\":\"get-roots-list\",\"arguments\":{}}", roots,
                Map.of()).json();
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        // which of the two calls it belongs to, the gateway cannot tell: the server hears an error, not silence
        assertThat(rootsCall.at("/result/content/0/text").asText()).as(rootsCall.toString())
                .contains("no roots are currently configured");
        assertThat(tookMs).isLessThan(10_000);
        assertThat(longCall.get().json().at("/result/content/0/text").asText()).contains("Long running operation "
                + "completed");
    }

    /**
     * server-everything asks for roots on the session's standalone stream 350 ms after it is initialized: with no
     * call in flight, a 2026-07-28 client cannot be asked (it is asked only within a call), so the server is told at
     * once, rather than waiting for its own timeout (60 s), and asks again within the client's call.
     */
    @Test
    void aRootsRequestTheServerSendsAsTheSessionOpensWithNoCallInFlightIsAnsweredAtOnceWithAnError() throws Exception {
        ModernHttp client = new ModernHttp(gateway.proxy("/mcp"));
        String roots = "{\"roots\":{\"listChanged\":true}}"; // a session of this test's own
        assertThat(client.request("server/discover", "{}", roots, Map.of()).status()).isEqualTo(200);

        String told = "The client cannot be asked now";
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!everything.output().contains(told) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(everything.output()).as("the server's log").contains("Failed to request roots from client")
                .contains(told);
        McpHttp.Response asked = client.request("tools/call", "{\"name\":\"get-roots-list\",\"arguments\":{}}",
                roots, Map.of());
        assertThat(asked.json().at("/result/resultType").asText()).as("%s", asked).isEqualTo("input_required");
        assertThat(asked.json().at("/result/inputRequests").findValuesAsText("method")).containsOnly("roots/list");
    }

    @Test
    void theVercelAiSdkDiscoversTheModernEraAtTheGatewayAndRunsALegacyServersTool() {
        JsonNode out = node.aiSdk(gateway.proxy("/mcp"), "echo", "{\"message\":\"ai\"}").ok();

        assertThat(out.path("era").asText()).isEqualTo("modern");
        assertThat(out.at("/result/content/0/text").asText()).isEqualTo("Echo: ai");
    }

    @Test
    void discoverAnswersWhatTheLegacyServerOffersAsAModernServer() {
        JsonNode result = new ModernHttp(gateway.proxy("/mcp")).request("server/discover", "{}").json().get("result");

        assertThat(result.path("supportedVersions").toString()).isEqualTo("[\"2026-07-28\"]");
        assertThat(result.path("capabilities").has("tools")).isTrue();
        assertThat(result.at("/capabilities/tools/listChanged").isMissingNode()).isTrue();
        assertThat(result.at("/_meta/io.modelcontextprotocol~1serverInfo/name").asText()).contains("everything");
        // DiscoverResult extends CacheableResult in the published 2026-07-28 schema
        assertThat(result.path("ttlMs").asLong(-1)).as(result.toString()).isEqualTo(60_000);
        assertThat(result.path("cacheScope").asText()).isEqualTo("public");
    }

    @Test
    void aToolListThroughTheBridgeCarriesResultTypeAndCachingHints() {
        JsonNode result = new ModernHttp(gateway.proxy("/mcp")).request("tools/list", "{}").json().get("result");

        assertThat(result.path("resultType").asText()).isEqualTo("complete");
        // the anonymous client's session is its address's: what it lists may be that session's alone
        assertThat(result.path("cacheScope").asText()).isEqualTo("private");
        assertThat(result.path("ttlMs").asLong()).isEqualTo(60_000);
        assertThat(result.path("tools").findValuesAsText("name")).contains("echo");
    }

    @Test
    void aToolOnlyATaskMayRunIsLeftOutOfTheBridgedListSinceTheBridgeOffersNoTasks() {
        // server-everything's simulate-research-query declares execution.taskSupport: required
        JsonNode result = new ModernHttp(gateway.proxy("/mcp")).request("tools/list", "{}").json().get("result");

        assertThat(result.path("tools").findValuesAsText("name")).contains("echo")
                .doesNotContain("simulate-research-query");
    }

    @Test
    void aResumedRoundsResultNamesTheServerAsTheFirstRoundsDoes() {
        ModernHttp client = new ModernHttp(gateway.proxy("/mcp"));
        String elicitation = "{\"elicitation\":{\"form\":{}}}";
        JsonNode asked = client.request("tools/call", "{\"name\":\"trigger-elicitation-request\",\"arguments\":{}}",
                elicitation, Map.of()).json().get("result");
        assertThat(asked.path("resultType").asText()).as(asked.toString()).isEqualTo("input_required");
        String input = asked.path("inputRequests").fieldNames().next();

        JsonNode resumed = client.request("tools/call", """
                {"name":"trigger-elicitation-request","arguments":{},"requestState":%s,
                 "inputResponses":{"%s":{"action":"decline"}}}""".formatted(asked.get("requestState"), input),
                elicitation, Map.of()).json().get("result");

        assertThat(resumed.path("resultType").asText()).as(resumed.toString()).isEqualTo("complete");
        assertThat(resumed.at("/_meta/io.modelcontextprotocol~1serverInfo/name").asText()).as(resumed.toString())
                .contains("everything");
    }

    @Test
    void aRequestStateThatWasNotIssuedIsRefused() {
        McpHttp.Response response = new ModernHttp(gateway.proxy("/mcp")).request("tools/call",
                "{\"name\":\"echo\",\"arguments\":{\"message\":\"x\"},\"requestState\":\"forged\",\"inputResponses\":{}}");

        assertRpcError(response, 400, -32602, "Invalid params: requestState is unknown, altered, expired or already "
                + "used; send the request again without it");
    }

    /**
     * The legacy server keeps state per session (here: whether it sends the session simulated log messages, which
     * its tool toggles). Anonymous modern clients at different addresses (as a trusted proxy in front of the gateway
     * tells them) each get an upstream session of their own, while one client's calls, from one address or one
     * IPv6 /64, keep theirs; a caller sending its credentials is one caller from wherever it calls.
     */
    @Test
    void anonymousClientsAtDifferentAddressesDoNotShareTheLegacyServersSessionState() {
        try (TestGateway proxied = TestGateway.behindTrustedProxy("""
                _format_version: "3.0"
                services:
                  - name: everything
                    url: %s
                    routes:
                      - name: everything
                        paths: [/mcp]
                        strip_path: false
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                """.formatted(everything.url()))) {
            String first = toggled(proxied, Map.of("x-real-ip", "203.0.113.1"));
            String second = toggled(proxied, Map.of("x-real-ip", "203.0.113.2"));
            assertThat(first).startsWith("Started");
            assertThat(second).as("another client's first toggle").startsWith("Started");
            assertThat(session(second)).isNotEqualTo(session(first));
            assertThat(toggled(proxied, Map.of("x-real-ip", "203.0.113.1"))).as("the first client again")
                    .isEqualTo("Stopped simulated logging for session " + session(first));

            String rotating = toggled(proxied, Map.of("x-real-ip", "2001:db8:1:2::a"));
            assertThat(toggled(proxied, Map.of("x-real-ip", "2001:db8:1:2:ffff::b"))).as("the same /64")
                    .isEqualTo("Stopped simulated logging for session " + session(rotating));

            String keyed = toggled(proxied, Map.of("x-real-ip", "203.0.113.3", "authorization", "Bearer ada"));
            assertThat(toggled(proxied, Map.of("x-real-ip", "203.0.113.4", "authorization", "Bearer ada")))
                    .as("one caller at another address").isEqualTo("Stopped simulated logging for session " + session(keyed));
        }
    }

    private static String toggled(TestGateway gateway, Map<String, String> headers) {
        McpHttp.Response called = new ModernHttp(gateway.proxy("/mcp"), headers).request("tools/call",
                "{\"name\":\"toggle-simulated-logging\",\"arguments\":{}}");
        assertThat(called.status()).as(called.toString()).isEqualTo(200);
        return called.json().at("/result/content/0/text").asText();
    }

    private static String session(String toggled) {
        java.util.regex.Matcher found = java.util.regex.Pattern.compile("for session (\\S+)").matcher(toggled);
        assertThat(found.find()).as(toggled).isTrue();
        return found.group(1);
    }

    @Test
    void aLegacyClientStillGoesThroughAsItIs() {
        JsonNode out = node.typescriptSdk(gateway.proxy("/mcp"), "call", "echo", "{\"message\":\"legacy\"}").ok();

        assertThat(out.path("sessionId").isTextual()).isTrue();
        assertThat(out.at("/result/content/0/text").asText()).isEqualTo("Echo: legacy");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-07-28", "2099-01-01"})
    void anInitializeGoesToTheLegacyServerWhateverVersionItsHeaderNames(String header) {
        McpHttp client = new McpHttp(gateway.proxy("/mcp"));
        McpHttp.Response opened = client.send("POST", """
                {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},
                 "clientInfo":{"name":"t","version":"1"}}}""", Map.of("content-type", "application/json",
                "accept", McpHttp.ACCEPT_BOTH, "mcp-protocol-version", header));

        assertThat(opened.status()).as("%s", opened).isEqualTo(200);
        assertThat(opened.json().at("/result/protocolVersion").asText()).isEqualTo("2025-06-18");
        assertThat(opened.json().at("/result/serverInfo/name").asText()).contains("everything");
        client.sessionId(opened.header("mcp-session-id"));
        assertThat(client.call("echo", "{\"message\":\"opened\"}").at("/content/0/text").asText())
                .isEqualTo("Echo: opened");
    }
}
