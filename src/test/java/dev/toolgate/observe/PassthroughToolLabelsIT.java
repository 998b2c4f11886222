package dev.toolgate.observe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.EverythingServer;
import dev.toolgate.testing.JavaSdkServer;
import dev.toolgate.testing.KongHowTos;
import dev.toolgate.testing.LiveFeed;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RawHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Which tool names a passthrough route's metrics give a series of their own. Each series lives as long as
 * the gateway and a client chooses the names it calls, so a name needs evidence that the tool exists: the
 * configuration names it, the server listed it, or a call to it succeeded. A refusal is no evidence (the
 * default ACL judges every name), nor is a tool error: the TypeScript SDK's servers answer a tool they do
 * not have with {@code isError: true}.
 */
@Timeout(90)
class PassthroughToolLabelsIT {

    private AutoCloseable server;
    private TestGateway gateway;

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void madeUpNamesTheServerAnswersWithToolErrorsStayOutOfTheLabelsWhileAListedToolThatFailsGetsItsOwn() {
        EverythingServer everything = EverythingServer.start();
        server = everything;
        gateway = TestGateway.start(everythingRoute(everything));
        McpHttp client = new McpHttp(gateway.proxy("/mcp"));
        client.initialize("2025-06-18");
        for (int i = 0; i < 20; i++) {
            McpHttp.Response answer = client.post(call(i + 1, "made_up_" + i, "{}"));
            assertThat(answer.body()).as("the server's answer to a tool it lacks").contains("\"isError\":true");
        }
        McpHttp.Response unlisted = client.post(call(50, "echo", "{}"));
        assertThat(unlisted.body()).as("echo without its message fails").contains("\"isError\":true");
        assertThat(toolLabels()).doesNotContain("echo").noneMatch(t -> t.startsWith("made_up_")).contains("(other)");

        client.post("{\"jsonrpc\":\"2.0\",\"id\":60,\"method\":\"tools/list\"}");
        client.post(call(61, "echo", "{}"));

        assertThat(toolLabels()).contains("echo").noneMatch(t -> t.startsWith("made_up_"));
    }

    @Test
    void aFreshGatewayWhoseFirstToolCallsAllFailCountsTheirErrorsUnderToolsCall() {
        RestUpstream failing = new RestUpstream();
        server = failing;
        failing.onMessage("POST /mcp", (request, message) -> request.response().putHeader("content-type",
                "application/json").end("{\"jsonrpc\":\"2.0\",\"id\":" + message.get("id")
                + ",\"error\":{\"code\":-32603,\"message\":\"backend down\"}}"));
        gateway = TestGateway.start(everythingRoute(failing.url() + "/mcp"));
        McpHttp client = new McpHttp(gateway.proxy("/mcp"));
        client.sessionId("s-1");
        for (int i = 0; i < 3; i++) {
            assertThat(client.post(call(i + 1, "echo", "{}")).body()).contains("-32603");
        }

        List<String> errors = metrics().filter(l -> l.startsWith("kong_ai_mcp_error_total{")).toList();
        assertThat(errors).as("no call has succeeded yet").anyMatch(l -> l.contains("method=\"tools/call\"")
                && l.endsWith(" 3.0"));
        assertThat(errors).noneMatch(l -> l.contains("method=\"(other)\""));
    }

    @Test
    void toolsTheServerListedBeforeAReloadAreStillKnownAfterIt() {
        EverythingServer everything = EverythingServer.start();
        server = everything;
        String config = everythingRoute(everything);
        gateway = TestGateway.start(config);
        McpHttp client = new McpHttp(gateway.proxy("/mcp"));
        client.initialize("2025-06-18");
        client.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");

        // the session outlives the reload; its client does not list again
        AdminHttp admin = new AdminHttp(gateway);
        String before = admin.hash();
        AdminHttp.Response reloaded = admin.postConfig(config.replace("paths: [/mcp]",
                "paths: [/mcp]\n        tags: [reloaded]"));
        assertThat(reloaded.status()).as(reloaded.toString()).isLessThan(300);
        assertThat(admin.hash()).isNotEqualTo(before);
        McpHttp.Response failed = client.post(call(2, "echo", "{}"));

        assertThat(failed.body()).contains("\"isError\":true");
        assertThat(toolLabels()).contains("echo");
    }

