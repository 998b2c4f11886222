package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.gateway.Limits;
import dev.toolgate.http.ListenerLimits;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.JsonRpc;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.ModernHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The era bridge keeps each {@code input_required} round in the route's session store, which counts it
 * against the endpoint's cap on live sessions: when the store is full, the modern client is told so (the
 * gateway's 503 with Retry-After), not that the server failed. The gateway runs with a cap of one session
 * per endpoint; the legacy server is scripted: each call asks for an elicitation on a resumable stream.
 */
@Timeout(60)
class EraBridgeRoundsFullIT {

    static final String ASKS = "id: e1\ndata: {\"jsonrpc\":\"2.0\",\"id\":\"srv-1\",\"method\":\"elicitation/create\","
            + "\"params\":{\"message\":\"Name?\",\"requestedSchema\":{\"type\":\"object\",\"properties\":{}}}}\n\n";

    /** The upstream id of the last call the server was sent, which a resumed stream answers. */
    static final AtomicReference<JsonNode> lastCall = new AtomicReference<>();
    static RestUpstream legacyOnly;
    static TestGateway gateway;
    static Path logFile;

    @BeforeAll
    static void start() throws IOException {
        logFile = Files.createTempDirectory("file-log").resolve("toolgate.log");
        legacyOnly = new RestUpstream().onMessage("POST /mcp", EraBridgeRoundsFullIT::answer)
                .on("GET /mcp", EraBridgeRoundsFullIT::resumed);
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: legacy-only
                    url: %s/mcp
                    routes:
                      - name: legacy-only
                        paths: [/mcp]
                        plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener, logging: {log_statistics: true},
                                   server: {upstream_era: legacy}}}]
                      - name: limited
                        paths: [/limited]
                        plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener, tool_limits: {minute: 1},
                                   tools: [{name: confirm, description: Confirm}, {name: other, description: Other}],
                                   server: {upstream_era: legacy}}}]
                plugins:
                  - {name: file-log, config: {path: %s}}
                """.formatted(legacyOnly.url(), logFile), Map.of(), false, Map.of(),
                new Limits(ListenerLimits.DEFAULT, ListenerLimits.DEFAULT, 1, 100, 3_600, 1, 500, false, false, List.of()));
    }

    @AfterAll
    static void stop() {
        ScriptedLegacyServer.close(gateway, legacyOnly);
    }

    private static void answer(HttpServerRequest request, JsonNode message) {
        switch (message.path("method").asText()) {
            case "initialize" -> request.response().putHeader("content-type", "application/json")
                    .putHeader("mcp-session-id", "scripted-session").end(ScriptedLegacyServer.INITIALIZED.formatted(message.get("id")));
            case "tools/call" -> {
                lastCall.set(message.get("id"));
                request.response().setChunked(true).putHeader("content-type", "text/event-stream")
                        .write(ASKS);
            }
            default -> request.response().setStatusCode(202).end();
        }
    }

    /** The call's stream resumed after the question: the call's result. */
    private static void resumed(HttpServerRequest request) {
        ObjectNode done = JsonRpc.result(lastCall.get(), Json.object().set("content", Json.MAPPER.createArrayNode()
                .add(Json.object().put("type", "text").put("text", "confirmed"))));
        request.response().setChunked(true).putHeader("content-type", "text/event-stream")
                .end("id: e2\ndata: " + Json.text(done) + "\n\n");
    }

    @Test
    void aRetryThatAnswersTheServersQuestionIsNotCountedAgainAgainstTheToolsLimit() {
        ModernHttp modern = new ModernHttp(gateway.proxy("/limited"));
        String capabilities = ELICITATION;
        McpHttp.Response asked = confirmAsked(modern);

        McpHttp.Response retried = modern.request("tools/call", answering(asked, "confirm"), capabilities, Map.of());

        assertThat(retried.status()).as(retried.toString()).isEqualTo(200);
        assertConfirmed(retried);
        // a new call is still one more call: the limit of one a minute is spent
        McpHttp.Response again = modern.request("tools/call", "{\"name\":\"confirm\",\"arguments\":{}}",
                capabilities, Map.of());
        assertThat(again.json().at("/result/content/0/text").asText()).as(again.toString())
                .startsWith("Rate limit reached: tool 'confirm' allows 1 call per minute");
        // a retry is still the caller's: another caller cannot continue the call uncounted
        McpHttp.Response other = modern.request("tools/call", "{\"name\":\"other\",\"arguments\":{}}",
                capabilities, Map.of());
        McpHttp.Response stolen = modern.request("tools/call", answering(other, "other"), capabilities,
                Map.of("x-api-key", "someone-else"));
        assertThat(stolen.status()).as(stolen.toString()).isEqualTo(400);
        assertThat(stolen.json().at("/error/code").asInt()).isEqualTo(-32602);
    }

    @Test
    void aRequestStateTriedByAnotherCallerIsStillTheIssuedCallersToUse() {
        ModernHttp modern = new ModernHttp(gateway.proxy("/mcp"));
        McpHttp.Response asked = confirmAsked(modern);

        McpHttp.Response stolen = modern.request("tools/call", answering(asked, "confirm"), ELICITATION,
                Map.of("x-api-key", "someone-else"));
        McpHttp.Response retried = modern.request("tools/call", answering(asked, "confirm"), ELICITATION, Map.of());

        assertThat(stolen.status()).as(stolen.toString()).isEqualTo(400);
        assertConfirmed(retried);
    }

    private static final String ELICITATION = "{\"elicitation\":{\"form\":{}}}";

    /** A call of confirm, answered with the server's question as an input_required result. */
    private static McpHttp.Response confirmAsked(ModernHttp modern) {
        McpHttp.Response asked = modern.request("tools/call", "{\"name\":\"confirm\",\"arguments\":{}}",
                ELICITATION, Map.of());
        assertThat(asked.json().at("/result/resultType").asText()).as(asked.toString()).isEqualTo("input_required");
        return asked;
    }

    private static void assertConfirmed(McpHttp.Response retried) {
        assertThat(retried.json().at("/result/resultType").asText()).as(retried.toString()).isEqualTo("complete");
        assertThat(retried.json().at("/result/content/0/text").asText()).isEqualTo("confirmed");
    }

    /** The params of {@code tool}'s retry: its requestState, and an empty answer to each of its input requests. */
    static String answering(McpHttp.Response asked, String tool) {
        JsonNode result = asked.json().get("result");
        ObjectNode params = Json.object().put("name", tool);
        params.putObject("arguments");
        ObjectNode responses = params.putObject("inputResponses");
        result.path("inputRequests").properties().forEach(input -> responses.putObject(input.getKey())
                .put("action", "accept").putObject("content"));
        params.put("requestState", result.path("requestState").asText());
        return Json.text(params);
    }

    @Test
    void aRoundTheFullStoreCannotKeepIsTheGatewaysRefusalNotTheServersFailure() {
        ModernHttp modern = new ModernHttp(gateway.proxy("/mcp"));
        String call = "{\"name\":\"confirm\",\"arguments\":{}}";
        String capabilities = "{\"elicitation\":{\"form\":{}}}";
        McpHttp.Response first = modern.request("tools/call", call, capabilities, Map.of());
        assertThat(first.json().at("/result/resultType").asText()).as(first.toString()).isEqualTo("input_required");

        McpHttp.Response second = modern.request("tools/call", call, capabilities, Map.of());

        assertThat(second.status()).as(second.toString()).isEqualTo(503);
        assertThat(second.header("retry-after")).isNotNull();
        assertThat(second.json().path("id").isNull()).as("the error names the request it answers").isFalse();
        assertThat(second.json().at("/error/message").asText()).contains("live sessions").doesNotContain("legacy-only");
        // the refused call is logged with the error its client got, not as an answer that went missing
        JsonNode[] entry = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(logFile) && Files.readAllLines(logFile).stream()
                .map(EraBridgeRoundsFullIT::parse).filter(e -> e.path("response").path("status").asInt() == 503)
                .map(e -> e.path("ai").path("mcp").path("rpc").path(0))
                .filter(r -> r.path("method").asText().equals("tools/call")).peek(r -> entry[0] = r)
                .findFirst().isPresent());
        assertThat(entry[0].path("error").asText()).isEqualTo(second.json().at("/error/message").asText());
    }

    private static JsonNode parse(String line) {
        try {
            return Json.parse(line.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(line, e);
        }
    }
}
