package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.JsonRpc;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.ModernHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 2025-11-25 server may poll: it ends a call's stream after an event with an id and a {@code retry}, without the
 * answer, and expects its client to come back with GET and {@code Last-Event-ID} after that wait. The era bridge
 * does so for its modern client, which gets the call's answer; the tool runs once. The server is scripted: its
 * tool call's stream ends at once after a priming event; the first resumption ends likewise (a second poll); the
 * next answers.
 */
@Timeout(60)
class EraBridgePollingIT {

    static final AtomicReference<JsonNode> lastCall = new AtomicReference<>();
    static final AtomicInteger calls = new AtomicInteger();
    /** What each resumption carried as Last-Event-ID, in order. */
    static final List<String> resumedAfter = new CopyOnWriteArrayList<>();
    /** When the server ended each stream and when each resumption came (ms), to check its retry was honoured. */
    static final List<Long> times = new CopyOnWriteArrayList<>();
    /** Whether the tool call's stream carries an event id (else nothing can be resumed). */
    static volatile boolean withIds = true;
    /** Whether each resumption only ends the stream again, with no wait asked (a server that never answers). */
    static volatile boolean endless = false;
    static RestUpstream legacyOnly;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        legacyOnly = new RestUpstream().onMessage("POST /mcp", EraBridgePollingIT::answer)
                .on("GET /mcp", EraBridgePollingIT::resumed);
        gateway = TestGateway.start(ScriptedLegacyServer.route(legacyOnly, ""));
    }

    @AfterAll
    static void stop() {
        ScriptedLegacyServer.close(gateway, legacyOnly);
    }

    @BeforeEach
    void reset() {
        calls.set(0);
        resumedAfter.clear();
        times.clear();
    }

    private static void answer(HttpServerRequest request, JsonNode message) {
        switch (message.path("method").asText()) {
            case "initialize" -> request.response().putHeader("content-type", "application/json")
                    .putHeader("mcp-session-id", "polling-session")
                    .end(ScriptedLegacyServer.INITIALIZED.formatted(message.get("id")));
            case "tools/call" -> {
                calls.incrementAndGet();
                lastCall.set(message.get("id"));
                times.add(System.currentTimeMillis());
                request.response().setChunked(true).putHeader("content-type", "text/event-stream")
                        .end(withIds ? "id: call-1\nretry: 300\ndata: \n\n" : "retry: 300\ndata: \n\n");
            }
            default -> request.response().setStatusCode(202).end();
        }
    }

    private static void resumed(HttpServerRequest request) {
        String after = request.getHeader("last-event-id");
        resumedAfter.add(after);
        times.add(System.currentTimeMillis());
        var response = request.response().setChunked(true).putHeader("content-type", "text/event-stream");
        if (endless) {
            response.end("retry: 0\n\n");
            return;
        }
        if ("call-1".equals(after)) {
            response.end("id: call-2\ndata: \n\n"); // polls again, the wait asked for before still holding
            return;
        }
        var done = JsonRpc.result(lastCall.get(), Json.object().set("content", Json.MAPPER.createArrayNode()
                .add(Json.object().put("type", "text").put("text", "polled"))));
        response.end("id: call-3\ndata: " + Json.text(done) + "\n\n");
    }

    private static final String CALL = "{\"name\":\"slow\",\"arguments\":{}}";

    @Test
    void aCallWhoseServerEndsItsStreamEarlyIsResumedAfterTheServersRetryAndAnswered() {
        withIds = true;
        endless = false;
        McpHttp.Response call = new ModernHttp(gateway.proxy("/mcp")).request("tools/call", CALL, "{}", Map.of());

        assertThat(call.json().at("/result/content/0/text").asText()).as(call.toString()).isEqualTo("polled");
        assertThat(calls.get()).as("the tool ran once").isEqualTo(1);
        assertThat(resumedAfter).containsExactly("call-1", "call-2");
        for (int i = 1; i < times.size(); i++) {
            assertThat(times.get(i) - times.get(i - 1)).as("the server's retry (300 ms) honoured")
                    .isGreaterThanOrEqualTo(250);
        }
    }

    @Test
    void aCallWhoseServerEndsItsStreamEarlyWithoutAnEventIdFailsAsNothingCanBeResumed() {
        withIds = false;
        endless = false;
        McpHttp.Response call = new ModernHttp(gateway.proxy("/mcp")).request("tools/call", CALL, "{}", Map.of());

        assertThat(call.json().at("/error/message").asText()).as(call.toString())
                .contains("ended the call's stream without answering it");
        assertThat(resumedAfter).isEmpty();
    }

    @Test
    void aCallWhoseServerOnlyEverEndsItsResumedStreamFailsAfterABoundedNumberOfResumptions() {
        withIds = true;
        endless = true;
        McpHttp.Response call = new ModernHttp(gateway.proxy("/mcp")).request("tools/call", CALL, "{}", Map.of());

        assertThat(call.json().at("/error/message").asText()).as(call.toString())
                .contains("times in a row without answering it");
        assertThat(resumedAfter).hasSize(PolledStream.MAX_EMPTY_POLLS).containsOnly("call-1");
        assertThat(calls.get()).isEqualTo(1);
    }
}
