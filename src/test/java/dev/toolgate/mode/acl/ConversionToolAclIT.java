package dev.toolgate.mode.acl;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.KongHowTos;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.ModernHttp;
import dev.toolgate.testing.NodeClients;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.Sdk;
import dev.toolgate.testing.TestGateway;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Kong's {@code conversion-listener-acl.yaml} (a default ACL and per-tool ACLs over the marketplace
 * REST API, consumers alice/admin, bob/developer, carol/suspended with key-auth) driven by the
 * official TypeScript and Java SDK clients; names cannot be probed (a missing tool answers as a
 * denied one); the {@code acl_denial: unknown_tool} extension; {@code log_audits} lines in Kong's
 * {@code ai.mcp.audit[]} shape.
 */
@Timeout(120)
class ConversionToolAclIT {

    static RestUpstream upstream;
    static TestGateway gateway;
    static URI kong;
    static URI unknownTool;
    static URI open;
    static ListAppender<ILoggingEvent> audit;
    static Logger auditLogger;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream()
                .json("GET /users", 200, "[{\"id\":\"u1\",\"name\":\"Alice Johnson\"}]")
                .json("GET /u1/orders", 200, "{\"orders\":[{\"id\":\"o1\",\"item\":\"Laptop\"}]}");
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: mcp-service
                    url: %s
                    routes:
                      - {name: mcp-route, paths: [/marketplace]}
                      - {name: unknown-tool-route, paths: [/marketplace-unknown]}
                      - {name: open-route, paths: [/marketplace-open]}
                plugins:
                  - name: key-auth
                    config: {key_names: [apikey]}
                """.formatted(upstream.url())
                + KongHowTos.conversionListenerAcl("mcp-route", "logging: {log_audits: true}")
                + KongHowTos.conversionListenerAcl("unknown-tool-route", "acl_denial: unknown_tool")
                + """
                  - name: ai-mcp-proxy
                    route: open-route
                    config:
                      mode: conversion-listener
                      tools:
                        - {name: Get_users, description: Get users, method: GET, path: /marketplace-open/users}
                """ + KongHowTos.MARKETPLACE_CONSUMERS);
        kong = gateway.proxy("/marketplace");
        unknownTool = gateway.proxy("/marketplace-unknown");
        open = gateway.proxy("/marketplace-open");
        auditLogger = (Logger) LoggerFactory.getLogger("dev.toolgate.audit");
        audit = new ListAppender<>();
        audit.list = Collections.synchronizedList(new ArrayList<>());
        audit.start();
        auditLogger.addAppender(audit);
    }

    @AfterAll
    static void stop() {
        if (auditLogger != null) {
            auditLogger.detachAppender(audit);
        }
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @BeforeEach
    void forget() {
        upstream.clear();
        audit.list.clear();
    }

    @Test
    void theTypeScriptClientShowsAliceBothToolsBobHisOneAndRefusesCarolAndBobsDeniedCall() {
        NodeClients node = NodeClients.require();
        Map<String, CompletableFuture<NodeClients.Run>> runs = new LinkedHashMap<>();
        for (String consumer : List.of("alice", "bob", "carol")) {
            runs.put(consumer, CompletableFuture.supplyAsync(() -> node.typescriptSdk(kong, KongHowTos.apiKey(consumer), "list")));
        }
        CompletableFuture<NodeClients.Run> denied = CompletableFuture.supplyAsync(() ->
                node.typescriptSdk(kong, KongHowTos.apiKey("bob"), "call", "Get_users", "{}"));

        assertThat(names(runs.get("alice").join())).containsExactly("Get_users", "Get_orders");
        assertThat(names(runs.get("bob").join())).containsExactly("Get_orders");
        NodeClients.Run carol = runs.get("carol").join();
        assertThat(carol.exitCode()).as(carol.toString()).isEqualTo(1);
        assertThat(carol.stderr()).contains("(code 403)");
        NodeClients.Run refused = denied.join();
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.stderr()).contains("(code 403)", "Get_users");
        assertThat(upstream.pending()).as("no call reached the API").isZero();
    }

    @Test
    void theJavaClientShowsEachConsumerItsToolsAndOnlyAllowedCallsReachTheApi() throws InterruptedException {
        try (McpSyncClient alice = Sdk.connect(kong, KongHowTos.apiKey("alice"));
             McpSyncClient bob = Sdk.connect(kong, KongHowTos.apiKey("bob"))) {
            assertThat(alice.listTools().tools()).extracting(McpSchema.Tool::name).containsExactly("Get_users", "Get_orders");
            assertThat(bob.listTools().tools()).extracting(McpSchema.Tool::name).containsExactly("Get_orders");

            assertThatThrownBy(() -> bob.callTool(new McpSchema.CallToolRequest("Get_users", Map.of())))
                    .satisfies(e -> assertThat(Sdk.refusedWith(e)).isEqualTo(403));
            assertThat(upstream.quiet(Duration.ofMillis(200))).isTrue();

            McpSchema.CallToolResult orders = bob.callTool(new McpSchema.CallToolRequest("Get_orders", Map.of("path_userId", "u1")));
            assertThat(orders.isError()).isNotEqualTo(Boolean.TRUE);
            assertThat(((McpSchema.TextContent) orders.content().getFirst()).text()).contains("Laptop");
            assertThat(upstream.next().path()).isEqualTo("/u1/orders");
        }
        try (McpSyncClient carol = Sdk.client(kong, KongHowTos.apiKey("carol"), spec -> {
        })) {
            assertThatThrownBy(carol::initialize).satisfies(e -> assertThat(Sdk.refusedWith(e)).isEqualTo(403));
        }
    }

    @Test
    void aModernDiscoverIsRefusedWithTheSame403AsALegacyInitializeForACallerTheDefaultAclRefusesOutright() {
        McpHttp.Response legacy = new McpHttp(kong, KongHowTos.apiKey("carol")).initialize("2025-11-25");
        McpHttp.Response discover = new ModernHttp(kong, KongHowTos.apiKey("carol")).request("server/discover", "{}");

        assertThat(legacy.status()).as(legacy.toString()).isEqualTo(403);
        assertThat(discover.status()).as(discover.toString()).isEqualTo(403);
        assertThat(discover.json().path("error").path("message").asText())
                .isEqualTo(legacy.json().path("error").path("message").asText()).isEqualTo("You cannot consume this service");
        assertThat(discover.json().has("result")).isFalse();
        // each answers the request it refuses, by id (the legacy client's initialize is id 0)
        assertThat(legacy.json().path("id").isInt()).as(legacy.toString()).isTrue();
        assertThat(legacy.json().path("id").asInt()).isZero();
        assertThat(discover.json().path("id").isNull()).as(discover.toString()).isFalse();
        McpHttp.Response bob = new ModernHttp(kong, KongHowTos.apiKey("bob")).request("server/discover", "{}");
        assertThat(bob.json().at("/result/resultType").asText()).as(bob.toString()).isEqualTo("complete");
    }

    @Test
    void aToolThatDoesNotExistAnswersExactlyAsADeniedOneSoNamesCannotBeProbed() throws InterruptedException {
        McpHttp bob = session(kong, "bob");
        McpHttp.Response denied = bob.post(call(11, "Get_users"));
        McpHttp.Response missing = bob.post(call(11, "Delete_users"));

        assertThat(denied.status()).isEqualTo(403);
        assertThat(missing.status()).isEqualTo(denied.status());
        assertThat(missing.header("www-authenticate")).isEqualTo(denied.header("www-authenticate"))
                .isEqualTo("Bearer error=\"insufficient_scope\"");
        assertThat(missing.body().replace("Delete_users", "Get_users")).isEqualTo(denied.body());
        assertThat(denied.json().path("id").asInt()).isEqualTo(11);
        assertThat(upstream.quiet(Duration.ofMillis(200))).isTrue();
    }

    @Test
    void aDeniedToolCalledByItsKongNameAnswersAsAMadeUpNameEchoedAsSent() throws InterruptedException {
        // Kong serves the how-to's tools by their titles ("Get users"), which Toolgate takes as aliases
        for (URI endpoint : List.of(kong, unknownTool)) {
            McpHttp bob = session(endpoint, "bob");
            McpHttp.Response denied = bob.post(call(11, "Get users"));
            McpHttp.Response missing = bob.post(call(11, "Delete users"));

            assertThat(missing.status()).as(endpoint.toString()).isEqualTo(denied.status());
            assertThat(missing.body().replace("Delete users", "Get users")).as(endpoint.toString())
                    .isEqualTo(denied.body());
        }
        assertThat(upstream.quiet(Duration.ofMillis(200))).isTrue();
    }

    @Test
    void withAclDenialUnknownToolADeniedCallAnswersAsACallOfAToolThatDoesNotExist() throws InterruptedException {
        McpHttp bob = session(unknownTool, "bob");
        McpHttp.Response denied = bob.post(call(12, "Get_users"));
        McpHttp.Response missing = bob.post(call(12, "Delete_users"));
        McpHttp.Response missingWithoutAcls = session(open, "bob").post(call(12, "Delete_users"));

        assertThat(denied.status()).isEqualTo(200);
        assertThat(denied.header("www-authenticate")).isNull();
        assertThat(denied.json().path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(denied.body()).isEqualTo(missing.body().replace("Delete_users", "Get_users"))
                .isEqualTo(missingWithoutAcls.body().replace("Delete_users", "Get_users"));
        assertThat(upstream.quiet(Duration.ofMillis(200))).isTrue();

        try (McpSyncClient client = Sdk.connect(unknownTool, KongHowTos.apiKey("bob"))) {
            assertThatThrownBy(() -> client.callTool(new McpSchema.CallToolRequest("Get_users", Map.of())))
                    .hasMessageContaining("Unknown tool: Get_users");
        }
    }

    @Test
    void logAuditsWritesOneLinePerEvaluationInKongsAuditShape() throws IOException {
        McpHttp bob = session(kong, "bob");
        bob.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
        bob.post(call(2, "Get_users"));
        bob.call("Get_orders", "{\"path_userId\":\"u1\"}");
        McpHttp.Response carol = new McpHttp(kong, KongHowTos.apiKey("carol")).initialize("2025-11-25");
        assertThat(carol.status()).isEqualTo(403);

        List<JsonNode> lines = new ArrayList<>();
        for (ILoggingEvent event : List.copyOf(audit.list)) {
            lines.add(Json.parse(event.getFormattedMessage().getBytes(StandardCharsets.UTF_8)));
        }
        String bobId = lines.getFirst().path("audit").get(0).path("consumer").path("id").asText();
        assertThat(bobId).isNotBlank();
        assertThat(lines).hasSize(4).allSatisfy(line -> assertThat(line.path("route").asText()).isEqualTo("mcp-route"));
        // tools/list: one entry per restricted tool
        assertThat(lines.get(0).path("audit")).containsExactly(
                entry("Get_users", "deny", bobId, "bob", "username", "primitive"),
                entry("Get_orders", "allow", bobId, "developer", "consumer_group", "primitive"));
        assertThat(lines.get(1).path("audit")).containsExactly(entry("Get_users", "deny", bobId, "bob", "username", "primitive"));
        assertThat(lines.get(2).path("audit")).containsExactly(
                entry("Get_orders", "allow", bobId, "developer", "consumer_group", "primitive"));
        // carol is refused by the default ACL as a whole: no primitive name, scope default
        JsonNode refused = lines.get(3).path("audit").get(0);
        assertThat(refused.has("primitive_name")).isFalse();
        assertThat(refused.path("action").asText()).isEqualTo("deny");
        assertThat(refused.path("consumer").path("name").asText()).isEqualTo("suspended");
        assertThat(refused.path("consumer").path("identifier").asText()).isEqualTo("consumer_group");
        assertThat(refused.path("scope").asText()).isEqualTo("default");
    }

    @Test
    void aStreamTheDefaultAclRefusesAtConnectIsAuditedLikeTheRefusedInitialize() throws IOException {
        McpHttp carol = new McpHttp(kong, KongHowTos.apiKey("carol"));
        McpHttp.Response initialize = carol.initialize("2025-11-25");
        McpHttp.Response stream = carol.send("GET", null, Map.of("accept", "text/event-stream"));

        assertThat(initialize.status()).as(initialize.toString()).isEqualTo(403);
        assertThat(stream.status()).as(stream.toString()).isEqualTo(403);
        List<JsonNode> lines = new ArrayList<>();
        for (ILoggingEvent event : List.copyOf(audit.list)) {
            lines.add(Json.parse(event.getFormattedMessage().getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).isEqualTo(lines.get(0));
        assertThat(lines.get(1).path("audit").get(0).path("scope").asText()).isEqualTo("default");
    }

    static JsonNode entry(String tool, String action, String consumerId, String name, String identifier, String scope) {
        var entry = Json.object();
        entry.put("primitive_name", tool).put("primitive", "tool").put("action", action);
        entry.putObject("consumer").put("id", consumerId).put("name", name).put("identifier", identifier);
        entry.put("scope", scope);
        return entry;
    }

    static List<String> names(NodeClients.Run run) {
        return run.ok().path("tools").valueStream().map(t -> t.path("name").asText()).toList();
    }

    static McpHttp session(URI endpoint, String consumer) {
        McpHttp http = new McpHttp(endpoint, KongHowTos.apiKey(consumer));
        McpHttp.Response initialized = http.initialize("2025-11-25");
        assertThat(initialized.status()).as(initialized.toString()).isEqualTo(200);
        return http;
    }

    static String call(int id, String tool) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":{}}}";
    }

    @Test
    void aSessionIsBoundToTheCallerWhoOpenedItAndAnotherCallersKeyCannotUseIt() {
        McpHttp alice = new McpHttp(kong, KongHowTos.apiKey("alice"));
        assertThat(alice.initialize("2025-11-25").status()).isEqualTo(200);
        McpHttp bob = new McpHttp(kong, KongHowTos.apiKey("bob"));
        bob.sessionId(alice.sessionId());

        McpHttp.Response hijack = bob.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");

        assertThat(hijack.status()).as(hijack.toString()).isEqualTo(404);
        assertThat(hijack.json().path("error").path("code").asInt()).isEqualTo(-32001);
        McpHttp.Response own = alice.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
        assertThat(own.status()).as(own.toString()).isEqualTo(200);
    }
}
