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

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stateless legacy server (its initialize answer names no session) behind the era bridge: a call it asks
 * a question in goes on over rounds without ever naming a session to it. The server is scripted: each call asks
 * for an elicitation on a resumable stream, and the resumed stream carries the result.
 */
@Timeout(60)
class EraBridgeStatelessServerIT {

    static final AtomicReference<JsonNode> lastCall = new AtomicReference<>();
    /** Each request the server got, as "METHOD session-header" ("-" when none). */
    static final List<String> received = new CopyOnWriteArrayList<>();
    static RestUpstream stateless;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        stateless = new RestUpstream().onMessage("POST /mcp", EraBridgeStatelessServerIT::answer)
                .on("GET /mcp", EraBridgeStatelessServerIT::resumed);
        gateway = TestGateway.start(ScriptedLegacyServer.route(stateless, ""));
    }

    @AfterAll
    static void stop() {
        ScriptedLegacyServer.close(gateway, stateless);
    }

    private static void answer(HttpServerRequest request, JsonNode message) {
        record(request);
        switch (message.path("method").asText()) {
            case "initialize" -> request.response().putHeader("content-type", "application/json")
                    .end(ScriptedLegacyServer.INITIALIZED.formatted(message.get("id")));
            case "tools/call" -> {
                lastCall.set(message.get("id"));
                request.response().setChunked(true).putHeader("content-type", "text/event-stream")
                        .write(EraBridgeRoundsFullIT.ASKS);
            }
            default -> request.response().setStatusCode(202).end();
        }
    }

    private static void resumed(HttpServerRequest request) {
        record(request);
        if (request.getHeader("last-event-id") == null) {
            request.response().setStatusCode(405).end(); // no standalone stream: nothing to ask outside a call
            return;
        }
        ObjectNode done = JsonRpc.result(lastCall.get(), Json.object().set("content", Json.MAPPER.createArrayNode()
                .add(Json.object().put("type", "text").put("text", "confirmed"))));
        request.response().setChunked(true).putHeader("content-type", "text/event-stream")
                .end("id: e2\ndata: " + Json.text(done) + "\n\n");
    }

    private static void record(HttpServerRequest request) {
        String session = request.getHeader("mcp-session-id");
        received.add(request.method().name() + " " + (session == null ? "-" : session));
    }

    @Test
    void aResumedRoundNamesNoSessionToAServerThatGaveNone() {
        ModernHttp modern = new ModernHttp(gateway.proxy("/mcp"));
        String elicitation = "{\"elicitation\":{\"form\":{}}}";
        McpHttp.Response asked = modern.request("tools/call", "{\"name\":\"confirm\",\"arguments\":{}}",
                elicitation, Map.of());
        assertThat(asked.json().at("/result/resultType").asText()).as(asked.toString()).isEqualTo("input_required");

        McpHttp.Response retried = modern.request("tools/call", EraBridgeRoundsFullIT.answering(asked, "confirm"),
                elicitation, Map.of());

        assertThat(retried.json().at("/result/content/0/text").asText()).as(retried.toString())
                .isEqualTo("confirmed");
        assertThat(received).isNotEmpty().allSatisfy(request -> assertThat(request).endsWith(" -"));
    }
}
