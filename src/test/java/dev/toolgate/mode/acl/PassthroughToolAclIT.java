package dev.toolgate.mode.acl;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.CapturedLog;
import dev.toolgate.testing.JavaSdkServer;
import dev.toolgate.testing.KongHowTos;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.NodeClients;
import dev.toolgate.testing.Sdk;
import dev.toolgate.testing.TestGateway;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Kong's how-to {@code use-access-controls-for-mcp-tools}, end to end: its file
 * ({@code passthrough-listener-acls.yaml} with key-auth and the consumers alice, bob, carol and eason)
 * in front of a real MCP server with the marketplace's five tools, driven by the official
 * TypeScript and Java SDK clients, each sending its API key. Each consumer sees exactly the tools
 * the how-to shows; carol cannot connect; a denied call is Kong's 403 and never reaches the server,
 * which records every call it runs.
 */
@Timeout(120)
class PassthroughToolAclIT {

    /** What the how-to's table says each consumer sees. */
    static final Map<String, List<String>> SEES = Map.of(
            "alice", JavaSdkServer.MARKETPLACE,
            "bob", List.of("get_user", "list_orders", "list_orders_for_user"),
            "eason", List.of("list_users"));

    static JavaSdkServer marketplace;
    static TestGateway gateway;
    static URI endpoint;

    @BeforeAll
    static void start() {
        marketplace = JavaSdkServer.withTools(JavaSdkServer.MARKETPLACE);
        gateway = TestGateway.start(KongHowTos.passthroughAcls(marketplace.mcp().toString()));
        endpoint = gateway.proxy("/mcp");
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
    void forgetCalls() {
        marketplace.clear();
    }

    @Test
    void theTypeScriptClientShowsEachConsumerTheToolsOfKongsHowToAndCarolCannotConnect() {
        NodeClients node = NodeClients.require();
        // one process per consumer, run side by side: each is a whole client start, list and DELETE
        Map<String, CompletableFuture<NodeClients.Run>> runs = new LinkedHashMap<>();
        for (String consumer : List.of("alice", "bob", "eason", "carol")) {
            runs.put(consumer, CompletableFuture.supplyAsync(() ->
                    node.typescriptSdk(endpoint, KongHowTos.apiKey(consumer), "list")));
        }
        SEES.forEach((consumer, tools) -> {
            NodeClients.Run run = runs.get(consumer).join();
            assertThat(run.ok().path("tools").valueStream().map(t -> t.path("name").asText()))
                    .as(consumer + ": " + run).containsExactlyInAnyOrderElementsOf(tools);
        });
        NodeClients.Run carol = runs.get("carol").join();
        assertThat(carol.exitCode()).as(carol.toString()).isEqualTo(1);
        assertThat(carol.stderr()).contains("(code 403)").contains("You cannot consume this service");
        assertThat(marketplace.calls()).isEmpty();
    }

    @Test
    void theJavaClientShowsEachConsumerTheToolsOfKongsHowToAndCarolCannotConnect() {
        SEES.forEach((consumer, tools) -> {
            try (McpSyncClient client = Sdk.connect(endpoint, KongHowTos.apiKey(consumer))) {
                assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).as(consumer)
                        .containsExactlyInAnyOrderElementsOf(tools);
            }
        });
        marketplace.clear();
        try (McpSyncClient carol = Sdk.client(endpoint, KongHowTos.apiKey("carol"), spec -> {
        })) {
            assertThatThrownBy(carol::initialize).satisfies(e -> assertThat(Sdk.refusedWith(e)).isEqualTo(403));
        }
        assertThat(marketplace.requests()).as("carol's initialize never reaches the server")
                .noneMatch(r -> "carol".equals(r.header("x-consumer-username")));
    }

