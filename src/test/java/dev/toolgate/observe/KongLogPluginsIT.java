package dev.toolgate.observe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.ModernHttp;
import dev.toolgate.testing.ObservedModes;
import dev.toolgate.testing.RawHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.Sdk;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kong's http-log (into a real HTTP receiver, batched) and file-log (into a file that log rotation
 * moves away): each exchange is logged in Kong's serializer shape, with the {@code ai.mcp} section
 * shaped as in Kong's documented example (kong-ai-mcp-proxy.md §5.1), payloads with
 * {@code log_payloads}, and no secret anywhere.
 */
@Timeout(120)
class KongLogPluginsIT {

    static RestUpstream receiver;
    static final List<JsonNode> batches = new CopyOnWriteArrayList<>();
    static Path logFile;
    static ObservedModes modes;

    @BeforeAll
    static void start() throws Exception {
        receiver = new RestUpstream().on("POST /logs", r -> r.response().setStatusCode(200).end());
        logFile = Files.createTempDirectory("file-log").resolve("logs/toolgate.log");
        modes = ObservedModes.start("""
                  - name: http-log
                    config:
                      http_endpoint: %s/logs
                      headers: {x-log-token: log-token-value}
                      queue: {max_batch_size: 20, max_coalescing_delay: 0.3}
                  - name: file-log
                    config: {path: %s, reopen: true}
                """.formatted(receiver.url(), logFile), "{log_statistics: true, log_payloads: true, log_audits: true}");
    }

    @AfterAll
    static void stop() {
        if (modes != null) {
            modes.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void httpLogSendsBatchesOfKongLogEntriesWithTheAiMcpSectionOfKongsExample() {
        // a secret named in camel case (its words: my, sid) beside a header that is no secret
        try (McpSyncClient alice = Sdk.connect(modes.guarded(), Map.of("apikey", ObservedModes.ALICE_KEY,
                "X-MySid", "sid-of-alice", "X-Trace-Note", "plain-note"))) {
            alice.callTool(new McpSchema.CallToolRequest("list_orders", Map.of()));
        }
        JsonNode entry = awaitEntry(this::httpEntries, "list_orders");
        JsonNode mcp = entry.path("ai").path("mcp");
        assertThat(mcp.path("mcp_session_id").asText()).isNotBlank();
        JsonNode rpc = mcp.path("rpc").get(0);
        assertThat(fields(rpc)).contains("id", "method", "tool_name", "latency", "response_body_size", "payload");
        assertThat(rpc.path("id").isTextual()).as("Kong logs the JSON-RPC id as a string: %s", rpc).isTrue();
        assertThat(rpc.path("method").asText()).isEqualTo("tools/call");
        assertThat(rpc.path("latency").isIntegralNumber()).isTrue();
        assertThat(rpc.path("response_body_size").asInt()).isPositive();
        assertThat(rpc.path("payload").path("request").asText()).contains("\"name\":\"list_orders\"");
        assertThat(rpc.path("payload").path("response").asText()).contains("\"isError\":false");
        JsonNode audit = mcp.path("audit").get(0);
        assertThat(fields(audit)).containsExactlyInAnyOrder("primitive_name", "primitive", "action", "consumer", "scope");
        assertThat(audit.path("primitive_name").asText()).isEqualTo("list_orders");
        assertThat(audit.path("action").asText()).isEqualTo("allow");
        assertThat(audit.path("scope").asText()).isEqualTo("primitive");
        assertThat(audit.path("primitive").asText()).isEqualTo("tool");
        assertThat(fields(audit.path("consumer"))).contains("id", "name", "identifier");

        assertThat(entry.path("request").path("method").asText()).isEqualTo("POST");
        assertThat(entry.path("request").path("uri").asText()).isEqualTo("/guarded");
        assertThat(entry.path("request").path("headers").path("apikey").asText()).isEqualTo("[redacted]");
        assertThat(entry.path("request").path("headers").path("x-mysid").asText()).isEqualTo("[redacted]");
        assertThat(entry.path("request").path("headers").path("x-trace-note").asText()).isEqualTo("plain-note");
        assertThat(entry.path("response").path("status").asInt()).isEqualTo(200);
        assertThat(entry.path("route").path("name").asText()).isEqualTo("guarded-mcp");
        assertThat(entry.path("service").path("name").asText()).isEqualTo("widgets");
        assertThat(entry.path("consumer").path("username").asText()).isEqualTo("alice");
        // Kong's authenticated_entity: the key-auth credential's own id, not its consumer's
        assertThat(fields(entry.path("authenticated_entity"))).containsExactly("id");
        assertThat(entry.path("authenticated_entity").path("id").asText()).matches("[0-9a-f-]{36}")
                .isNotEqualTo(entry.path("consumer").path("id").asText());
        assertThat(fields(entry.path("latencies"))).contains("request", "proxy", "kong");
        assertThat(entry.path("client_ip").asText()).isEqualTo("127.0.0.1");
        assertThat(entry.path("started_at").asLong()).isPositive();

        assertThat(batches).anySatisfy(b -> assertThat(b.isArray()).isTrue());
        String everything = batches.toString();
        assertThat(everything).doesNotContain(ObservedModes.ALICE_KEY).doesNotContain("log-token-value")
                .doesNotContain("sid-of-alice");
    }

    @Test
    void aQueryThatIsNotValidPercentEncodingIsAnsweredAndLoggedWithItsSecretsMasked() {
        McpHttp client = new McpHttp(modes.conversion());
        assertThat(client.initialize("2025-06-18").status()).isEqualTo(200);
        // the JDK's client refuses to send such a query: written by hand
        byte[] body = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"get_widget\",\"arguments\":{\"path_id\":\"42\"}}}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        RawHttp.Response answer = RawHttp.exchange(modes.conversion(), RawHttp.start("POST", modes.conversion())
                .replace(" HTTP/1.1", "?%zz=1&token=query-t0ken HTTP/1.1")
                + "Content-Type: application/json\r\nAccept: " + McpHttp.ACCEPT_BOTH + "\r\nMcp-Session-Id: "
                + client.sessionId() + "\r\nContent-Length: " + body.length + "\r\n", body);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).contains("\"isError\":false");

        JsonNode entry = awaitEntry(this::httpEntries, "get_widget", e -> e.path("request").path("uri").asText().contains("%zz"));
        assertThat(entry.path("request").path("uri").asText()).isEqualTo("/widgets-mcp?%zz=1&token=[redacted]");
        assertThat(entry.path("request").path("querystring").path("token").asText()).isEqualTo("[redacted]");
        assertThat(batches.toString()).doesNotContain("query-t0ken");
    }