    @Test
    void madeUpNamesTheDefaultAclDeniesAreCountedWithoutBecomingToolLabels() {
        JavaSdkServer java = JavaSdkServer.start();
        server = java;
        gateway = TestGateway.start(KongHowTos.passthroughAcls(java.mcp().toString()).replace(
                "plugins:\n  - name: key-auth", "plugins:\n  - name: prometheus\n    config: {ai_metrics: true}\n  - name: key-auth"));
        // eason is in no group: the default ACL (developers and admins) denies him every name it judges
        McpHttp eason = new McpHttp(gateway.proxy("/mcp"), KongHowTos.apiKey("eason"));
        eason.initialize("2025-06-18");
        for (int i = 0; i < 20; i++) {
            McpHttp.Response refused = eason.post(call(i + 1, "made_up_" + i, "{}"));
            assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
        }
        // list_users has its own ACL, which allows eason by name: the server decides what the call gets
        eason.post(call(99, "list_users", "{}"));

        List<String> acl = metrics().filter(l -> l.startsWith("kong_ai_mcp_acl_")).toList();
        assertThat(acl).noneMatch(l -> l.contains("made_up_"));
        assertThat(acl).anyMatch(l -> l.startsWith("kong_ai_mcp_acl_denied_total{")
                && l.contains("primitive_name=\"(other)\"") && l.endsWith(" 20.0"));
        assertThat(acl).anyMatch(l -> l.startsWith("kong_ai_mcp_acl_allowed_total{")
                && l.contains("primitive_name=\"list_users\""));
    }

