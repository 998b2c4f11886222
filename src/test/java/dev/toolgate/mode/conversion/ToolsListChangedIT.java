package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.Sdk;
import dev.toolgate.testing.SseStream;
import dev.toolgate.testing.TestGateway;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A reload that changes an endpoint's tools tells every open GET stream of that endpoint
 * ({@code notifications/tools/list_changed}); one that leaves the tools alone sends nothing. One that changes
 * the policies a GET stream was admitted through (an authentication plugin added) ends the endpoint's streams,
 * so that they are opened again through the policies served now.
 */
@Timeout(60)
class ToolsListChangedIT {

    static final String CHANGED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\"}";

    RestUpstream upstream;
    TestGateway gateway;

    String config(String alphaTools, String betaTools, String comment) {
        return """
                _format_version: "3.0"
                # %s
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: alpha
                        paths: [/alpha]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                %s
                      - name: beta
                        paths: [/beta]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                %s
                """.formatted(comment, upstream.url(), alphaTools, betaTools);
    }

    static String tool(String route, String name) {
        return "                    - {name: %s, description: Tool %s, method: GET, path: /%s/%s}".formatted(name, name, route, name);
    }

    @BeforeEach
    void start() {
        upstream = new RestUpstream();
        gateway = TestGateway.start(config(tool("alpha", "a1"), tool("beta", "b1"), "v1"), Map.of(), true);
    }

    @AfterEach
    void stop() {
        gateway.close();
        upstream.close();
    }

    private McpHttp session(String route) {
        McpHttp mcp = new McpHttp(gateway.proxy(route));
        mcp.initialize("2025-06-18");
        return mcp;
    }

    private static List<String> toolNames(McpHttp mcp) {
        List<String> names = new ArrayList<>();
        mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").json().at("/result/tools")
                .forEach(t -> names.add(t.get("name").asText()));
        return names;
    }

