package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A round's state carries the server's ids (its session, the last event's, up to 1,024 bytes each, and its
 * question's), which a server may make long. With sessions sealed into their ids ({@code strategy: client}, as with {@code redis}), a state past the
 * 2,048 characters kept of a client's capabilities still reaches its retry whole; one no store can carry is refused
 * when the server asks, not issued to fail at the retry.
 */
@Timeout(60)
class EraBridgeLongRoundStateIT {

    static final AtomicReference<JsonNode> lastCall = new AtomicReference<>();
    /** The id of the server's question, which the round's state keeps to answer it. */
    static final AtomicReference<String> questionId = new AtomicReference<>();
    static RestUpstream legacyOnly;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        legacyOnly = new RestUpstream().onMessage("POST /mcp", EraBridgeLongRoundStateIT::answer)
                .on("GET /mcp", EraBridgeLongRoundStateIT::resumed);
        gateway = TestGateway.start(ScriptedLegacyServer.route(legacyOnly,
                "session: {strategy: client, client: {secrets: [a-secret-for-rounds]}}"));
    }

    @AfterAll
    static void stop() {
        ScriptedLegacyServer.close(gateway, legacyOnly);
    }

    private static void answer(HttpServerRequest request, JsonNode message) {
        switch (message.path("method").asText()) {
            case "initialize" -> request.response().putHeader("content-type", "application/json")
                    .putHeader("mcp-session-id", "scripted-session")
                    .end(ScriptedLegacyServer.INITIALIZED.formatted(message.get("id")));
            case "tools/call" -> {
                lastCall.set(message.get("id"));
                request.response().setChunked(true).putHeader("content-type", "text/event-stream")
                        .write(EraBridgeRoundsFullIT.ASKS.replace("id: e1", "id: " + "e".repeat(1_000))
                                .replace("srv-1", questionId.get()));
            }
            default -> request.response().setStatusCode(202).end();
        }
    }

    private static void resumed(HttpServerRequest request) {
        ObjectNode done = JsonRpc.result(lastCall.get(), Json.object().set("content", Json.MAPPER.createArrayNode()
                .add(Json.object().put("type", "text").put("text", "confirmed"))));
        request.response().setChunked(true).putHeader("content-type", "text/event-stream")
                .end("id: e2\ndata: " + Json.text(done) + "\n\n");
    }

    private static final String ELICITATION = "{\"elicitation\":{\"form\":{}}}";
    private static final String CALL = "{\"name\":\"confirm\",\"arguments\":{}}";

    @Test
    void aRoundWhoseStateIsLongerThan2048CharactersIsContinuedByItsRetry() {
        questionId.set("q".repeat(1_500));
        ModernHttp modern = new ModernHttp(gateway.proxy("/mcp"));
        McpHttp.Response asked = modern.request("tools/call", CALL, ELICITATION, Map.of());
        assertThat(asked.json().at("/result/resultType").asText()).as(asked.toString()).isEqualTo("input_required");

        McpHttp.Response retried = modern.request("tools/call", answering(asked), ELICITATION, Map.of());

        assertThat(retried.json().at("/result/resultType").asText()).as(retried.toString()).isEqualTo("complete");
        assertThat(retried.json().at("/result/content/0/text").asText()).isEqualTo("confirmed");
    }

    @Test
    void aRoundWhoseStateNoStoreCanCarryIsRefusedWhenTheServerAsksSayingWhy() {
        questionId.set("q".repeat(6_000));
        ModernHttp modern = new ModernHttp(gateway.proxy("/mcp"));

        McpHttp.Response asked = modern.request("tools/call", CALL, ELICITATION, Map.of());

        assertThat(asked.json().has("error") || asked.json().at("/result/isError").asBoolean())
                .as(asked.toString()).isTrue();
        assertThat(asked.body()).contains("too long to continue the call").doesNotContain("requestState\":\"");
    }

    private static String answering(McpHttp.Response asked) {
        JsonNode result = asked.json().get("result");
        ObjectNode params = Json.object().put("name", "confirm");
        params.putObject("arguments");
        ObjectNode responses = params.putObject("inputResponses");
        result.path("inputRequests").properties().forEach(input -> responses.putObject(input.getKey())
                .put("action", "accept").putObject("content"));
        params.put("requestState", result.path("requestState").asText());
        return Json.text(params);
    }
}
