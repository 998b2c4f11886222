package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.JsonRpc;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.ModernHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The era bridge opens a session's standalone stream (GET) before it tells the server the session is initialized and
 * before a call whose client may be asked goes out, and waits for it to open at most
 * {@link ServerQuestions#OPEN_WAIT_MS}: a server that sends the stream's head late (here only with its first event, or
 * after {@link #HEAD_LATE_MS}) does not hold the client's session start and call for that long, and its stream, once
 * it opens, still carries its questions. The server is scripted: each session's GET is held by session id; a prompt
 * session's head is sent at once.
 */
@Timeout(60)
class EraBridgeLateStandaloneStreamIT {

    /** When a late server sends its standalone stream's head with nothing to say (ms after the GET). */
    static final long HEAD_LATE_MS = 6_000;
    static final AtomicInteger sessions = new AtomicInteger();
    /** The standalone streams, by session id. */
    static final Map<String, HttpServerResponse> streams = new ConcurrentHashMap<>();
    /** The responses the server got to its own requests, as JSON. */
    static final List<JsonNode> answered = new CopyOnWriteArrayList<>();
    /** The {@code X-API-Key} each session was opened with ("-" when none), by session id. */
    static final Map<String, String> keys = new ConcurrentHashMap<>();
    /** Whether each session's first standalone stream had its head written when it closed, by session id. */
    static final Map<String, Boolean> closedWithHead = new ConcurrentHashMap<>();
    /** Whether the sessions opened from now on send the standalone stream's head late. */
    static volatile boolean late;
    static RestUpstream server;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        server = new RestUpstream().onMessage("POST /mcp", EraBridgeLateStandaloneStreamIT::answer)
                .on("GET /mcp", EraBridgeLateStandaloneStreamIT::listened);
        gateway = TestGateway.start(ScriptedLegacyServer.route(server, ""));
    }

    @AfterAll
    static void stop() {
        ScriptedLegacyServer.close(gateway, server);
    }

    private static void answer(HttpServerRequest request, JsonNode message) {
        String session = request.getHeader("mcp-session-id");
        if (!message.has("method")) {
            answered.add(message);
            request.response().setStatusCode(202).end();
            return;
        }
        switch (message.get("method").asText()) {
            case "initialize" -> {
                String opened = (late ? "late-" : "prompt-") + sessions.incrementAndGet();
                keys.put(opened, request.headers().contains("x-api-key") ? request.getHeader("x-api-key") : "-");
                request.response().putHeader("content-type", "application/json").putHeader("mcp-session-id", opened)
                        .end(ScriptedLegacyServer.INITIALIZED.formatted(message.get("id")));
            }
            case "notifications/initialized" -> {
                request.response().setStatusCode(202).end();
                if (session.startsWith("prompt-")) {
                    ask(session, "start-" + session); // as server-everything asks for roots once initialized
                }
            }
            case "tools/call" -> {
                if (message.at("/params/name").asText().equals("ask")) {
                    // the call's stream, resumable after its first event; the question goes on the standalone one
                    request.response().setChunked(true).putHeader("content-type", "text/event-stream")
                            .write("id: c1\ndata: \n\n");
                    ask(session, "asked-in-call");
                } else {
                    request.response().putHeader("content-type", "application/json").end(Json.text(JsonRpc.result(
                            message.get("id"), Json.object().set("content", Json.MAPPER.createArrayNode()
                                    .add(Json.object().put("type", "text").put("text", "echoed"))))));
                }
            }
            default -> request.response().setStatusCode(202).end();
        }
    }

    /** The standalone stream: its head at once for a prompt session, else with its first event or much later. */
    private static void listened(HttpServerRequest request) {
        String session = request.getHeader("mcp-session-id");
        HttpServerResponse stream = request.response().setChunked(true).putHeader("content-type", "text/event-stream");
        streams.put(session, stream);
        stream.closeHandler(v -> closedWithHead.putIfAbsent(session, stream.headWritten()));
        if (session.startsWith("prompt-")) {
            stream.write(": open\n\n");
        } else {
            server.vertx().setTimer(HEAD_LATE_MS, id -> {
                if (!stream.headWritten() && !stream.closed()) {
                    stream.write(": open\n\n");
                }
            });
        }
    }

    /**
     * Sends roots/list with {@code id} on the session's standalone stream (its head with it, if not sent yet); with
     * none open, as a legacy server does, to nobody.
     */
    private static void ask(String session, String id) {
        HttpServerResponse stream = streams.get(session);
        if (stream == null) {
            return;
        }
        stream.write("data: {\"jsonrpc\":\"2.0\",\"id\":\"" + id + "\",\"method\":\"roots/list\"}\n\n");
    }

    @Test
    void aCallOfASessionWhoseServerOpensItsStandaloneStreamLateIsAnsweredWithoutWaitingForIt() {
        late = true;
        ModernHttp client = new ModernHttp(gateway.proxy("/mcp"));
        long start = System.nanoTime();
        McpHttp.Response call = client.request("tools/call", "{\"name\":\"echo\",\"arguments\":{}}",
                "{\"roots\":{\"listChanged\":false}}", Map.of());
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(call.json().at("/result/content/0/text").asText()).as("%s", call).isEqualTo("echoed");
        assertThat(tookMs).as("the session's start and its call waited at most the bound for the stream (ms)")
                .isLessThan(ServerQuestions.OPEN_WAIT_MS + 1_500);
    }

    @Test
    void aStandaloneStreamThatOpensOnlyWithItsFirstEventStillCarriesTheServersQuestionToTheCallInFlight() {
        late = true;
        ModernHttp client = new ModernHttp(gateway.proxy("/mcp"));
        McpHttp.Response asked = client.request("tools/call", "{\"name\":\"ask\",\"arguments\":{}}",
                "{\"roots\":{\"listChanged\":true}}", Map.of());

        assertThat(asked.json().at("/result/resultType").asText()).as("%s", asked).isEqualTo("input_required");
        assertThat(asked.json().at("/result/inputRequests").findValuesAsText("method")).containsOnly("roots/list");
    }

    @Test
    void aPromptServersQuestionAsTheSessionOpensStillFindsTheStreamOpenAndIsRefusedAtOnce() throws Exception {
        late = false;
        ModernHttp client = new ModernHttp(gateway.proxy("/mcp"), Map.of("X-API-Key", "prompt"));
        McpHttp.Response call = client.request("tools/call", "{\"name\":\"echo\",\"arguments\":{}}",
                "{\"roots\":{}}", Map.of());
        assertThat(call.json().at("/result/content/0/text").asText()).as("%s", call).isEqualTo("echoed");

        assertThat(answerAtStartOf("prompt").at("/error/message").asText()).isEqualTo(QuestionStream.REFUSAL_IDLE);
    }

    /**
     * The opening windows a route holds at once are bounded (each holds a connection), and so are one holder's: a
     * client opening sessions in a loop does not leave the sessions of others unwatched.
     */
    @Test
    void aClientOpeningSessionsInALoopLeavesOtherClientsTheirOpeningWindows() throws Exception {
        late = false;
        ModernHttp looping = new ModernHttp(gateway.proxy("/mcp"), Map.of("X-API-Key", "looping"));
        for (int i = 0; i < ServerQuestions.MAX_OPENINGS; i++) {
            McpHttp.Response discovered = looping.request("server/discover", "{}",
                    "{\"roots\":{\"loop\":" + i + "}}", Map.of());
            assertThat(discovered.status()).as("%s", discovered).isEqualTo(200);
        }
        ModernHttp other = new ModernHttp(gateway.proxy("/mcp"), Map.of("X-API-Key", "other"));
        assertThat(other.request("server/discover", "{}", "{\"roots\":{}}", Map.of()).status()).isEqualTo(200);

        assertThat(answerAtStartOf("other").at("/error/message").asText()).isEqualTo(QuestionStream.REFUSAL_IDLE);
    }

    /**
     * A GET still waiting for its head when the opening window ends is closed then, not held (with its pooled
     * connection, and at a server allowing one stream per session the session's stream) until its head or the
     * link's read_timeout; the session's next call opens a stream of its own, which carries its question.
     */
    @Test
    void aLateStandaloneStreamNobodyHoldsAnyMoreIsClosedBeforeItsHeadAndTheNextCallsStreamStillCarriesItsQuestion()
            throws Exception {
        late = true;
        ModernHttp client = new ModernHttp(gateway.proxy("/mcp"), Map.of("X-API-Key", "window-ends"));
        long start = System.nanoTime();
        assertThat(client.request("server/discover", "{}", "{\"roots\":{}}", Map.of()).status()).isEqualTo(200);
        String session = sessionOf("window-ends");

        long deadline = start + TimeUnit.MILLISECONDS.toNanos(HEAD_LATE_MS + 2_000);
        while (!closedWithHead.containsKey(session) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        long closedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(closedWithHead.get(session)).as("the GET closed, and whether its head had been sent")
                .isEqualTo(false);
        assertThat(closedMs).as("closed as the opening window ended (ms)").isLessThan(HEAD_LATE_MS);

        McpHttp.Response asked = client.request("tools/call", "{\"name\":\"ask\",\"arguments\":{}}",
                "{\"roots\":{}}", Map.of());
        assertThat(asked.json().at("/result/resultType").asText()).as("%s", asked).isEqualTo("input_required");
        assertThat(asked.json().at("/result/inputRequests").findValuesAsText("method")).containsOnly("roots/list");
    }

    /** The id of the session opened with {@code key}. */
    private static String sessionOf(String key) {
        return keys.entrySet().stream().filter(e -> e.getValue().equals(key)).map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new AssertionError("no session was opened with " + key + ": " + keys));
    }

    /** The answer to the question the server asked as the session of {@code key} opened, waiting up to 5 s. */
    private static JsonNode answerAtStartOf(String key) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (JsonNode answer : answered) {
                String id = answer.path("id").asText();
                if (id.startsWith("start-") && key.equals(keys.get(id.substring("start-".length())))) {
                    return answer;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the question asked as the session of " + key + " opened was never answered: "
                + answered);
    }
}
