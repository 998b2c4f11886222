package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.ModernHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code listener} is the MCP server calling the tools it serves, so its own settings apply to those calls
 * (Kong's listener example sets {@code server.timeout} there): its written {@code server.timeout} replaces the
 * tool set's, client headers go upstream only when both it and the tool set allow it, its {@code tool_limits}
 * count every call it serves, and its {@code default_acl} must be passed besides each tool's own ACL. Tools
 * of its own, which Kong's listener has none of, are refused at their path.
 */
@Timeout(60)
class ListenerServerSettingsIT {

    static RestUpstream api;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        api = new RestUpstream().json("GET /api/echo", 200, "{\"ok\":true}")
                .json("GET /api/users", 200, "[{\"id\":\"u1\"}]");
        api.on("GET /api/slow", request -> api.vertx().setTimer(1000, t -> request.response()
                .putHeader("content-type", "application/json").end("{\"slow\":true}")));
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: api-route
                        paths: [/api]
                        strip_path: false
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [team-tools]
                            config:
                              mode: conversion-only
                              server: {timeout: 200}
                              tools:
                                - {name: echo, description: Echo, method: GET, path: /api/echo}
                                - {name: slow, description: Slow, method: GET, path: /api/slow}
                                - {name: users, description: Users, method: GET, path: /api/users, acl: {allow: [admin, developer]}}
                                - name: session
                                  description: Session
                                  method: GET
                                  path: /api/echo
                                  parameters: [{name: session_id, in: cookie, required: false, schema: {type: string}}]
                      - name: sealed-route
                        paths: [/sealed-api]
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [team-tools]
                            config:
                              mode: conversion-only
                              server: {forward_client_headers: false}
                              tools:
                                - name: sealed_session
                                  description: Session
                                  method: GET
                                  path: /sealed-api/api/echo
                                  parameters: [{name: session_id, in: cookie, required: false, schema: {type: string}}]
                routes:
                  - name: patient
                    paths: [/mcp-patient]
                    plugins:
                      - {name: ai-mcp-proxy, config: {mode: listener, server: {tag: team-tools, timeout: 5000}}}
                  - name: plain
                    paths: [/mcp-plain]
                    plugins:
                      - {name: ai-mcp-proxy, config: {mode: listener, server: {tag: team-tools}}}
                  - name: sealed
                    paths: [/mcp-sealed]
                    plugins:
                      - {name: ai-mcp-proxy, config: {mode: listener, server: {tag: team-tools, forward_client_headers: false}}}
                  - name: limited
                    paths: [/mcp-limited]
                    plugins:
                      - {name: ai-mcp-proxy, config: {mode: listener, server: {tag: team-tools}, tool_limits: {minute: 1}}}
                  - name: guarded
                    paths: [/mcp-guarded]
                    plugins:
                      - name: key-auth
                      - name: ai-mcp-proxy
                        config:
                          mode: listener
                          include_consumer_groups: true
                          server: {tag: team-tools}
                          default_acl: [{scope: tools, deny: [developer]}]
                consumer_groups:
                  - name: admin
                  - name: developer
                consumers:
                  - {username: alice, groups: [{name: admin}], keyauth_credentials: [{key: alice-key}]}
                  - {username: bob, groups: [{name: developer}], keyauth_credentials: [{key: bob-key}]}
                  - {username: carol, keyauth_credentials: [{key: carol-key}]}
                """.formatted(api.url()));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (api != null) {
            api.close();
        }
    }

    @BeforeEach
    void forget() {
        api.clear();
    }

    @Test
    void aListenersWrittenTimeoutReplacesTheToolSetsForTheCallsItServes() {
        JsonNode result = session("/mcp-patient", Map.of()).call("slow", "{}");
        assertThat(result.path("isError").asBoolean()).as(result.toString()).isFalse();
        assertThat(result.toString()).contains("slow");
    }

    @Test
    void aListenerThatWritesNoTimeoutLeavesTheToolSetsOwn() {
        JsonNode result = session("/mcp-plain", Map.of()).call("slow", "{}");
        assertThat(result.path("isError").asBoolean()).isTrue();
        assertThat(result.toString()).contains("within 200 ms");
    }

    @Test
    void aListenerThatForwardsNoClientHeadersKeepsTheClientsTokenFromEveryToolUpstream() {
        Map<String, String> client = Map.of("authorization", "Bearer CLIENTTOKEN", "x-secret", "s");
        assertThat(session("/mcp-sealed", client).call("echo", "{}").path("isError").asBoolean()).isFalse();
        RestUpstream.Received sealed = api.next();
        assertThat(sealed.header("authorization")).isNull();
        assertThat(sealed.header("x-secret")).isNull();

        // the tool set and a listener leaving the default both forward them (Kong's default)
        assertThat(session("/mcp-plain", client).call("echo", "{}").path("isError").asBoolean()).isFalse();
        assertThat(api.next().header("authorization")).isEqualTo("Bearer CLIENTTOKEN");
    }

    @Test
    void aListenerThatForwardsNoClientHeadersFillsNoCookieParameterFromItsClientsCookies() {
        McpHttp sealed = session("/mcp-sealed", Map.of("cookie", "session_id=LISTENER-SSO; other=x"));
        assertThat(sealed.call("session", "{}").path("isError").asBoolean()).isFalse();
        assertThat(api.next().header("cookie")).isNull();

        // what the model passes still fills it
        assertThat(sealed.call("session", "{\"cookie_session_id\":\"given\"}").path("isError").asBoolean()).isFalse();
        assertThat(api.next().header("cookie")).isEqualTo("session_id=given");
    }

    @Test
    void aToolSetThatForwardsNoClientHeadersHasNoCookieParameterFilledFromAListenersClientThoughTheListenerForwards() {
        McpHttp plain = session("/mcp-plain", Map.of("cookie", "session_id=LISTENER-SSO"));
        assertThat(plain.call("sealed_session", "{}").path("isError").asBoolean()).isFalse();
        assertThat(api.next().header("cookie")).isNull();

        // both forwarding: the client's cookie fills the parameter, as Kong does
        assertThat(plain.call("session", "{}").path("isError").asBoolean()).isFalse();
        assertThat(api.next().header("cookie")).isEqualTo("session_id=LISTENER-SSO");
    }

    @Test
    void aListenersToolLimitsCountTheCallsItServes() throws InterruptedException {
        McpHttp mcp = session("/mcp-limited", Map.of());
        assertThat(mcp.call("echo", "{}").path("isError").asBoolean()).isFalse();
        api.next();
        JsonNode second = mcp.call("echo", "{}");
        assertThat(second.path("isError").asBoolean()).isTrue();
        assertThat(second.path("content").get(0).path("text").asText())
                .startsWith("Rate limit reached: tool 'echo' allows 1 call per minute per caller.");
        assertThat(api.quiet(Duration.ofMillis(200))).as("the limited call reached the API").isTrue();
        // another listener serving the same tool counts its own calls
        assertThat(session("/mcp-plain", Map.of()).call("echo", "{}").path("isError").asBoolean()).isFalse();
    }

    @Test
    void aCallerTheListenersDefaultAclDeniesIsRefusedEveryToolThoughTheToolsOwnAclAllowsIt()
            throws InterruptedException {
        // Kong's 403 at connect: the listener's deny refuses bob every tool, so every request
        McpHttp bob = new McpHttp(gateway.proxy("/mcp-guarded"), Map.of("apikey", "bob-key"));
        assertThat(bob.initialize("2025-06-18").status()).isEqualTo(403);
        McpHttp.Response call = new ModernHttp(gateway.proxy("/mcp-guarded"), Map.of("apikey", "bob-key"))
                .request("tools/call", "{\"name\":\"users\",\"arguments\":{}}");
        assertThat(call.status()).isEqualTo(403);
        assertThat(api.quiet(Duration.ofMillis(200))).as("bob's call reached the API").isTrue();
    }

    @Test
    void callersTheListenerLetsThroughStillMeetEachToolsOwnAcl() {
        assertThat(names("alice-key")).containsExactly("echo", "slow", "users", "session", "sealed_session");
        // carol is in no group: the listener denies her nothing, the users tool allows only admins and developers
        assertThat(names("carol-key")).containsExactly("echo", "slow", "session", "sealed_session");
    }

    @Test
    void aListenerWithToolsOfItsOwnIsRefusedAtTheirPathSayingWhereToDefineThem() {
        String file = """
                _format_version: "3.0"
                routes:
                  - name: listener
                    paths: [/mcp-listener]
                    plugins:
                      - name: ai-mcp-proxy
                        config:
                          mode: listener
                          server: {tag: team-tools}
                          tools:
                            - {description: extra, method: GET, path: /x, acl: {deny: [developer]}}
                """;
        AdminHttp.Response response = new AdminHttp(gateway).send("POST", "/config", "application/yaml",
                file.getBytes(StandardCharsets.UTF_8));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("problems")).extracting(JsonNode::asText).containsExactly(
                "routes[0].plugins[0].config.tools: a listener serves the tools of the plugins tagged with its "
                        + "server.tag and defines none: define these on a conversion-only plugin with tags: "
                        + "[team-tools] (their acl and limit travel with them), or limit every tool the listener "
                        + "serves with its default_acl and tool_limits");
    }

    private static List<String> names(String key) {
        McpHttp caller = session("/mcp-guarded", Map.of("apikey", key));
        JsonNode tools = caller.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}").json()
                .path("result").path("tools");
        return tools.findValuesAsText("name");
    }

    private static McpHttp session(String path, Map<String, String> headers) {
        McpHttp mcp = new McpHttp(gateway.proxy(path), headers);
        assertThat(mcp.initialize("2025-06-18").status()).isEqualTo(200);
        return mcp;
    }
}
