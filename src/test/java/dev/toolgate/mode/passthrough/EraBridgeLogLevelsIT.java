package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.ModernHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The log messages the era bridge relays to a modern client: a legacy server logs at whatever level it was set
 * to, and the client asked for one in its request's {@code _meta}. The scripted legacy server (EraBridgeUpstream-
 * SessionsIT's, with a call) answers a call with one message at each RFC 5424 level, then the result.
 */
@Timeout(60)
class EraBridgeLogLevelsIT {

    static final List<String> LEVELS = List.of("debug", "info", "notice", "warning", "error", "critical", "alert",
            "emergency");

    static RestUpstream legacyOnly;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        legacyOnly = new RestUpstream().onMessage("POST /mcp", EraBridgeLogLevelsIT::answer)
                .on("DELETE /mcp", request -> request.response().setStatusCode(200).end());
        gateway = TestGateway.start(ScriptedLegacyServer.route(legacyOnly, ""));
    }

    @AfterAll
    static void stop() {
        ScriptedLegacyServer.close(gateway, legacyOnly);
    }

    private static void answer(HttpServerRequest request, JsonNode message) {
        switch (message.path("method").asText()) {
            case "initialize" -> request.response().putHeader("content-type", "application/json")
                    .putHeader("mcp-session-id", "logs").end(ScriptedLegacyServer.INITIALIZED.formatted(message.get("id")));
            case "tools/call" -> {
                StringBuilder events = new StringBuilder();
                for (String level : LEVELS) {
                    events.append("data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"level\":\"")
                            .append(level).append("\",\"data\":\"at ").append(level).append("\"}}\n\n");
                }
                events.append("data: {\"jsonrpc\":\"2.0\",\"id\":").append(message.get("id"))
                        .append(",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"done\"}]}}\n\n");
                request.response().putHeader("content-type", "text/event-stream").end(events.toString());
            }
            default -> request.response().setStatusCode(202).end();
        }
    }

    @ParameterizedTest(name = "asked {0}")
    @CsvSource({"debug, debug info notice warning error critical alert emergency", "warning, warning error critical alert emergency",
            "emergency, emergency"})
    void aBridgedCallRelaysTheServersLogMessagesAtTheLevelTheClientAskedForAndAbove(String asked, String relayed) {
        ModernHttp modern = new ModernHttp(gateway.proxy("/mcp"));
        ObjectNode body = modern.body("tools/call", "{\"name\":\"work\",\"arguments\":{}}", ModernHttp.VERSION, "{}");
        ((ObjectNode) body.at("/params/_meta")).put("io.modelcontextprotocol/logLevel", asked);

        McpHttp.Response answered = modern.send(Json.text(body), modern.headers("tools/call", body.get("params")));

        assertThat(answered.status()).as(answered.toString()).isEqualTo(200);
        assertThat(answered.body()).as(answered.toString()).contains("\"done\"");
        assertThat(levels(answered.body())).isEqualTo(Arrays.asList(relayed.split(" ")));
    }

    /** The levels of the log messages an answer carries, in order. */
    private static List<String> levels(String body) {
        Matcher found = Pattern.compile("\"level\":\"([a-z]+)\"").matcher(body);
        return found.results().map(m -> m.group(1)).toList();
    }
}