    @Test
    void a2026CallToAToolNotServedIsLoggedWithItsErrorNotAsASuccess() {
        var answer = new ModernHttp(modes.conversion()).request("tools/call",
                "{\"name\":\"made_up_logged\",\"arguments\":{}}");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).contains("-32602");

        JsonNode rpc = awaitEntry(this::httpEntries, "made_up_logged").path("ai").path("mcp").path("rpc").get(0);
        assertThat(rpc.path("error").asText()).isEqualTo("Unknown tool: made_up_logged");
    }

    @Test
    void aBatchThatRepeatsAnIdLogsEachAnswerAgainstItsOwnCall() {
        McpHttp client = new McpHttp(modes.conversion());
        assertThat(client.initialize("2025-03-26").status()).isEqualTo(200);
        var answer = client.post("""
                [{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_widget","arguments":{"path_id":"42"}}},
                 {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"made_up_in_batch","arguments":{}}}]""");
        assertThat(answer.body()).contains("sprocket").contains("Unknown tool: made_up_in_batch");

        JsonNode entry = awaitEntry(this::httpEntries, "made_up_in_batch");
        Map<String, JsonNode> byTool = new java.util.HashMap<>();
        entry.path("ai").path("mcp").path("rpc").forEach(rpc -> byTool.put(rpc.path("tool_name").asText(), rpc));
        assertThat(byTool.get("get_widget").has("error")).as("get_widget: %s", byTool.get("get_widget")).isFalse();
        assertThat(byTool.get("get_widget").path("payload").path("response").asText()).contains("sprocket");
        assertThat(byTool.get("made_up_in_batch").path("error").asText()).isEqualTo("Unknown tool: made_up_in_batch");
    }

    @Test
    void aToolListSentGzippedIsLoggedWithItsAnswerUncompressed() {
        McpHttp client = new McpHttp(modes.conversion());
        assertThat(client.initialize("2025-06-18").status()).isEqualTo(200);
        java.util.concurrent.atomic.AtomicInteger id = new java.util.concurrent.atomic.AtomicInteger(9100);
        // the pages are compressed in the background after a load; until then they go out plain
        await().atMost(Duration.ofSeconds(20)).until(() -> "gzip".equals(client.send("POST",
                "{\"jsonrpc\":\"2.0\",\"id\":" + id.incrementAndGet() + ",\"method\":\"tools/list\"}",
                Map.of("content-type", "application/json", "accept", McpHttp.ACCEPT_BOTH,
                        "mcp-session-id", client.sessionId(), "accept-encoding", "gzip")).header("content-encoding")));

        String gzipped = Integer.toString(id.get());
        JsonNode[] rpc = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> httpEntries().stream()
                .flatMap(e -> java.util.stream.StreamSupport.stream(e.path("ai").path("mcp").path("rpc").spliterator(), false))
                .filter(r -> r.path("method").asText().equals("tools/list") && r.path("id").asText().equals(gzipped))
                .peek(r -> rpc[0] = r).findFirst().isPresent());
        String response = rpc[0].path("payload").path("response").asText();
        assertThat(response).contains("\"get_widget\"").contains("\"id\":" + gzipped);
        assertThat(rpc[0].has("error")).isFalse();
    }

    @Test
    void anInitializeRefusedForWantingItsProtocolVersionIsLoggedWithItsErrorAndAnswer() {
        var answer = new McpHttp(modes.conversion()).post("""
                {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"capabilities":{},
                 "clientInfo":{"name":"client-without-version","version":"1"}}}""");
        assertThat(answer.body()).contains("-32602");

        JsonNode[] rpc = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> httpEntries().stream()
                .flatMap(e -> java.util.stream.StreamSupport.stream(e.path("ai").path("mcp").path("rpc").spliterator(), false))
                .filter(r -> r.path("payload").path("request").asText().contains("client-without-version"))
                .peek(r -> rpc[0] = r).findFirst().isPresent());
        assertThat(rpc[0].path("method").asText()).isEqualTo("initialize");
        assertThat(rpc[0].path("error").asText()).isEqualTo("Invalid params: initialize needs params.protocolVersion");
        assertThat(rpc[0].path("payload").path("response").asText()).contains("-32602");
    }

    @Test
    void httpLogWithKongsDefaultQueueSendsEachEntryAloneAsAnObject() {
        try (RestUpstream api = new RestUpstream().json("GET /one", 200, "{\"ok\":true}");
             RestUpstream logs = new RestUpstream().on("POST /logs", r -> r.response().setStatusCode(200).end());
             var gateway = dev.toolgate.testing.TestGateway.start(api.oneToolRoute()
                     .replace("          - name: ai-mcp-proxy\n", "          - name: http-log\n"
                             + "            config: {http_endpoint: '" + logs.url() + "/logs'}\n"
                             + "          - name: ai-mcp-proxy\n")
                     .replace("mode: conversion-listener\n",
                             "mode: conversion-listener\n              logging: {log_statistics: true}\n"))) {
            call(gateway.proxy("/mcp"), "one", Map.of());

            List<JsonNode> posted = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                while (logs.pending() > 0) {
                    posted.add(parse(logs.next().body()));
                }
                return posted.stream().anyMatch(p -> p.path("ai").path("mcp").path("rpc")
                        .findValuesAsText("tool_name").contains("one"));
            });
            // one POST per exchange (initialize, the initialized notification, the call), each entry alone
            assertThat(posted).allSatisfy(p -> assertThat(p.isObject()).as("an entry, not an array: %s", p).isTrue());
            assertThat(posted).allSatisfy(p -> assertThat(p.path("route").path("name").asText()).isEqualTo("mcp"));
        }
    }

    @Test
    void entriesLargerThanTheQueuesMaxBytesAreDroppedAndCountedNotSent() throws Exception {
        try (RestUpstream api = new RestUpstream().json("GET /one", 200, "{\"ok\":true}");
             RestUpstream logs = new RestUpstream().on("POST /logs", r -> r.response().setStatusCode(200).end());
             var gateway = dev.toolgate.testing.TestGateway.start(api.oneToolRoute()
                     .replace("          - name: ai-mcp-proxy\n", "          - name: http-log\n"
                             + "            config: {http_endpoint: '" + logs.url() + "/logs', queue: {max_bytes: 200}}\n"
                             + "          - name: ai-mcp-proxy\n"))) {
            call(gateway.proxy("/mcp"), "one", Map.of());

            // initialize, the initialized notification and the call: each entry weighs more than 200 bytes
            await().atMost(Duration.ofSeconds(20)).until(() -> new dev.toolgate.testing.AdminHttp(gateway).dropped("http-log") >= 3);
            assertThat(logs.pending()).isZero();
        }
    }

    @Test
    void fileLogFollowsARotatedFileAndLogsEveryMode() throws Exception {
        call(modes.conversion(), "get_widget", Map.of("path_id", "42"));
        await().atMost(Duration.ofSeconds(20)).until(() -> lines(logFile).stream()
                .anyMatch(l -> l.contains("\"tool_name\":\"get_widget\"")));
        Path rotated = logFile.resolveSibling("toolgate.log.1");
        Files.move(logFile, rotated);
        int before = lines(rotated).size();

        call(modes.passthrough(), "echo", Map.of("message", "after rotation"));
        call(modes.listener(), "list_gadgets", Map.of());
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(logFile) && lines(logFile).stream()
                .anyMatch(l -> l.contains("\"tool_name\":\"list_gadgets\"")));
        await().atMost(Duration.ofSeconds(20)).until(() -> lines(logFile).stream()
                .anyMatch(l -> l.contains("\"tool_name\":\"echo\"")));
        assertThat(lines(rotated)).hasSize(before);
        for (String line : lines(logFile)) {
            JsonNode entry = parse(line);
            assertThat(entry.has("request") && entry.has("response") && entry.has("latencies")).as(line).isTrue();
        }
        JsonNode echo = parse(lines(logFile).stream().filter(l -> l.contains("\"tool_name\":\"echo\"")).findFirst().orElseThrow());
        assertThat(echo.path("source").asText()).isEqualTo("upstream");
        // Kong's upstream_uri is what was sent upstream: the server's path here, the REST call for a tool call
        assertThat(echo.path("request").path("uri").asText()).isEqualTo("/java");
        assertThat(echo.path("upstream_uri").asText()).isEqualTo(java.net.URI.create(modes.mcp().mcp().toString()).getRawPath());
        JsonNode widget = lines(rotated).stream().filter(l -> l.contains("\"tool_name\":\"get_widget\"")).map(l -> parse(l))
                .filter(e -> e.path("request").path("uri").asText().equals("/widgets-mcp")).findFirst().orElseThrow();
        assertThat(widget.path("upstream_uri").asText()).isEqualTo("/widgets/42");
        assertThat(echo.path("upstream_status").asText()).isEqualTo("200");
        assertThat(String.join("\n", lines(rotated)) + lines(logFile)).doesNotContain(ObservedModes.ALICE_KEY);
    }

    private static void call(java.net.URI endpoint, String tool, Map<String, Object> arguments) {
        try (McpSyncClient client = Sdk.connect(endpoint)) {
            client.callTool(new McpSchema.CallToolRequest(tool, arguments));
        }
    }

    private List<JsonNode> httpEntries() {
        while (receiver.pending() > 0) {
            RestUpstream.Received posted = receiver.next();
            assertThat(posted.header("content-type")).isEqualTo("application/json");
            assertThat(posted.header("x-log-token")).isEqualTo("log-token-value");
            batches.add(parse(posted.body()));
        }
        List<JsonNode> entries = new ArrayList<>();
        for (JsonNode batch : batches) {
            if (batch.isArray()) {
                batch.forEach(entries::add);
            } else {
                entries.add(batch);
            }
        }
        return entries;
    }

    private static JsonNode awaitEntry(java.util.function.Supplier<List<JsonNode>> entries, String tool) {
        return awaitEntry(entries, tool, e -> true);
    }

    private static JsonNode awaitEntry(java.util.function.Supplier<List<JsonNode>> entries, String tool,
                                       java.util.function.Predicate<JsonNode> also) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (JsonNode e : entries.get()) {
                if (e.path("ai").path("mcp").path("rpc").findValuesAsText("tool_name").contains(tool) && also.test(e)) {
                    found[0] = e;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private static List<String> lines(Path file) throws java.io.IOException {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    private static JsonNode parse(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
