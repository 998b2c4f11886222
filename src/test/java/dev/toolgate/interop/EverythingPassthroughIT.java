package dev.toolgate.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.EverythingServer;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.NodeClients;
import dev.toolgate.testing.RawConnection;
import dev.toolgate.testing.Sdk;
import dev.toolgate.testing.TestGateway;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The MCP reference server (server-everything) behind a passthrough-listener route, driven by the
 * official TypeScript and Java SDK clients: what a client sees through the gateway is what it sees
 * directly, server-to-client streams (progress, sampling, elicitation) included.
 */
@Timeout(240)
class EverythingPassthroughIT {

    static final String TS_SCRIPT = "src/test/node/ts-sdk-everything.mjs";
    static final Duration NODE_TIMEOUT = Duration.ofSeconds(60);

    static NodeClients node;
    static EverythingServer everything;
    static TestGateway gateway;
    static URI direct;
    static URI proxied;

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
                      - name: everything-route
                        paths: [/everything]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                      - name: everything-keyed
                        paths: [/keyed]
                        plugins:
                          - {name: key-auth}
                          - name: ai-mcp-proxy
                            config:
                              mode: passthrough-listener
                              server: {session: {strategy: client, client: {secrets: [everything-secret]}}}
                consumers:
                  - {username: alice, keyauth_credentials: [{key: alice-key}]}
                """.formatted(everything.mcp()));
        direct = everything.mcp();
        proxied = gateway.proxy("/everything");
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
    @Timeout(120)
    void typescriptClientSeesTheSameToolsResourcesPromptsCompletionsAndResultsThroughTheGatewayAsDirectly() {
        NodeClients.Run viaGateway = node.script(TS_SCRIPT, NODE_TIMEOUT, proxied.toString(), "survey");
        NodeClients.Run viaDirect = node.script(TS_SCRIPT, NODE_TIMEOUT, direct.toString(), "survey");
        JsonNode gatewaySurvey = withoutSession(viaGateway.ok());
        JsonNode directSurvey = withoutSession(viaDirect.ok());

        assertThat(gatewaySurvey.path("serverInfo").path("name").asText()).as(viaGateway.toString())
                .isEqualTo("mcp-servers/everything");
        assertThat(gatewaySurvey.path("tools").valueStream().map(t -> t.path("name").asText()))
                .contains("echo", "get-sum", "get-structured-content", "trigger-long-running-operation",
                        "trigger-sampling-request", "trigger-elicitation-request");
        assertThat(gatewaySurvey.path("resources").size()).isPositive();
        assertThat(gatewaySurvey.path("prompts").valueStream().map(p -> p.path("name").asText()))
                .contains("simple-prompt", "args-prompt", "completable-prompt");
        assertThat(gatewaySurvey.path("completion").path("completion").path("values").valueStream().map(JsonNode::asText))
                .containsExactly("Sales", "Support");
        assertThat(gatewaySurvey.path("echo").path("content").get(0).path("text").asText())
                .isEqualTo("Echo: hello through the gateway");
        assertThat(gatewaySurvey.path("structured").path("structuredContent"))
                .isEqualTo(json("{\"temperature\":36,\"conditions\":\"Light rain / drizzle\",\"humidity\":82}"));

        for (String part : List.of("protocolVersion", "serverInfo", "tools", "resources", "resource", "prompts",
                "simplePrompt", "argsPrompt", "completion", "echo", "structured")) {
            assertThat(gatewaySurvey.get(part)).as("%s through the gateway vs direct", part)
                    .isEqualTo(directSurvey.get(part));
        }
    }

    @Test
    void typescriptClientKeepsTheGatewaysSessionIdThoughTheServerRepeatsItsOwnOnEveryAnswer() {
        // the session is bound to alice, so the client holds the gateway's id; the SDK's server repeats its own
        // id on every streamed answer, and the SDK's client adopts whatever id an answer carries
        NodeClients.Run run = node.typescriptSdk(gateway.proxy("/keyed"), Map.of("apikey", "alice-key"),
                "call", "echo", "{\"message\":\"bound to alice\"}");

        assertThat(run.ok().path("result").path("content").get(0).path("text").asText()).as(run.toString())
                .isEqualTo("Echo: bound to alice");
    }

    @Test
    void javaClientSeesTheSameToolsResourcesPromptsCompletionsAndResultsThroughTheGatewayAsDirectly() {
        Map<String, JsonNode> viaGateway = javaSurvey(proxied);
        Map<String, JsonNode> viaDirect = javaSurvey(direct);

        assertThat(viaGateway.get("echo").path("content").get(0).path("text").asText())
                .isEqualTo("Echo: hello through the gateway");
        assertThat(viaGateway.get("structured").path("structuredContent"))
                .isEqualTo(json("{\"temperature\":73,\"conditions\":\"Sunny / Clear\",\"humidity\":48}"));
        assertThat(viaGateway.get("completion").path("completion").path("values").valueStream().map(JsonNode::asText))
                .containsExactly("Engineering");
        assertThat(viaGateway.keySet()).containsExactlyElementsOf(viaDirect.keySet());
        viaGateway.forEach((part, value) ->
                assertThat(value).as("%s through the gateway vs direct", part).isEqualTo(viaDirect.get(part)));
    }

    @Test
    void typescriptClientGetsEveryProgressNotificationInOrderAndTheFirstLongBeforeTheResult() {
        NodeClients.Run run = node.script(TS_SCRIPT, NODE_TIMEOUT, proxied.toString(), "progress", "4", "2");
        JsonNode out = run.ok();
        JsonNode notifications = out.path("notifications");
        assertThat(notifications.valueStream().map(n -> n.path("progress").asInt())).as(run.toString())
                .containsExactly(1, 2, 3, 4);
        assertThat(notifications.valueStream().map(n -> n.path("total").asInt())).containsOnly(4);
        long first = notifications.get(0).path("atMs").asLong();
        long completed = out.path("completedAtMs").asLong();
        // steps every 500 ms: the first arrives ~1.5 s before the result unless something buffers the stream
        assertThat(completed - first).as("ms between the first progress notification and the result; " + run)
                .isGreaterThan(1_000);
        assertThat(out.path("result").path("content").get(0).path("text").asText())
                .isEqualTo("Long running operation completed. Duration: 2 seconds, Steps: 4.");
    }

    @Test
    void javaClientGetsEveryProgressNotificationInOrderAndTheFirstLongBeforeTheResult() {
        record Arrival(long nanos, McpSchema.ProgressNotification notification) {
        }
        List<Arrival> arrivals = new CopyOnWriteArrayList<>();
        try (McpSyncClient client = Sdk.connect(proxied, spec -> spec.progressConsumer(
                p -> arrivals.add(new Arrival(System.nanoTime(), p))))) {
            long sent = System.nanoTime();
            McpSchema.CallToolResult result = client.callTool(McpSchema.CallToolRequest.builder()
                    .name("trigger-long-running-operation")
                    .arguments(Map.of("steps", 4, "duration", 2))
                    .progressToken("progress-1")
                    .build());
            long completed = System.nanoTime();

            assertThat(result.isError()).isNotEqualTo(Boolean.TRUE);
            // the SDK hands notifications to the consumer on a thread of its own: the last may be handed
            // over just after the result returns, though it came first on the stream
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(2)).until(() -> arrivals.size() >= 4);
            assertThat(arrivals).extracting(a -> a.notification().progress()).containsExactly(1.0, 2.0, 3.0, 4.0);
            assertThat(arrivals).extracting(a -> a.notification().progressToken()).containsOnly("progress-1");
            long firstMs = (arrivals.get(0).nanos() - sent) / 1_000_000;
            long completedMs = (completed - sent) / 1_000_000;
            assertThat(completedMs - firstMs).as("ms between the first notification (at %d ms) and the result (at %d ms)",
                    firstMs, completedMs).isGreaterThan(1_000);
        }
    }

    @Test
    void samplingRequestFromTheServerIsAnsweredByTheJavaClientThroughTheGateway() {
        List<McpSchema.CreateMessageRequest> requests = new CopyOnWriteArrayList<>();
        try (McpSyncClient client = Sdk.connect(proxied, spec -> spec
                .capabilities(McpSchema.ClientCapabilities.builder().sampling().build())
                .sampling(request -> {
                    requests.add(request);
                    return McpSchema.CreateMessageResult.builder()
                            .role(McpSchema.Role.ASSISTANT)
                            .content(new McpSchema.TextContent("sampled by the Java client"))
                            .model("java-test-model")
                            .stopReason(McpSchema.CreateMessageResult.StopReason.END_TURN)
                            .build();
                }))) {
            McpSchema.CallToolResult result = client.callTool(McpSchema.CallToolRequest.builder()
                    .name("trigger-sampling-request").arguments(Map.of("prompt", "tell a joke", "maxTokens", 40)).build());

            assertThat(requests).hasSize(1);
            assertThat(((McpSchema.TextContent) requests.getFirst().messages().getFirst().content()).text())
                    .isEqualTo("Resource trigger-sampling-request context: tell a joke");
            String text = ((McpSchema.TextContent) result.content().getFirst()).text();
            assertThat(text).startsWith("LLM sampling result:").contains("sampled by the Java client")
                    .contains("java-test-model");
        }
    }

    @Test
    void elicitationRequestFromTheServerIsAnsweredByTheJavaClientThroughTheGateway() {
        List<McpSchema.ElicitFormRequest> requests = new CopyOnWriteArrayList<>();
        try (McpSyncClient client = Sdk.connect(proxied, spec -> spec
                .capabilities(McpSchema.ClientCapabilities.builder().elicitation().build())
                .elicitation(request -> {
                    requests.add(request);
                    return new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT,
                            Map.of("name", "Grace Hopper", "check", true, "integer", 11));
                }))) {
            McpSchema.CallToolResult result = client.callTool(McpSchema.CallToolRequest.builder()
                    .name("trigger-elicitation-request").arguments(Map.of()).build());

            assertThat(requests).hasSize(1);
            assertThat(requests.getFirst().message()).isEqualTo("Please provide inputs for the following fields:");
            assertThat(result.content()).extracting(c -> ((McpSchema.TextContent) c).text())
                    .contains("✅ User provided the requested information!")
                    .anySatisfy(t -> assertThat(t).contains("- Name: Grace Hopper").contains("- Agreed to terms: true")
                            .contains("- Favorite Integer: 11"));
        }
    }

    @Test
    void samplingAndElicitationRequestsAreAnsweredByTheTypescriptClientThroughTheGateway() {
        NodeClients.Run sampling = node.script(TS_SCRIPT, NODE_TIMEOUT, proxied.toString(), "sampling", "a haiku");
        JsonNode sampled = sampling.ok();
        assertThat(sampled.path("samplingRequests")).as(sampling.toString()).hasSize(1);
        assertThat(sampled.path("result").path("content").get(0).path("text").asText())
                .contains("sampled by the TypeScript client").contains("ts-test-model");

        NodeClients.Run elicitation = node.script(TS_SCRIPT, NODE_TIMEOUT, proxied.toString(), "elicitation");
        JsonNode elicited = elicitation.ok();
        assertThat(elicited.path("elicitationRequests")).as(elicitation.toString()).hasSize(1);
        assertThat(elicited.path("result").path("content").valueStream().map(c -> c.path("text").asText()))
                .anySatisfy(t -> assertThat(t).contains("- Name: Ada Lovelace").contains("- Favorite Integer: 7"));
    }

    @Test
    void aDeletedSessionGetsTheSameAnswerThroughTheGatewayAsDirectly() {
        Ended viaGateway = endSession(proxied);
        Ended viaDirect = endSession(direct);

        assertThat(viaGateway.delete().status()).as("DELETE through the gateway: %s", viaGateway.delete()).isEqualTo(200);
        assertThat(viaGateway.delete().status()).isEqualTo(viaDirect.delete().status());
        // server-everything forgets the session on DELETE and answers an unknown session with 400
        // (the spec asks for 404); the gateway passes whatever the server says
        assertThat(viaDirect.after().status()).as("direct: POST after DELETE").isEqualTo(400);
        assertThat(viaGateway.after().status()).as("gateway: POST after DELETE: %s", viaGateway.after())
                .isEqualTo(viaDirect.after().status());
        assertThat(viaGateway.after().header("content-type")).isEqualTo(viaDirect.after().header("content-type"));
        assertThat(viaGateway.after().json()).isEqualTo(viaDirect.after().json());
        assertThat(viaGateway.afterGet().status()).as("gateway: GET after DELETE: %s", viaGateway.afterGet())
                .isEqualTo(viaDirect.afterGet().status());
        assertThat(viaGateway.afterGet().json()).isEqualTo(viaDirect.afterGet().json());
    }

    @Test
    void aClientThatLosesItsStreamResumesItWithLastEventIdThroughTheGatewayAsDirectly() throws Exception {
        for (URI endpoint : new URI[] {direct, proxied}) {
            McpHttp http = new McpHttp(endpoint);
            assertThat(http.initialize("2025-11-25").status()).isEqualTo(200);
            byte[] call = ("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":"
                    + "\"trigger-long-running-operation\",\"arguments\":{\"duration\":2,\"steps\":4},"
                    + "\"_meta\":{\"progressToken\":\"resume\"}}}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            List<String> headers = List.of("Host: " + endpoint.getAuthority(), "Content-Type: application/json",
                    "Accept: " + McpHttp.ACCEPT_BOTH, "Mcp-Session-Id: " + http.sessionId(),
                    "MCP-Protocol-Version: 2025-11-25");
            String lastEventId;
            try (RawConnection post = RawConnection.connect(endpoint.getPort(), 0)) {
                List<String> withLength = new java.util.ArrayList<>(headers);
                withLength.add("Content-Length: " + call.length);
                post.send("POST", endpoint.getRawPath(), withLength, call);
                assertThat(post.head().status()).isEqualTo(200);
                String event;
                do {
                    event = post.readUntil("\n\n");
                } while (!event.contains("notifications/progress"));
                assertThat(event).contains("\"progress\":1");
                lastEventId = event.lines().filter(l -> l.startsWith("id:")).map(l -> l.substring(3).trim())
                        .findFirst().orElseThrow(() -> new AssertionError("no event id at " + endpoint));
            }
            // the connection is gone; the tool runs on and the server stores what it sends
            Thread.sleep(2_500);
            try (RawConnection get = RawConnection.connect(endpoint.getPort(), 0)) {
                List<String> resume = new java.util.ArrayList<>(headers.subList(0, 1));
                resume.addAll(List.of("Accept: text/event-stream", "Mcp-Session-Id: " + http.sessionId(),
                        "MCP-Protocol-Version: 2025-11-25", "Last-Event-ID: " + lastEventId));
                get.send("GET", endpoint.getRawPath(), resume, null);
                assertThat(get.head().status()).as("resuming at %s", endpoint).isEqualTo(200);
                String replayed = get.readUntil("Long running operation completed");
                assertThat(replayed).as("replayed at %s", endpoint).doesNotContain("\"progress\":1,")
                        .contains("\"progress\":2,").contains("\"progress\":3,").contains("\"progress\":4,");
            }
        }
    }

    @Test
    void theInspectorCliListsTheSameToolsAndPromptsThroughTheGatewayAsDirectly() {
        for (String method : List.of("tools/list", "prompts/list", "resources/list")) {
            NodeClients.Run viaGateway = node.inspector(proxied, "--method", method);
            NodeClients.Run viaDirect = node.inspector(direct, "--method", method);
            assertThat(viaGateway.ok()).as("%s through the gateway vs direct\n%s", method, viaGateway)
                    .isEqualTo(viaDirect.ok());
        }
    }

    @Test
    void manyJavaClientsAtOnceEachGetTheirOwnAnswers() throws Exception {
        int clients = 12;
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<List<String>>> runs = new java.util.ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                runs.add(pool.submit(() -> {
                    List<String> echoes = new java.util.ArrayList<>();
                    try (McpSyncClient sdk = Sdk.connect(proxied)) {
                        for (int call = 0; call < 5; call++) {
                            McpSchema.CallToolResult result = sdk.callTool(McpSchema.CallToolRequest.builder().name("echo")
                                    .arguments(Map.of("message", "client " + client + " call " + call)).build());
                            echoes.add(((McpSchema.TextContent) result.content().getFirst()).text());
                        }
                    }
                    return echoes;
                }));
            }
            for (int c = 0; c < clients; c++) {
                int client = c;
                assertThat(runs.get(c).get(60, java.util.concurrent.TimeUnit.SECONDS)).containsExactlyElementsOf(
                        java.util.stream.IntStream.range(0, 5).mapToObj(i -> "Echo: client " + client + " call " + i).toList());
            }
        }
    }

    record Ended(McpHttp.Response delete, McpHttp.Response after, McpHttp.Response afterGet) {
    }

    private static Ended endSession(URI endpoint) {
        McpHttp http = new McpHttp(endpoint);
        McpHttp.Response init = http.initialize("2025-11-25");
        assertThat(init.status()).as("initialize at %s: %s", endpoint, init).isEqualTo(200);
        String session = http.sessionId();
        assertThat(session).isNotBlank();
        McpHttp.Response delete = http.send("DELETE", null, Map.of("mcp-session-id", session,
                "mcp-protocol-version", "2025-11-25"));
        McpHttp.Response after = http.send("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}", Map.of(
                "content-type", "application/json", "accept", McpHttp.ACCEPT_BOTH, "mcp-session-id", session,
                "mcp-protocol-version", "2025-11-25"));
        McpHttp.Response afterGet = http.send("GET", null, Map.of("accept", "text/event-stream",
                "mcp-session-id", session, "mcp-protocol-version", "2025-11-25"));
        return new Ended(delete, after, afterGet);
    }

    /** One client's view of the server: each result as JSON (Jackson reads the SDK's records). */
    private static Map<String, JsonNode> javaSurvey(URI endpoint) {
        Consumer<McpClient.SyncSpec> capabilities = spec -> spec
                .capabilities(McpSchema.ClientCapabilities.builder().sampling().elicitation().build())
                .sampling(r -> {
                    throw new IllegalStateException("no sampling expected");
                })
                .elicitation(r -> {
                    throw new IllegalStateException("no elicitation expected");
                });
        try (McpSyncClient client = Sdk.connect(endpoint, capabilities)) {
            Map<String, JsonNode> out = new java.util.LinkedHashMap<>();
            out.put("serverInfo", tree(client.getServerInfo()));
            out.put("capabilities", tree(client.getServerCapabilities()));
            out.put("instructions", tree(client.getServerInstructions()));
            out.put("tools", tree(client.listTools()));
            McpSchema.ListResourcesResult resources = client.listResources();
            out.put("resources", tree(resources));
            out.put("resource", tree(client.readResource(new McpSchema.ReadResourceRequest(
                    resources.resources().getFirst().uri()))));
            out.put("prompts", tree(client.listPrompts()));
            out.put("simplePrompt", tree(client.getPrompt(new McpSchema.GetPromptRequest("simple-prompt", Map.of()))));
            out.put("argsPrompt", tree(client.getPrompt(new McpSchema.GetPromptRequest("args-prompt",
                    Map.of("city", "Porto")))));
            out.put("completion", tree(client.completeCompletion(new McpSchema.CompleteRequest(
                    new McpSchema.PromptReference("completable-prompt"),
                    new McpSchema.CompleteRequest.CompleteArgument("department", "E")))));
            out.put("echo", tree(client.callTool(McpSchema.CallToolRequest.builder().name("echo")
                    .arguments(Map.of("message", "hello through the gateway")).build())));
            out.put("structured", tree(client.callTool(McpSchema.CallToolRequest.builder().name("get-structured-content")
                    .arguments(Map.of("location", "Los Angeles")).build())));
            return out;
        }
    }

    private static JsonNode tree(Object value) {
        return Json.MAPPER.valueToTree(value);
    }

    private static JsonNode withoutSession(JsonNode node) {
        ObjectNode copy = node.deepCopy();
        copy.remove("sessionId");
        return copy;
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
