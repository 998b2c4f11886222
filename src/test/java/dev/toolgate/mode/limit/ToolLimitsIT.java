package dev.toolgate.mode.limit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.cluster.FakeClock;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.JavaSdkServer;
import dev.toolgate.testing.LiveFeed;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RedisServer;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.Sdk;
import dev.toolgate.testing.TestGateway;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-tool limits (Toolgate extension): a caller over a tool's limit gets a tool result with
 * {@code isError: true} that says which limit and when to retry, in every mode, shared across
 * instances with redis.
 */
@Timeout(90)
class ToolLimitsIT {

    private final FakeClock clock = new FakeClock(Instant.parse("2026-11-24T10:00:30Z"));
    private RestUpstream upstream;
    private JavaSdkServer sdkServer;
    private RedisServer redis;
    private TestGateway gateway;
    private TestGateway other;

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[]{gateway, other, upstream, sdkServer, redis}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private String conversion(String toolLimits) {
        return """
                _format_version: "3.0"
                consumers:
                  - username: alice
                    keyauth_credentials: [{key: alice-key}]
                  - username: bob
                    keyauth_credentials: [{key: bob-key}]
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: tools
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tool_limits: %s
                              tools:
                                - {name: ping, description: Ping, method: GET, path: /mcp/ping, limit: {minute: 2}}
                                - {name: pong, description: Pong, method: GET, path: /mcp/pong}
                      - name: keyed
                        paths: [/keyed]
                        plugins:
                          - name: key-auth
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server: {session: {managed: false}}
                              tool_limits: %s
                              tools:
                                - {name: ping, description: Ping, method: GET, path: /keyed/ping, limit: {minute: 1}}
                """.formatted(upstream.url(), toolLimits, toolLimits);
    }

    private static McpSchema.CallToolResult call(McpSyncClient client, String tool) {
        return client.callTool(new McpSchema.CallToolRequest(tool, Map.of()));
    }