    private String hash() throws Exception {
        HttpResponse<String> status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(gateway.admin("/status")).build(),
                HttpResponse.BodyHandlers.ofString());
        return Json.MAPPER.readTree(status.body()).get("configuration_hash").asText();
    }

    private void post(String yaml) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(gateway.admin("/config"))
                .POST(HttpRequest.BodyPublishers.ofString(yaml)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private static void assertListChanged(SseStream stream) throws InterruptedException {
        String data = stream.nextData(Duration.ofSeconds(15));
        assertThat(data).as("an SSE data line on the GET stream").isNotNull();
        assertThat(data).isEqualTo(CHANGED);
        assertThat(stream.lines()).contains("event: message");
    }

    @Test
    void rewritingTheWatchedFileWithNewToolsNotifiesTheOpenStreamAndListingShowsThem() throws Exception {
        McpHttp mcp = session("/alpha");
        try (SseStream stream = SseStream.open(gateway.proxy("/alpha"), mcp.sessionId())) {
            assertThat(stream.status()).isEqualTo(200);
            gateway.rewrite(config(tool("alpha", "a1") + "\n" + tool("alpha", "a2"), tool("beta", "b1"), "v2"));
            assertListChanged(stream);
            assertThat(toolNames(mcp)).containsExactly("a1", "a2");
        }
    }

    @Test
    void postingAConfigWithChangedToolsNotifiesTheOpenStream() throws Exception {
        McpHttp mcp = session("/alpha");
        try (SseStream stream = SseStream.open(gateway.proxy("/alpha"), mcp.sessionId())) {
            post(config(tool("alpha", "renamed"), tool("beta", "b1"), "v2"));
            assertListChanged(stream);
            assertThat(toolNames(mcp)).containsExactly("renamed");
            JsonNode call = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"a1\",\"arguments\":{}}}").json();
            assertThat(call.at("/error/message").asText()).isEqualTo("Unknown tool: a1");
        }
    }

    @Test
    void aReconnectedGetStreamOfTheSessionEndsTheOldOneAndIsTheOneTold() throws Exception {
        McpHttp mcp = session("/alpha");
        try (SseStream old = SseStream.open(gateway.proxy("/alpha"), mcp.sessionId());
             SseStream reconnected = SseStream.open(gateway.proxy("/alpha"), mcp.sessionId())) {
            assertThat(reconnected.status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).until(old::ended);
            post(config(tool("alpha", "a1") + "\n" + tool("alpha", "a2"), tool("beta", "b1"), "v2"));
            assertListChanged(reconnected);
        }
    }

    @Test
    void reloadThatLeavesTheToolsAloneSendsNothing() throws Exception {
        McpHttp mcp = session("/alpha");
        try (SseStream stream = SseStream.open(gateway.proxy("/alpha"), mcp.sessionId())) {
            String before = hash();
            gateway.rewrite(config(tool("alpha", "a1"), tool("beta", "b1"), "only a comment changed"));
            await().atMost(Duration.ofSeconds(15)).until(() -> !hash().equals(before));
            assertThat(stream.nextData(Duration.ofSeconds(2))).as("no notification for unchanged tools").isNull();
            assertThat(stream.ended()).as("the stream stays open").isFalse();
            assertThat(toolNames(mcp)).containsExactly("a1");
        }
    }

    @Test
    void onlyStreamsOfTheEndpointWhoseToolsChangedAreNotified() throws Exception {
        McpHttp alpha = session("/alpha");
        McpHttp beta = session("/beta");
        try (SseStream alphaStream = SseStream.open(gateway.proxy("/alpha"), alpha.sessionId());
             SseStream betaStream = SseStream.open(gateway.proxy("/beta"), beta.sessionId())) {
            post(config(tool("alpha", "a1"), tool("beta", "b1") + "\n" + tool("beta", "b2"), "v2"));
            assertListChanged(betaStream);
            assertThat(alphaStream.nextData(Duration.ofSeconds(1))).isNull();
            assertThat(toolNames(beta)).containsExactly("b1", "b2");
            assertThat(toolNames(alpha)).containsExactly("a1");
        }
    }

    @Test
    void sessionsSurviveAReloadAndEveryStreamOfTheEndpointIsTold() throws Exception {
        McpHttp first = session("/alpha");
        McpHttp second = session("/alpha");
        try (SseStream one = SseStream.open(gateway.proxy("/alpha"), first.sessionId());
             SseStream two = SseStream.open(gateway.proxy("/alpha"), second.sessionId())) {
            post(config(tool("alpha", "a9"), tool("beta", "b1"), "v2"));
            assertListChanged(one);
            assertListChanged(two);
            assertThat(toolNames(first)).containsExactly("a9");
            assertThat(toolNames(second)).containsExactly("a9");
        }
    }

    @Test
    void officialSdkClientIsToldAndSeesTheNewTools() throws Exception {
        List<List<String>> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (McpSyncClient client = Sdk.connect(gateway.proxy("/alpha"), spec -> spec.toolsChangeConsumer(tools ->
                seen.add(tools.stream().map(McpSchema.Tool::name).toList())))) {
            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).containsExactly("a1");
            // the SDK opens its GET stream in the background; wait until the gateway counts it
            await().atMost(Duration.ofSeconds(10)).until(() -> openStreams() == 1);
            post(config(tool("alpha", "a1") + "\n" + tool("alpha", "sdk_new"), tool("beta", "b1"), "v2"));
            await().atMost(Duration.ofSeconds(15)).until(() -> seen.contains(List.of("a1", "sdk_new")));
            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).containsExactly("a1", "sdk_new");
        }
    }

    /** alpha behind key-auth, its tool a1 visible to the consumer groups {@code allowed} names. */
    String aclConfig(String allowed) {
        return """
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: alpha
                        paths: [/alpha]
                        plugins:
                          - name: key-auth
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              include_consumer_groups: true
                              tools:
                                - {name: a1, description: Tool a1, method: GET, path: /alpha/a1, acl: {allow: %s}}
                consumer_groups:
                  - name: admin
                  - name: ops
                consumers:
                  - {username: bob, groups: [{name: admin}], keyauth_credentials: [{key: bob-key}]}
                """.formatted(upstream.url(), allowed);
    }

    @Test
    void reloadThatChangesOnlyWhoMaySeeAToolNotifiesTheOpenStream() throws Exception {
        post(aclConfig("[admin]"));
        McpHttp bob = new McpHttp(gateway.proxy("/alpha"), Map.of("apikey", "bob-key"));
        bob.initialize("2025-06-18");
        assertThat(toolNames(bob)).containsExactly("a1");
        try (SseStream stream = SseStream.open(gateway.proxy("/alpha"), Map.of("accept", "text/event-stream",
                "mcp-session-id", bob.sessionId(), "apikey", "bob-key"))) {
            assertThat(stream.status()).isEqualTo(200);
            post(aclConfig("[ops]"));
            assertListChanged(stream);
            assertThat(toolNames(bob)).isEmpty();
        }
    }

    private SseStream bobsStream(McpHttp bob, String key) {
        SseStream stream = SseStream.open(gateway.proxy("/alpha"), Map.of("accept", "text/event-stream",
                "mcp-session-id", bob.sessionId(), "apikey", key));
        assertThat(stream.status()).isEqualTo(200);
        return stream;
    }

    @Test
    void anUnrelatedConsumerAddedLeavesBobsStreamOpenAndChangingBobsKeyEndsIt() throws Exception {
        post(aclConfig("[admin]"));
        McpHttp bob = new McpHttp(gateway.proxy("/alpha"), Map.of("apikey", "bob-key"));
        bob.initialize("2025-06-18");
        try (SseStream stream = bobsStream(bob, "bob-key")) {
            post(aclConfig("[admin]") + "  - {username: carol, keyauth_credentials: [{key: carol-key}]}\n");
            Thread.sleep(1_000);
            assertThat(stream.ended()).as("bob's stream goes on after carol is added").isFalse();
            post(aclConfig("[admin]").replace("bob-key", "bob-new-key"));
            await().atMost(Duration.ofSeconds(10)).until(stream::ended);
            assertThat(stream.lines()).as("told when to reopen it").contains("retry: " + Sessions.RECONNECT_AFTER_MS);
        }
    }

    /**
     * A listener on /guarded behind key-auth serving alpha's tools ({@code conversion-only}, tagged {@code team}),
     * with {@code defaultAcl} (YAML flow list) as its {@code default_acl}.
     */
    String listenerConfig(String defaultAcl) {
        return """
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: alpha
                        paths: [/alpha]
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [team]
                            config:
                              mode: conversion-only
                              tools:
                                - {name: a1, description: Tool a1, method: GET, path: /alpha/a1}
                routes:
                  - name: guarded
                    paths: [/guarded]
                    plugins:
                      - name: key-auth
                      - name: ai-mcp-proxy
                        config: {mode: listener, server: {tag: team}, default_acl: %s}
                consumers:
                  - {username: alice, keyauth_credentials: [{key: alice-key}]}
                  - {username: carol, keyauth_credentials: [{key: carol-key}]}
                """.formatted(upstream.url(), defaultAcl);
    }

    @Test
    void aListenersDefaultAclThatNowRefusesACallerEndsItsStream() throws Exception {
        post(listenerConfig("[]"));
        McpHttp carol = new McpHttp(gateway.proxy("/guarded"), Map.of("apikey", "carol-key"));
        carol.initialize("2025-06-18");
        try (SseStream stream = SseStream.open(gateway.proxy("/guarded"), Map.of("accept", "text/event-stream",
                "mcp-session-id", carol.sessionId(), "apikey", "carol-key"))) {
            assertThat(stream.status()).isEqualTo(200);
            post(listenerConfig("[{scope: tools, deny: [carol]}]"));
            await().atMost(Duration.ofSeconds(10)).until(stream::ended);
            assertThat(stream.lines()).as("told when to reopen it").contains("retry: " + Sessions.RECONNECT_AFTER_MS);
            assertThat(carol.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}").status())
                    .as("the listener refuses carol at connect now").isEqualTo(403);
        }
    }

    @Test
    void aCallerTheListenersDefaultAclNowRefusesCannotReopenItsStreamWhileAnAllowedCallerCan() throws Exception {
        post(listenerConfig("[]"));
        McpHttp carol = new McpHttp(gateway.proxy("/guarded"), Map.of("apikey", "carol-key"));
        carol.initialize("2025-06-18");
        McpHttp alice = new McpHttp(gateway.proxy("/guarded"), Map.of("apikey", "alice-key"));
        alice.initialize("2025-06-18");
        post(listenerConfig("[{scope: tools, deny: [carol]}]"));
        McpHttp.Response refusedPost = carol.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
        assertThat(refusedPost.status()).as(refusedPost.toString()).isEqualTo(403);

        // carol's session outlived the reload: her reconnect is what the default ACL must now refuse
        try (SseStream again = SseStream.open(gateway.proxy("/guarded"), Map.of("accept", "text/event-stream",
                "mcp-session-id", carol.sessionId(), "apikey", "carol-key"))) {
            assertThat(again.status()).as("carol's GET stream").isEqualTo(403);
            await().atMost(Duration.ofSeconds(10)).until(again::ended);
            assertThat(again.header("content-type")).isEqualTo(refusedPost.header("content-type"));
            JsonNode refused = Json.MAPPER.readTree(String.join("\n", again.lines()));
            assertThat(refused.path("error")).isEqualTo(refusedPost.json().path("error"));
            assertThat(refused.path("error").path("message").asText()).isEqualTo("You cannot consume this service");
            assertThat(refused.path("id").isNull()).as("a GET answers no request: " + refused).isTrue();
        }
        try (SseStream allowed = SseStream.open(gateway.proxy("/guarded"), Map.of("accept", "text/event-stream",
                "mcp-session-id", alice.sessionId(), "apikey", "alice-key"))) {
            assertThat(allowed.status()).as("alice's GET stream").isEqualTo(200);
            assertThat(allowed.header("content-type")).startsWith("text/event-stream");
        }
    }

    private int openStreams() throws Exception {
        HttpResponse<String> status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(gateway.admin("/status")).build(),
                HttpResponse.BodyHandlers.ofString());
        return Json.MAPPER.readTree(status.body()).at("/server/mcp_streams").asInt();
    }

    @Test
    void aReloadThatAddsKeyAuthToTheEndpointEndsItsStreamsAndTheReconnectMeetsIt() throws Exception {
        McpHttp alpha = session("/alpha");
        McpHttp beta = session("/beta");
        try (SseStream alphaStream = SseStream.open(gateway.proxy("/alpha"), alpha.sessionId());
             SseStream betaStream = SseStream.open(gateway.proxy("/beta"), beta.sessionId())) {
            // alpha's first plugin list gets key-auth; the tools stay as they were
            post(config(tool("alpha", "a1"), tool("beta", "b1"), "v2")
                    .replaceFirst("        plugins:\n", "        plugins:\n          - name: key-auth\n"));
            await().atMost(Duration.ofSeconds(10)).until(alphaStream::ended);
            assertThat(alphaStream.lines()).as("told when to reopen it").contains("retry: " + Sessions.RECONNECT_AFTER_MS);
            assertThat(betaStream.nextData(Duration.ofSeconds(1))).isNull();
            assertThat(betaStream.ended()).as("the unchanged endpoint's stream goes on").isFalse();
            try (SseStream again = SseStream.open(gateway.proxy("/alpha"), alpha.sessionId())) {
                assertThat(again.status()).isEqualTo(401);
            }
        }
    }

    @Test
    void removingTheEndpointEndsItsStreams() throws Exception {
        McpHttp alpha = session("/alpha");
        try (SseStream stream = SseStream.open(gateway.proxy("/alpha"), alpha.sessionId())) {
            post("""
                    _format_version: "3.0"
                    services:
                      - name: api
                        url: %s
                        routes:
                          - name: beta
                            paths: [/beta]
                            plugins:
                              - name: ai-mcp-proxy
                                config:
                                  mode: conversion-listener
                                  tools:
                    %s
                    """.formatted(upstream.url(), tool("beta", "b1").substring(4)));
            await().atMost(Duration.ofSeconds(10)).until(stream::ended);
            assertThat(stream.lines()).as("the endpoint is gone: nothing to reopen").noneMatch(l -> l.startsWith("retry:"));
        }
    }
}