    @Test
    void aDeniedCallIsKongs403WithTheRequestIdAndInsufficientScopeAndNeverReachesTheServer() {
        McpHttp bob = client("bob");
        for (String denied : List.of("list_users", "search_orders")) {
            McpHttp.Response refused = bob.post(call("\"call-" + denied + "\"", denied));
            assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
            assertThat(refused.header("www-authenticate")).isEqualTo("Bearer error=\"insufficient_scope\"");
            assertThat(refused.header("content-type")).startsWith("application/json");
            JsonNode error = refused.json();
            assertThat(error.path("jsonrpc").asText()).isEqualTo("2.0");
            assertThat(error.path("id").asText()).isEqualTo("call-" + denied);
            assertThat(error.path("error").path("message").asText()).contains(denied);
        }
        // eason's unlisted tool falls under the default ACL, which does not name him
        McpHttp.Response unlisted = client("eason").post(call("9", "delete_everything"));
        assertThat(unlisted.status()).as(unlisted.toString()).isEqualTo(403);
        assertThat(unlisted.json().path("id").asInt()).isEqualTo(9);
        assertThat(marketplace.calls()).as("no denied call reached the server").isEmpty();

        JsonNode allowed = bob.call("get_user", "{\"id\":\"u-1\"}");
        assertThat(allowed.path("content").get(0).path("text").asText()).isEqualTo("get_user: {id=u-1}");
        assertThat(marketplace.calledTools()).containsExactly("get_user");
    }

    @Test
    void carolsRefusalAtConnectAnswersEachRequestWithItsOwnId() {
        McpHttp carol = new McpHttp(endpoint, KongHowTos.apiKey("carol"));
        for (String id : List.of("3", "\"list-3\"")) {
            McpHttp.Response refused = carol.post("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/list\"}");
            assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
            assertThat(refused.json().path("error").path("message").asText()).isEqualTo("You cannot consume this service");
            assertThat(refused.json().path("id").toString()).isEqualTo(id);
        }
        assertThat(marketplace.calls()).isEmpty();
    }