    @Test
    void aBatchThatRepeatsAnIdCountsEachCallsAclDecisionUnderItsOwnToolAndPassesItsAnswersAsSentLeftUnattributed() {
        RestUpstream scripted = new RestUpstream();
        server = scripted;
        // the server answers the second call first (JSON-RPC lets a batch's answers come in any order)
        String answers = "[{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32602,\"message\":\"Unknown tool\"}},"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"ann\"}]}}]";
        scripted.onBody("POST /mcp", (request, body) -> request.response().putHeader("content-type", "application/json")
                .end(answers));
        gateway = TestGateway.start(KongHowTos.passthroughAcls(scripted.url() + "/mcp").replace(
                "plugins:\n  - name: key-auth", "plugins:\n  - name: prometheus\n    config: {ai_metrics: true}\n  - name: key-auth"));
        // bob is a developer: get_user's ACL allows him, list_users's denies him (403 for the whole batch)
        McpHttp bob = new McpHttp(gateway.proxy("/mcp"), KongHowTos.apiKey("bob"));
        McpHttp.Response refused = bob.post("[" + call(1, "get_user", "{}") + "," + call(1, "list_users", "{}") + "]");
        assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
        // the default ACL lets him call a name it does not know; the server answers it with -32602
        McpHttp.Response answered = bob.post("[" + call(2, "get_user", "{}") + "," + call(2, "made_up_twin", "{}") + "]");
        assertThat(answered.body()).as("the client gets the server's answers as they were sent").isEqualTo(answers);

        // the decisions are counted as the exchange's events are told, which may be just after the client has its answer
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<String> acl = metrics().filter(l -> l.startsWith("kong_ai_mcp_acl_")).toList();
            assertThat(acl).as("get_user was allowed both times").anyMatch(l -> l.startsWith("kong_ai_mcp_acl_allowed_total{")
                    && l.contains("primitive_name=\"get_user\"") && l.endsWith(" 2.0"));
            assertThat(acl).noneMatch(l -> l.startsWith("kong_ai_mcp_acl_denied_total{") && l.contains("\"get_user\""));
            assertThat(acl).anyMatch(l -> l.startsWith("kong_ai_mcp_acl_denied_total{")
                    && l.contains("primitive_name=\"list_users\"") && l.endsWith(" 1.0"));
            assertThat(acl).anyMatch(l -> l.startsWith("kong_ai_mcp_acl_allowed_total{")
                    && l.contains("primitive_name=\"(other)\"") && l.endsWith(" 1.0"));
        });
        // which answer was whose is not known: neither call is given the other's outcome
        for (String tool : List.of("get_user", "made_up_twin")) {
            JsonNode event = LiveFeed.event(gateway, e -> tool.equals(e.path("tool").asText()) && e.path("id").asText().equals("2"));
            assertThat(event.path("acl").asText()).as(event.toString()).isEqualTo("allow");
            assertThat(event.path("error_type").asText()).as(event.toString()).isEqualTo("unattributed");
        }
        assertThat(toolLabels()).noneMatch(t -> t.startsWith("made_up_"));
    }

    @Test
    void madeUpNamesWhoseCallsGoUnansweredStayOutOfTheLabelsAndReadAsUnansweredOnThePage() {
        RestUpstream slow = new RestUpstream();
        server = slow;
        // answers after the caller has hung up, or opens an SSE answer and ends it without the answer
        slow.onMessage("POST /mcp", (request, message) -> {
            String tool = message.path("params").path("name").asText();
            if (tool.startsWith("hung_up_")) {
                slow.vertx().setTimer(1_500, t -> request.response().putHeader("content-type", "application/json")
                        .end("{\"jsonrpc\":\"2.0\",\"id\":" + message.get("id") + ",\"result\":{\"content\":[]}}"));
            } else {
                request.response().putHeader("content-type", "text/event-stream").end();
            }
        });
        gateway = TestGateway.start(everythingRoute(slow.url() + "/mcp"));
        URI mcp = gateway.proxy("/mcp");
        for (int i = 0; i < 5; i++) {
            RawHttp.postAndHangUp(mcp, "s-1", call(i + 1, "hung_up_" + i, "{}"), 200);
        }
        McpHttp client = new McpHttp(mcp);
        client.sessionId("s-1");
        for (int i = 0; i < 5; i++) {
            assertThat(client.post(call(10 + i, "stream_ended_" + i, "{}")).status()).isEqualTo(200);
        }

        JsonNode hungUp = LiveFeed.event(gateway, e -> "hung_up_4".equals(e.path("tool").asText()));
        JsonNode ended = LiveFeed.event(gateway, e -> "stream_ended_4".equals(e.path("tool").asText()));
        assertThat(hungUp.path("status").asText()).as(hungUp.toString()).isEqualTo("error");
        assertThat(hungUp.path("error_type").asText()).as(hungUp.toString()).isEqualTo("unanswered");
        assertThat(ended.path("status").asText()).as(ended.toString()).isEqualTo("error");
        assertThat(ended.path("error_type").asText()).as(ended.toString()).isEqualTo("unanswered");
        assertThat(toolLabels()).noneMatch(t -> t.startsWith("hung_up_") || t.startsWith("stream_ended_"))
                .contains("(other)");
    }

    @Test
    void anAnswerInAnSseEventTooLargeToReadIsNotCountedAsUnanswered() {
        RestUpstream big = new RestUpstream();
        server = big;
        String text = "x".repeat(9 * 1024 * 1024);
        big.onMessage("POST /mcp", (request, message) -> request.response().putHeader("content-type", "text/event-stream")
                .end("data: {\"jsonrpc\":\"2.0\",\"id\":" + message.get("id") + ",\"result\":{\"content\":"
                        + "[{\"type\":\"text\",\"text\":\"" + text + "\"}]}}\n\n"));
        gateway = TestGateway.start(everythingRoute(big.url() + "/mcp"));
        McpHttp client = new McpHttp(gateway.proxy("/mcp"));
        client.sessionId("s-1");

        McpHttp.Response answer = client.post(call(1, "big_answer", "{}"));

        assertThat(answer.body().length()).as("the client got the whole answer").isGreaterThan(text.length());
        JsonNode event = LiveFeed.event(gateway, e -> "big_answer".equals(e.path("tool").asText()));
        assertThat(event.path("error_type").asText()).as(event.toString()).isNotEqualTo("unanswered");
    }

    /** A passthrough route in front of server-everything, with Prometheus and the route's statistics on. */
    private static String everythingRoute(EverythingServer everything) {
        return everythingRoute(everything.mcp().toString());
    }

    private static String everythingRoute(String url) {
        return """
                _format_version: "3.0"
                plugins:
                  - name: prometheus
                    config: {ai_metrics: true}
                services:
                  - name: everything
                    url: %s
                    routes:
                      - name: everything-mcp
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener, logging: {log_statistics: true}}
                """.formatted(url);
    }

    private static String call(int id, String tool, String arguments) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":" + arguments + "}}";
    }

    private java.util.stream.Stream<String> metrics() {
        return new AdminHttp(gateway).get("/metrics").body().lines();
    }

    /** The tool_name values of the MCP latency series. */
    private List<String> toolLabels() {
        return metrics().filter(l -> l.startsWith("kong_ai_mcp_latency_ms_count{"))
                .map(l -> l.replaceAll(".*tool_name=\"([^\"]*)\".*", "$1")).filter(t -> !t.startsWith("kong_")).toList();
    }
}