    private static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().getFirst()).text();
    }

    @Test
    void aCallerOverAToolsLimitGetsAToolErrorSayingWhichLimitAndWhenToRetry() throws InterruptedException {
        upstream = new RestUpstream().json("GET /ping", 200, "{\"pong\":true}").json("GET /pong", 200, "{}");
        gateway = TestGateway.start(conversion("{minute: 3}"), clock);
        try (McpSyncClient client = Sdk.connect(gateway.proxy("/mcp"))) {
            McpSchema.CallToolResult firstCall = call(client, "ping");
            assertThat(firstCall.isError()).as(text(firstCall)).isFalse();
            assertThat(call(client, "ping").isError()).isFalse();
            McpSchema.CallToolResult limited = call(client, "ping");

            assertThat(limited.isError()).isTrue();
            assertThat(text(limited)).isEqualTo(
                    "Rate limit reached: tool 'ping' allows 2 calls per minute per caller. Retry in 30 seconds.");
            assertThat(limited.meta()).containsKey(ToolLimits.META);
            JsonNode meta = Json.MAPPER.valueToTree(limited.meta().get(ToolLimits.META));
            assertThat(meta.get("retryAfterSeconds").asLong()).isEqualTo(30);
            assertThat(meta.get("window").asText()).isEqualTo("minute");
            assertThat(meta.get("limit").asLong()).isEqualTo(2);
            // the operator sees the refusal as the limit's, not the ACL's, on the live traffic page
            JsonNode seen = LiveFeed.event(gateway, e -> "ping".equals(e.path("tool").asText()) && e.has("rate_limit")
                    && !"allow".equals(e.path("rate_limit").asText()));
            assertThat(seen.get("rate_limit").asText()).isEqualTo("reject");
            assertThat(seen.get("status").asText()).isEqualTo("error");
            // the plugin's default applies to the tool without a limit of its own
            for (int i = 0; i < 3; i++) {
                assertThat(call(client, "pong").isError()).isFalse();
            }
            assertThat(text(call(client, "pong"))).contains("'pong' allows 3 calls per minute");

            clock.set(Instant.parse("2026-11-24T10:01:00Z"));
            assertThat(call(client, "ping").isError()).isFalse();
        }
        upstream.clear();
    }

    @Test
    void theLiveFeedShowsACallTheLimitLetThroughAsAllowedAndNoDecisionWhereNoLimitChecked() {
        upstream = new RestUpstream().json("GET /ping", 200, "{}").json("GET /pong", 200, "{}");
        gateway = TestGateway.start(conversion("{}"), clock);
        try (McpSyncClient client = Sdk.connect(gateway.proxy("/mcp"))) {
            assertThat(call(client, "ping").isError()).isFalse();
            assertThat(call(client, "pong").isError()).isFalse();
        }

        JsonNode limited = LiveFeed.event(gateway, e -> "ping".equals(e.path("tool").asText()));
        assertThat(limited.path("rate_limit").asText()).as("%s", limited).isEqualTo("allow");
        // pong has no limit: nothing counted it, nothing refused it
        JsonNode unlimited = LiveFeed.event(gateway, e -> "pong".equals(e.path("tool").asText()));
        assertThat(unlimited.has("rate_limit")).as("%s", unlimited).isFalse();
    }

    @Test
    void theLiveFeedShowsACallWhoseLimitCouldNotBeCheckedAsUncheckedNotAsRejected() {
        redis = RedisServer.start();
        upstream = new RestUpstream().json("GET /ping", 200, "{}");
        gateway = TestGateway.start(conversion("{policy: redis, fault_tolerant: false, redis: " + redis.block() + "}"),
                clock);
        redis.kill();
        try (McpSyncClient client = Sdk.connect(gateway.proxy("/mcp"))) {
            McpSchema.CallToolResult refused = call(client, "ping");
            assertThat(refused.isError()).isTrue();
            assertThat(text(refused)).startsWith("The rate limit of tool 'ping' cannot be checked right now");
        }

        JsonNode seen = LiveFeed.event(gateway, e -> "ping".equals(e.path("tool").asText()));
        assertThat(seen.path("rate_limit").asText()).as("%s", seen).isEqualTo("unchecked");
    }

    @Test
    void eachConsumerHasItsOwnCountPerTool() {
        upstream = new RestUpstream().json("GET /ping", 200, "{}");
        gateway = TestGateway.start(conversion("{}"), clock);

        assertThat(isError(keyedCall("alice-key"))).isFalse();
        assertThat(isError(keyedCall("alice-key"))).isTrue();
        assertThat(isError(keyedCall("bob-key"))).isFalse();
    }

    @Test
    void twoInstancesWithRedisShareOneCount() {
        redis = RedisServer.start();
        upstream = new RestUpstream().json("GET /ping", 200, "{}");
        String config = conversion("{policy: redis, redis: " + redis.block() + "}");
        gateway = TestGateway.start(config, clock);
        other = TestGateway.start(config, clock);

        assertThat(isError(keyedCall(gateway, "alice-key"))).isFalse();
        JsonNode refused = keyedCall(other, "alice-key");
        assertThat(isError(refused)).isTrue();
        assertThat(refused.at("/result/_meta/" + ToolLimits.META.replace("/", "~1") + "/retryAfterSeconds").asLong())
                .isEqualTo(30);
    }

    @Test
    void twoInstancesWhoseToolLimitsDifferEachEnforceTheirOwnAgainstTheSharedCountAndARaiseGivesOnlyTheDifference() {
        redis = RedisServer.start();
        upstream = new RestUpstream().json("GET /ping", 200, "{}");
        String config = conversion("{policy: redis, redis: " + redis.block() + "}");
        String four = config.replace("limit: {minute: 1}", "limit: {minute: 4}");
        gateway = TestGateway.start(four, clock);
        other = TestGateway.start(four, clock);
        assertThat(isError(keyedCall(gateway, "alice-key"))).isFalse();
        assertThat(isError(keyedCall(other, "alice-key"))).isFalse();

        assertThat(new AdminHttp(gateway).postConfig(config).status()).isEqualTo(200);
        JsonNode lowered = keyedCall(gateway, "alice-key");
        assertThat(isError(lowered)).as("2 used of a minute now allowing 1").isTrue();
        assertThat(lowered.at("/result/_meta/" + ToolLimits.META.replace("/", "~1") + "/limit").asLong()).isOne();
        // the instance still on 4 compares the shared count with its own limit
        assertThat(isError(keyedCall(other, "alice-key"))).isFalse();
        assertThat(isError(keyedCall(gateway, "alice-key"))).isTrue();

        String five = config.replace("limit: {minute: 1}", "limit: {minute: 5}");
        assertThat(new AdminHttp(gateway).postConfig(five).status()).isEqualTo(200);
        assertThat(new AdminHttp(other).postConfig(five).status()).isEqualTo(200);
        assertThat(isError(keyedCall(other, "alice-key"))).isFalse();
        assertThat(isError(keyedCall(gateway, "alice-key"))).isFalse();
        assertThat(isError(keyedCall(other, "alice-key"))).as("5 used of 5").isTrue();
        assertThat(isError(keyedCall(gateway, "alice-key"))).isTrue();
    }

    @Test
    void aPassthroughToolNamedInToolsIsLimitedBeforeTheServerSeesTheCall() {
        sdkServer = JavaSdkServer.start();
        gateway = TestGateway.start(passthrough("", """
                              tools:
                                - {name: add, description: Add, limit: {minute: 1}}
                """), clock);
        try (McpSyncClient client = Sdk.connect(gateway.proxy("/sdk"))) {
            McpSchema.CallToolResult sum = client.callTool(new McpSchema.CallToolRequest("add", Map.of("a", 1, "b", 2)));
            assertThat(sum.isError()).as(sum.toString()).isFalse();
            McpSchema.CallToolResult limited = client.callTool(new McpSchema.CallToolRequest("add", Map.of("a", 1, "b", 2)));
            assertThat(limited.isError()).isTrue();
            assertThat(text(limited)).contains("'add' allows 1 call per minute").contains("Retry in 30 seconds");
            assertThat(client.callTool(new McpSchema.CallToolRequest("echo", Map.of("message", "hi"))).isError()).isFalse();
        }
        // the live page shows the limit's decision on each call, and none on a call no limit checked
        assertThat(LiveFeed.event(gateway, e -> "add".equals(e.path("tool").asText())
                && "allow".equals(e.path("rate_limit").asText()))).isNotNull();
        assertThat(LiveFeed.event(gateway, e -> "add".equals(e.path("tool").asText())
                && "reject".equals(e.path("rate_limit").asText()))).isNotNull();
        assertThat(LiveFeed.event(gateway, e -> "initialize".equals(e.path("method").asText())).has("rate_limit"))
                .isFalse();
    }

    @Test
    void aPassthroughCallThatNamesNoToolIsRefusedAsWithToolAclsAndNeverReachesTheServerUncounted() {
        sdkServer = JavaSdkServer.withTools(List.of("search"));
        gateway = TestGateway.start(passthrough("", """
                              tools:
                                - {name: search, description: Search, limit: {minute: 3}}
                """), clock);
        McpHttp client = new McpHttp(gateway.proxy("/sdk"));
        assertThat(client.initialize("2025-03-26").status()).isEqualTo(200);
        sdkServer.clear();

        // a lenient server would run {"name": ["search"]} as search, under neither the listed limit nor the default
        for (String params : List.of("{\"name\":[\"search\"]}", "{\"name\":7}", "{}", "[\"search\"]", "\"search\"")) {
            McpHttp.Response answer = client.post(
                    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":" + params + "}");
            assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
            assertThat(answer.json().path("id").asInt()).as(answer.toString()).isEqualTo(3);
            assertThat(answer.json().path("error").path("code").asInt()).as(answer.toString()).isEqualTo(-32602);
            assertThat(answer.json().path("error").path("message").asText())
                    .isEqualTo("Invalid params: tools/call needs params.name (a string)");
        }
        assertThat(sdkServer.requests()).as("nothing of the nameless calls reached the server").isEmpty();
        assertThat(client.call("search", "{}").path("isError").asBoolean()).as("a named call still passes").isFalse();
    }

    @Test
    void aPassthroughBatchWithALimitedCallIsAnsweredWithABatchAndNothingOfItIsForwarded() {
        sdkServer = JavaSdkServer.withTools(List.of("lookup", "search"));
        gateway = TestGateway.start(passthrough("", """
                              tools:
                                - {name: lookup, description: Lookup, limit: {minute: 1}}
                """), clock);
        McpHttp client = new McpHttp(gateway.proxy("/sdk"));
        assertThat(client.initialize("2025-03-26").status()).isEqualTo(200);
        assertThat(client.call("lookup", "{}").path("isError").asBoolean()).isFalse();

        McpHttp.Response batch = client.post("[{\"jsonrpc\":\"2.0\",\"id\":\"p\",\"method\":\"ping\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"lookup\",\"arguments\":{}}},"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":1,\"progress\":1}},"
                + "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"search\",\"arguments\":{}}}]");

        assertThat(batch.status()).as(batch.toString()).isEqualTo(200);
        JsonNode answers = batch.json();
        assertThat(answers.isArray()).as("a batch is answered with a batch: " + batch).isTrue();
        assertThat(answers).hasSize(3);
        assertThat(answers.get(0).path("id").asText()).isEqualTo("p");
        assertThat(answers.get(0).path("error").path("code").asInt()).isEqualTo(-32000);
        assertThat(answers.get(0).path("error").path("message").asText())
                .isEqualTo("Not forwarded: a call to tool 'lookup' in the same batch is over its rate limit; "
                        + "send this request again");
        assertThat(answers.get(1).path("id").asInt()).isEqualTo(2);
        assertThat(isError(answers.get(1))).isTrue();
        assertThat(answers.get(1).at("/result/content/0/text").asText()).contains("'lookup' allows 1 call per minute");
        assertThat(answers.get(2).path("id").asInt()).isEqualTo(3);
        assertThat(answers.get(2).path("error").path("code").asInt()).isEqualTo(-32000);
        assertThat(sdkServer.calledTools()).as("only the first, single call reached the server").containsExactly("lookup");
    }

    @Test
    void aPassthroughBatchThatRepeatsAnIdShowsEachCallsLimitDecisionOnThatCall() {
        sdkServer = JavaSdkServer.withTools(List.of("lookup", "search"));
        gateway = TestGateway.start(passthrough("", """
                              tools:
                                - {name: lookup, description: Lookup, limit: {minute: 1}}
                """), clock);
        McpHttp client = new McpHttp(gateway.proxy("/sdk"));
        assertThat(client.initialize("2025-03-26").status()).isEqualTo(200);
        assertThat(client.call("lookup", "{}").path("isError").asBoolean()).isFalse();

        McpHttp.Response batch = client.post("["
                + "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"search\",\"arguments\":{}}},"
                + "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"lookup\",\"arguments\":{}}}]");

        assertThat(batch.json().get(1).at("/result/content/0/text").asText()).as(batch.toString())
                .contains("'lookup' allows 1 call per minute");
        JsonNode search = LiveFeed.event(gateway, e -> "search".equals(e.path("tool").asText()));
        assertThat(search.path("rate_limit").asText()).as("%s", search).isEqualTo("allow");
        JsonNode lookup = LiveFeed.event(gateway, e -> "lookup".equals(e.path("tool").asText())
                && !"allow".equals(e.path("rate_limit").asText()));
        assertThat(lookup.path("rate_limit").asText()).as("%s", lookup).isEqualTo("reject");
    }

    @Test
    void aPassthroughBatchRefusedWholeSpendsNothingOfTheLimitsOfItsOtherCalls() {
        sdkServer = JavaSdkServer.withTools(List.of("lookup", "search"));
        gateway = TestGateway.start(passthrough("", """
                              tools:
                                - {name: lookup, description: Lookup, limit: {minute: 1}}
                                - {name: search, description: Search, limit: {minute: 1}}
                """), clock);
        assertRefusedBatchSpendsNothing();
    }

    @Test
    void aPassthroughBatchRefusedWholeSpendsNothingOfItsRedisCountedLimits() {
        redis = RedisServer.start();
        sdkServer = JavaSdkServer.withTools(List.of("lookup", "search"));
        gateway = TestGateway.start(passthrough("", """
                              tools:
                                - {name: lookup, description: Lookup, limit: {minute: 1}}
                                - {name: search, description: Search, limit: {minute: 1}}
                """).replace("tool_limits: {hour: 5}", "tool_limits: {hour: 5, policy: redis, redis: " + redis.block() + "}"),
                clock);
        assertRefusedBatchSpendsNothing();
    }

    @Test
    void aPassthroughBatchWhoseCallsLimitCannotBeCheckedSaysSoToTheRequestsItWithholds() {
        redis = RedisServer.start();
        sdkServer = JavaSdkServer.withTools(List.of("lookup", "search"));
        gateway = TestGateway.start(passthrough("", "").replace("tool_limits: {hour: 5}",
                "tool_limits: {hour: 5, policy: redis, fault_tolerant: false, redis: " + redis.block() + "}"), clock);
        McpHttp client = new McpHttp(gateway.proxy("/sdk"));
        assertThat(client.initialize("2025-03-26").status()).isEqualTo(200);
        redis.kill();

        McpHttp.Response batch = client.post("[{\"jsonrpc\":\"2.0\",\"id\":\"p\",\"method\":\"ping\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"lookup\",\"arguments\":{}}}]");

        assertThat(batch.status()).as(batch.toString()).isEqualTo(200);
        JsonNode answers = batch.json();
        assertThat(answers.get(1).at("/result/content/0/text").asText())
                .startsWith("The rate limit of tool 'lookup' cannot be checked right now");
        assertThat(answers.get(0).path("error").path("code").asInt()).as(batch.toString()).isEqualTo(-32603);
        assertThat(answers.get(0).path("error").path("message").asText())
                .isEqualTo("Not forwarded: the rate limit of tool 'lookup', called in the same batch, cannot be "
                        + "checked right now; send this request again in a few seconds")
                .doesNotContain("127.0.0.1");
        assertThat(sdkServer.calledTools()).isEmpty();
    }

    /** Spends lookup's one call, sends a batch of search then lookup, then calls search as the answer asks. */
    private void assertRefusedBatchSpendsNothing() {
        McpHttp client = new McpHttp(gateway.proxy("/sdk"));
        assertThat(client.initialize("2025-03-26").status()).isEqualTo(200);
        assertThat(client.call("lookup", "{}").path("isError").asBoolean()).isFalse();

        JsonNode answers = client.post("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"search\",\"arguments\":{}}},"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"lookup\",\"arguments\":{}}}]").json();
        assertThat(answers.get(0).path("error").path("message").asText()).contains("send this request again");
        assertThat(isError(answers.get(1))).as(answers.toString()).isTrue();

        JsonNode again = client.call("search", "{}");
        assertThat(again.path("isError").asBoolean()).as("the withheld call, sent again: " + again).isFalse();
        assertThat(sdkServer.calledTools()).containsExactly("lookup", "search");
    }

    @Test
    void toolNamesAClientMakesUpDoNotBecomeCounterKeysAsLongAsThemselves() {
        // passthrough counts every name with the default limit: the name is the client's, up to the body limit
        redis = RedisServer.start();
        upstream = new RestUpstream();
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: mcp
                    url: %s
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: passthrough-listener
                              tool_limits: {hour: 5, policy: redis, redis: %s}
                """.formatted(upstream.url(), redis.block()), clock);
        String name = "x".repeat(200_000);
        new McpHttp(gateway.proxy("/mcp")).send("POST",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"" + name + "\"}}",
                Map.of("content-type", "application/json", "accept", McpHttp.ACCEPT_BOTH));

        assertThat(redis.keys().stream().mapToInt(String::length).max().orElse(0)).as("the longest counter key")
                .isBetween(1, 512);
    }

    @Test
    void toolNamesAPassthroughRouteDoesNotListShareOneCountPerCallerSoMadeUpNamesMakeNoCounterOfTheirOwn() {
        redis = RedisServer.start();
        upstream = new RestUpstream();
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: mcp
                    url: %s
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: passthrough-listener
                              tool_limits: {hour: 3, policy: redis, redis: %s}
                              tools:
                                - {name: listed, description: Listed, limit: {hour: 1}}
                """.formatted(upstream.url(), redis.block()), clock);
        McpHttp client = new McpHttp(gateway.proxy("/mcp"));
        for (int i = 0; i < 3; i++) {
            toolCall(client, "made-up-" + i);
        }
        JsonNode refused = toolCall(client, "made-up-3");
        assertThat(refused).as("the gateway's answer to a fourth made-up name (not forwarded)").isNotNull();
        assertThat(refused.at("/result/isError").asBoolean()).as(refused.toString()).isTrue();
        assertThat(refused.at("/result/content/0/text").asText()).isEqualTo("Rate limit reached: tool 'made-up-3' "
                + "and the other tools this route does not list allow 3 calls per hour per caller together. "
                + "Retry in 3570 seconds.");
        toolCall(client, "listed");
        assertThat(isError(toolCall(client, "listed"))).as("a listed tool keeps its own count").isTrue();

        assertThat(redis.keys()).as("the counters in Redis").hasSize(2).noneMatch(key -> key.contains("made-up"));
    }

    private static JsonNode toolCall(McpHttp client, String tool) {
        McpHttp.Response answer = client.send("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"" + tool + "\",\"arguments\":{}}}",
                Map.of("content-type", "application/json", "accept", McpHttp.ACCEPT_BOTH));
        return answer.status() == 200 && answer.body().startsWith("{") ? answer.json() : null;
    }

    @Test
    void toolLimitsAloneMakeNoAclDecisionSoTheAclCountersStayEmpty() throws Exception {
        sdkServer = JavaSdkServer.start();
        gateway = TestGateway.start(passthrough("""
                          - name: prometheus
                            config: {ai_metrics: true}
                """, """
                              logging: {log_statistics: true}
                """), clock);
        try (McpSyncClient client = Sdk.connect(gateway.proxy("/sdk"))) {
            assertThat(client.callTool(new McpSchema.CallToolRequest("add", Map.of("a", 1, "b", 2))).isError()).isFalse();
            try {
                client.callTool(new McpSchema.CallToolRequest("made_up_tool_x", Map.of()));
            } catch (RuntimeException refusedByTheServer) {
                // the server answers an unknown tool as it likes; what matters is what the metrics show
            }
        }
        String metrics = new dev.toolgate.testing.AdminHttp(gateway).get("/metrics").body();
        assertThat(metrics).contains("kong_ai_mcp_latency_ms_count{").contains("tool_name=\"add\"");
        assertThat(metrics.lines().filter(l -> l.startsWith("kong_ai_mcp_acl_")).toList()).isEmpty();
    }

    /** A passthrough route to the SDK server with tool limits of 5 an hour, and these plugins and settings. */
    private String passthrough(String plugins, String settings) {
        return """
                _format_version: "3.0"
                services:
                  - name: sdk
                    url: %s
                    routes:
                      - name: sdk
                        paths: [/sdk]
                        plugins:
                %s          - name: ai-mcp-proxy
                            config:
                              mode: passthrough-listener
                              tool_limits: {hour: 5}
                %s""".formatted(sdkServer.mcp(), plugins, settings);
    }

    private JsonNode keyedCall(String key) {
        return keyedCall(gateway, key);
    }

    private static JsonNode keyedCall(TestGateway gateway, String key) {
        McpHttp.Response response = new McpHttp(gateway.proxy("/keyed")).send("POST",
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"ping\"}}",
                Map.of("content-type", "application/json", "accept", McpHttp.ACCEPT_BOTH, "apikey", key));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json();
    }

    private static boolean isError(JsonNode response) {
        return response.at("/result/isError").asBoolean(false);
    }
}