    @Test
    void theTypeScriptClientsDeniedCallFailsWith403AndItsAllowedCallIsAnswered() {
        NodeClients node = NodeClients.require();
        CompletableFuture<NodeClients.Run> denied = CompletableFuture.supplyAsync(() ->
                node.typescriptSdk(endpoint, KongHowTos.apiKey("bob"), "call", "search_orders", "{\"id\":\"o-1\"}"));
        CompletableFuture<NodeClients.Run> allowed = CompletableFuture.supplyAsync(() ->
                node.typescriptSdk(endpoint, KongHowTos.apiKey("eason"), "call", "list_users", "{}"));

        NodeClients.Run refused = denied.join();
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.stderr()).contains("(code 403)").contains("search_orders");
        JsonNode result = allowed.join().ok().path("result");
        assertThat(result.path("content").get(0).path("text").asText()).isEqualTo("list_users: {}");
        assertThat(marketplace.calledTools()).containsExactly("list_users");
    }

    @Test
    void theJavaClientsDeniedCallFailsAndItsAllowedCallIsAnswered() {
        try (McpSyncClient bob = Sdk.connect(endpoint, KongHowTos.apiKey("bob"))) {
            assertThatThrownBy(() -> bob.callTool(McpSchema.CallToolRequest.builder().name("list_users")
                    .arguments(Map.of()).build())).satisfies(e -> assertThat(Sdk.refusedWith(e)).isEqualTo(403));
            McpSchema.CallToolResult orders = bob.callTool(McpSchema.CallToolRequest.builder()
                    .name("list_orders_for_user").arguments(Map.of("id", "u-2")).build());
            assertThat(((McpSchema.TextContent) orders.content().getFirst()).text())
                    .isEqualTo("list_orders_for_user: {id=u-2}");
        }
        assertThat(marketplace.calledTools()).containsExactly("list_orders_for_user");
    }

    @Test
    void theServersSseAnswerKeepsItsEventIdAndEventNameWhileItsToolListIsFiltered() {
        McpHttp.Response listed = client("bob").post("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\"}");

        assertThat(listed.header("content-type")).startsWith("text/event-stream");
        List<String> lines = listed.body().lines().toList();
        assertThat(lines).as(listed.body()).anyMatch(l -> l.matches("id: [0-9a-f-]{36}")).contains("event: message");
        assertThat(listed.json().path("id").asInt()).isEqualTo(5);
        assertThat(listed.json().path("result").path("tools").valueStream().map(t -> t.path("name").asText()))
                .containsExactlyInAnyOrderElementsOf(SEES.get("bob"));
    }

    @Test
    void theServerReceivesKongsConsumerHeadersAndNeverTheApiKey() {
        McpHttp alice = client("alice");
        alice.call("list_orders", "{}");
        assertThat(marketplace.requests()).allSatisfy(received ->
                assertThat(received.headers()).doesNotContainKey("apikey"));
        // only alice's exchanges: a session another test ended may still be closing (its DELETE); the server knows
        // alice's session by its own id, not the one the gateway gave her, so her requests are told apart by method
        assertThat(marketplace.requests()).filteredOn(r -> !"DELETE".equals(r.method()))
                .isNotEmpty().allSatisfy(received -> {
            assertThat(received.header("x-consumer-username")).isEqualTo("alice");
            assertThat(received.header("x-consumer-id")).isNotBlank();
            assertThat(received.header("x-credential-identifier")).isNotBlank();
        });
    }

    /** An initialized raw client sending a consumer's key. */
    @Test
    void aClientsLongToolNameIsCutInTheAuditLineAsInEveryLog() throws java.io.IOException {
        McpHttp bob = client("bob");
        String huge = "A".repeat(10_000);
        try (CapturedLog audit = CapturedLog.of("dev.toolgate.audit", Level.INFO)) {
            bob.post(call("21", huge));

            List<ILoggingEvent> lines = audit.since(0);
            assertThat(lines).hasSize(1);
            String text = lines.getFirst().getFormattedMessage();
            assertThat(text.length()).isLessThan(1_000);
            JsonNode named = Json.parse(text.getBytes(StandardCharsets.UTF_8)).path("audit").get(0);
            assertThat(named.path("primitive_name").asText()).hasSize(257).startsWith("AAAA").endsWith("…");
            assertThat(named.path("scope").asText()).isEqualTo("default");
        }
    }

    @Test
    void carolsStreamRefusedAtConnectIsAuditedLikeHerRefusedRequest() throws java.io.IOException {
        McpHttp carol = new McpHttp(endpoint, KongHowTos.apiKey("carol"));
        try (CapturedLog audit = CapturedLog.of("dev.toolgate.audit", Level.INFO)) {
            McpHttp.Response request = carol.post("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\"}");
            McpHttp.Response stream = carol.send("GET", null, Map.of("accept", "text/event-stream"));

            assertThat(request.status()).as(request.toString()).isEqualTo(403);
            assertThat(stream.status()).as(stream.toString()).isEqualTo(403);
            List<ILoggingEvent> lines = audit.since(0);
            assertThat(lines).hasSize(2);
            JsonNode refusedRequest = Json.parse(lines.get(0).getFormattedMessage().getBytes(StandardCharsets.UTF_8));
            JsonNode refusedStream = Json.parse(lines.get(1).getFormattedMessage().getBytes(StandardCharsets.UTF_8));
            assertThat(refusedStream).isEqualTo(refusedRequest);
            assertThat(refusedStream.path("audit").get(0).path("action").asText()).isEqualTo("deny");
            assertThat(refusedStream.path("audit").get(0).path("scope").asText()).isEqualTo("default");
        }
        assertThat(marketplace.calls()).isEmpty();
    }

    static McpHttp client(String consumer) {
        McpHttp http = new McpHttp(endpoint, KongHowTos.apiKey(consumer));
        McpHttp.Response initialized = http.initialize("2025-11-25");
        assertThat(initialized.status()).as(initialized.toString()).isEqualTo(200);
        return http;
    }

    static String call(String id, String tool) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":{}}}";
    }
}
