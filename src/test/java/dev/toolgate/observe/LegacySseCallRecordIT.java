package dev.toolgate.observe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.EverythingServer;
import dev.toolgate.testing.LiveFeed;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A call of the HTTP+SSE transport of 2024-11-05 through passthrough: the client POSTs it, the server accepts it with
 * 202 and answers on the session's GET stream. It is recorded as the call it is, once: on the live page, in its POST's
 * log entry ({@code rpc[]}) and in the MCP metrics, with the time from the POST to the answer's event, the answer's
 * size and outcome, its tool and consumer; the POST's own HTTP fields stay the 202's. A call whose answer never comes
 * is recorded unanswered when its stream ends (or 10 minutes pass), however far past the service's read_timeout; no
 * call is recorded with another client's answer. The servers: the MCP reference server speaking that transport, and
 * scripted ones that answer late, refuse, leave calls unanswered, or name one endpoint for every session.
 */
@Timeout(120)
class LegacySseCallRecordIT {

    static EverythingServer everything;
    static RestUpstream scripted;
    static TestGateway gateway;
    static Path logFile;
    static final Map<String, HttpServerResponse> scriptedStreams = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws IOException {
        everything = EverythingServer.sse();
        AtomicInteger sessions = new AtomicInteger();
        scripted = new RestUpstream()
                .on("GET /scripted/sse", r -> {
                    String session = "s" + sessions.incrementAndGet();
                    HttpServerResponse stream = r.response().setChunked(true).putHeader("content-type",
                            "text/event-stream");
                    stream.write("event: endpoint\ndata: /scripted/message?sessionId=" + session + "\n\n");
                    scriptedStreams.put(session, stream);
                })
                .onMessage("POST /scripted/message", (r, message) -> {
                    String name = message.path("params").path("name").asText();
                    if ("reject".equals(name)) {
                        r.response().setStatusCode(400).end("rejected");
                        return;
                    }
                    r.response().setStatusCode(202).end("Accepted");
                    String session = r.getParam("sessionId");
                    HttpServerResponse stream = scriptedStreams.get(session);
                    switch (name) {
                        // the session ends without the answer
                        case "hang-up" -> scripted.vertx().setTimer(300, t -> stream.end());
                        case "fast" -> answer(stream, message, session, 0);
                        case "late" -> answer(stream, message, session, 3_000);
                        default -> { } // "silent": accepted, never answered
                    }
                })
                // a server naming one endpoint for every session, which it tells apart by a header of the client's
                .on("GET /shared/sse", r -> {
                    HttpServerResponse stream = r.response().setChunked(true).putHeader("content-type",
                            "text/event-stream");
                    stream.write("event: endpoint\ndata: /shared/message\n\n");
                    scriptedStreams.put("shared-" + r.getHeader("x-who"), stream);
                })
                .onMessage("POST /shared/message", (r, message) -> {
                    r.response().setStatusCode(202).end("Accepted");
                    String who = r.getHeader("x-who");
                    answer(scriptedStreams.get("shared-" + who), message, who,
                            "slow".equals(message.path("params").path("name").asText()) ? 1_000 : 0);
                });
        logFile = Files.createTempDirectory("file-log").resolve("toolgate.log");
        gateway = TestGateway.start("""
                _format_version: "3.0"
                plugins:
                  - name: prometheus
                    config: {ai_metrics: true}
                  - name: file-log
                    config: {path: %s}
                  - {name: key-auth}
                services:
                  - name: everything
                    url: %s
                    routes:
                      - name: legacy-sse
                        paths: [/sse, /message]
                        strip_path: false
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener, server: {upstream_era: legacy}, logging: {log_statistics: true}}
                  - name: scripted
                    url: %s
                    read_timeout: 1500
                    routes:
                      - name: scripted-sse
                        paths: [/scripted, /shared]
                        strip_path: false
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener, server: {upstream_era: legacy}, logging: {log_statistics: true}}
                consumers:
                  - {username: alice, keyauth_credentials: [{key: alice-key}]}
                  - {username: bob, keyauth_credentials: [{key: bob-key}]}
                  - {username: carol, keyauth_credentials: [{key: carol-key}]}
                """.formatted(logFile, everything.url(), scripted.url()));
    }

    /** Answers a request on a stream, after {@code delayMs}, with an error naming whose answer it is. */
    private static void answer(HttpServerResponse stream, JsonNode request, String whose, long delayMs) {
        Runnable send = () -> stream.write("event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":" + request.path("id")
                + ",\"error\":{\"code\":-32000,\"message\":\"answer of " + whose + "\"}}\n\n");
        if (delayMs <= 0) {
            send.run();
        } else {
            scripted.vertx().setTimer(delayMs, t -> send.run());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {gateway, scripted, everything}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void aLegacyToolCallIsRecordedFromItsPostToItsAnswerOnTheStreamOnce() throws Exception {
        try (Session session = Session.open("/sse")) {
            session.call(1, "initialize", "{\"protocolVersion\":\"2024-11-05\",\"capabilities\":{},"
                    + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}");
            session.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
            String answer = session.call(2, "tools/call",
                    "{\"name\":\"trigger-long-running-operation\",\"arguments\":{\"duration\":1.5,\"steps\":1}}");
            assertThat(answer).contains("Long running operation completed");
            int answerBytes = answer.substring(answer.indexOf('{')).length();

            JsonNode call = awaitCall("legacy-sse", "2");
            assertThat(call.path("tool_name").asText()).isEqualTo("trigger-long-running-operation");
            assertThat(call.path("latency").asLong()).as(call.toString()).isGreaterThanOrEqualTo(1_400);
            assertThat(call.path("response_body_size").asInt()).as(call.toString()).isEqualTo(answerBytes);
            assertThat(call.has("error")).as(call.toString()).isFalse();
            JsonNode entry = entryOf("legacy-sse", "2");
            assertThat(entry.path("request").path("method").asText()).isEqualTo("POST");
            assertThat(entry.path("response").path("status").asInt()).as("the POST's own status").isEqualTo(202);
            assertThat(entry.path("consumer").path("username").asText()).isEqualTo("alice");

            JsonNode live = LiveFeed.event(gateway, e -> "legacy-sse".equals(e.path("route").asText())
                    && "2".equals(e.path("id").asText()));
            assertThat(live.path("latency_ms").asDouble()).as(live.toString()).isGreaterThanOrEqualTo(1_400);
            assertThat(live.path("response_bytes").asInt()).isEqualTo(answerBytes);
            assertThat(live.path("status").asText()).isEqualTo("ok");
            assertThat(live.path("consumer").asText()).isEqualTo("alice");

            String count = metric("kong_ai_mcp_latency_ms_count{", "trigger-long-running-operation");
            String sum = metric("kong_ai_mcp_latency_ms_sum{", "trigger-long-running-operation");
            assertThat(value(count)).as("one call observed").isEqualTo(1);
            assertThat(value(sum)).as("the call's time, not the 202's").isGreaterThanOrEqualTo(1_400);
        }
        // the stream's own entry, once it ends, holds none of its POSTs' calls: each is recorded once
        await().atMost(Duration.ofSeconds(20)).until(() -> entries().stream().anyMatch(e -> "GET".equals(
                e.path("request").path("method").asText()) && "legacy-sse".equals(e.path("route").path("name").asText())));
        assertThat(calls("legacy-sse", "2")).hasSize(1);
    }

    @Test
    void aLegacyCallTheServerFailsIsRecordedWithItsError() throws Exception {
        try (Session session = Session.open("/sse")) {
            session.call(1, "initialize", "{\"protocolVersion\":\"2024-11-05\",\"capabilities\":{},"
                    + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}");
            String answer = session.call(3, "resources/read", "{\"uri\":\"demo://no/such/resource\"}");
            assertThat(answer).contains("\"error\"");

            JsonNode call = awaitCall("legacy-sse", "3");
            assertThat(call.path("error").asText()).as(call.toString()).isNotEmpty();
            JsonNode live = LiveFeed.event(gateway, e -> "legacy-sse".equals(e.path("route").asText())
                    && "3".equals(e.path("id").asText()));
            assertThat(live.path("status").asText()).as(live.toString()).isEqualTo("error");
        }
    }

    @Test
    void aLegacyCallNeverAnsweredAwaitsPastReadTimeoutAndIsRecordedUnansweredWhenItsStreamEnds() throws Exception {
        Session session = Session.open("/scripted/sse");
        assertThat(session.post(request(40, "tools/call", "{\"name\":\"silent\",\"arguments\":{}}")))
                .isEqualTo(202);
        Thread.sleep(2_500); // past read_timeout, which is the time between two reads, not the call's
        assertThat(calls("scripted-sse", "40")).as("still awaiting its answer").isEmpty();
        session.close();

        JsonNode call = awaitCall("scripted-sse", "40");
        assertThat(call.path("error").asText()).as(call.toString()).isEqualTo(McpEvent.STREAM_ENDED);
        assertThat(call.path("latency").asLong()).isGreaterThanOrEqualTo(2_500);
        assertThat(call.path("response_body_size").asInt()).isZero();
        Thread.sleep(500);
        assertThat(calls("scripted-sse", "40")).as("recorded once").hasSize(1);
    }

    @Test
    void aLegacyCallAnsweredLaterThanReadTimeoutIsRecordedWithTheAnswerItsClientGot() throws Exception {
        try (Session session = Session.open("/scripted/sse")) {
            String answer = session.call(41, "tools/call", "{\"name\":\"late\",\"arguments\":{}}");
            assertThat(answer).contains("answer of s");

            JsonNode call = awaitCall("scripted-sse", "41");
            assertThat(call.path("error").asText()).as(call.toString()).startsWith("answer of s");
            assertThat(call.path("latency").asLong()).as(call.toString()).isGreaterThanOrEqualTo(2_900);
            assertThat(call.path("response_body_size").asInt()).isEqualTo(answer.length());
            Thread.sleep(500);
            assertThat(calls("scripted-sse", "41")).as("recorded once").hasSize(1);
        }
    }

    @Test
    void aLegacyCallWhoseStreamEndsBeforeItsAnswerIsRecordedUnansweredOnce() throws Exception {
        try (Session session = Session.open("/scripted/sse")) {
            assertThat(session.post(request(50, "tools/call", "{\"name\":\"hang-up\",\"arguments\":{}}")))
                    .isEqualTo(202);

            JsonNode call = awaitCall("scripted-sse", "50");
            assertThat(call.path("error").asText()).as(call.toString()).isEqualTo(McpEvent.STREAM_ENDED);
            Thread.sleep(2_000); // past read_timeout: nothing more is recorded of it
            assertThat(calls("scripted-sse", "50")).as("recorded once").hasSize(1);
        }
    }

    @Test
    void aLegacyCallWhoseClientClosesTheStreamIsRecordedUnansweredAtOnce() throws Exception {
        Session session = Session.open("/scripted/sse");
        assertThat(session.post(request(60, "tools/call", "{\"name\":\"silent\",\"arguments\":{}}")))
                .isEqualTo(202);
        session.close();

        JsonNode call = awaitCall("scripted-sse", "60");
        assertThat(call.path("error").asText()).as(call.toString()).isEqualTo(McpEvent.STREAM_ENDED);
        assertThat(call.path("latency").asLong()).as("not left to read_timeout").isLessThan(1_400);
        Thread.sleep(2_000);
        assertThat(calls("scripted-sse", "60")).as("recorded once").hasSize(1);
    }

    @Test
    void aServerNamingOneEndpointForEverySessionNeverHasOneClientsAnswerLoggedUnderAnothersCall() throws Exception {
        try (Session alice = Session.open("/shared/sse", "alice"); Session bob = Session.open("/shared/sse", "bob");
             Session carol = Session.open("/shared/sse", "carol")) {
            assertThat(alice.post(request(9, "tools/call", "{\"name\":\"slow\",\"arguments\":{}}"))).isEqualTo(202);
            Thread.sleep(100);
            // carol's answer comes first, on her stream, with the same id as alice's call
            assertThat(carol.call(9, "tools/call", "{\"name\":\"fast\",\"arguments\":{}}")).contains("answer of carol");
            assertThat(alice.call(10, "tools/call", "{\"name\":\"fast\",\"arguments\":{}}")).contains("answer of alice");

            await().atMost(Duration.ofSeconds(20)).until(() -> sharedCalls("9").size() == 2);
            for (Map.Entry<String, JsonNode> call : sharedCalls("9").entrySet()) {
                // which of the three streams on that URL was whose is not known: each call is its POST's 202
                assertThat(call.getValue().has("error")).as(call.getKey() + ": " + call.getValue()).isFalse();
                assertThat(call.getValue().path("response_body_size").asInt()).as(call.toString())
                        .isEqualTo("Accepted".length());
            }
        }
    }

    @Test
    void aPostToAnotherClientsSessionIsRecordedByItsOwnAnswerNotTheSessionsStream() throws Exception {
        try (Session alice = Session.open("/scripted/sse")) {
            // bob posts to the URL alice's stream named: the server answers on her stream, which bob does not read
            assertThat(Session.post(alice.endpoint(), "bob", request(70, "tools/call",
                    "{\"name\":\"fast\",\"arguments\":{}}"))).isEqualTo(202);
            JsonNode call = awaitCall("scripted-sse", "70");
            assertThat(call.has("error")).as(call.toString()).isFalse();
            assertThat(call.path("response_body_size").asInt()).as(call.toString()).isEqualTo("Accepted".length());
            assertThat(entryOf("scripted-sse", "70").path("consumer").path("username").asText()).isEqualTo("bob");
        }
    }

    @Test
    void aRetryOfARequestTheServerRefusedIsPairedWithItsAnswerOnTheStream() throws Exception {
        try (Session session = Session.open("/scripted/sse")) {
            assertThat(session.post(request(80, "tools/call", "{\"name\":\"reject\",\"arguments\":{}}")))
                    .isEqualTo(400);
            JsonNode refused = awaitCall("scripted-sse", "80");
            assertThat(refused.path("error").asText()).as(refused.toString()).isEqualTo("HTTP 400");

            String answer = session.call(80, "tools/call", "{\"name\":\"fast\",\"arguments\":{}}");
            await().atMost(Duration.ofSeconds(20)).until(() -> calls("scripted-sse", "80").size() == 2);
            JsonNode retry = calls("scripted-sse", "80").get(1);
            assertThat(retry.path("error").asText()).as(retry.toString()).startsWith("answer of s");
            assertThat(retry.path("response_body_size").asInt()).isEqualTo(answer.length());
        }
    }

    /** The consumers' calls with this id on the route serving the shared endpoint, by consumer. */
    private static Map<String, JsonNode> sharedCalls(String id) throws IOException {
        Map<String, JsonNode> found = new java.util.TreeMap<>();
        for (JsonNode entry : entries()) {
            if ("POST".equals(entry.path("request").path("method").asText())
                    && entry.path("request").path("uri").asText().startsWith("/shared/")) {
                entry.path("ai").path("mcp").path("rpc").forEach(r -> {
                    if (id.equals(r.path("id").asText())) {
                        found.put(entry.path("consumer").path("username").asText(), r);
                    }
                });
            }
        }
        return found;
    }

    /** A client of the transport: its stream, and the endpoint its first event named. */
    private record Session(Stream<String> body, Iterator<String> lines, URI endpoint, String who)
            implements AutoCloseable {

        static Session open(String path) throws Exception {
            return open(path, "alice");
        }

        /** Opens a stream as consumer {@code who}, who names itself to the server in {@code x-who} too. */
        static Session open(String path, String who) throws Exception {
            HttpResponse<Stream<String>> stream = HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(
                            gateway.proxy(path)).header("accept", "text/event-stream").header("apikey", who + "-key")
                    .header("x-who", who).GET().build(), HttpResponse.BodyHandlers.ofLines()).get(20, TimeUnit.SECONDS);
            assertThat(stream.statusCode()).isEqualTo(200);
            Iterator<String> lines = stream.body().iterator();
            String named = next(lines, "data:").substring(5).trim();
            return new Session(stream.body(), lines, gateway.proxy("/").resolve(named), who);
        }

        int post(String message) throws Exception {
            return post(endpoint, who, message);
        }

        /** POSTs a message to {@code endpoint} as consumer {@code who}. */
        static int post(URI endpoint, String who, String message) throws Exception {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(endpoint)
                    .header("content-type", "application/json").header("apikey", who + "-key").header("x-who", who)
                    .POST(HttpRequest.BodyPublishers.ofString(message)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode();
        }

        /** POSTs a request and returns its answer's data line from the stream. */
        String call(int id, String method, String params) throws Exception {
            assertThat(post(request(id, method, params))).isEqualTo(202);
            String line = "";
            while (!line.startsWith("data:") || !line.matches(".*\"id\":" + id + "[,}].*")) {
                line = lines.next();
            }
            return line.substring(5).trim();
        }

        @Override
        public void close() {
            body.close();
        }
    }

    private static String request(int id, String method, String params) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}";
    }

    private static String next(Iterator<String> lines, String containing) {
        String line = "";
        while (!line.contains(containing) || !line.startsWith("data:")) {
            line = lines.next();
        }
        return line;
    }

    private static List<JsonNode> entries() throws IOException {
        List<JsonNode> entries = new ArrayList<>();
        for (String line : Files.exists(logFile) ? Files.readAllLines(logFile) : List.<String>of()) {
            entries.add(Json.MAPPER.readTree(line));
        }
        return entries;
    }

    /** Every {@code rpc[]} element of the route's entries with this id. */
    private static List<JsonNode> calls(String route, String id) throws IOException {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode entry : entries()) {
            if (route.equals(entry.path("route").path("name").asText())) {
                entry.path("ai").path("mcp").path("rpc").forEach(r -> {
                    if (id.equals(r.path("id").asText())) {
                        found.add(r);
                    }
                });
            }
        }
        return found;
    }

    private static JsonNode entryOf(String route, String id) throws IOException {
        for (JsonNode entry : entries()) {
            if (route.equals(entry.path("route").path("name").asText())) {
                for (JsonNode r : entry.path("ai").path("mcp").path("rpc")) {
                    if (id.equals(r.path("id").asText())) {
                        return entry;
                    }
                }
            }
        }
        throw new AssertionError("no entry with call " + id);
    }

    private static JsonNode awaitCall(String route, String id) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            List<JsonNode> calls = calls(route, id);
            found[0] = calls.isEmpty() ? null : calls.getFirst();
            return found[0] != null;
        });
        return found[0];
    }

    private static String metric(String series, String tool) {
        return new AdminHttp(gateway).get("/metrics").body().lines()
                .filter(l -> l.startsWith(series) && l.contains("tool_name=\"" + tool + "\""))
                .findFirst().orElseThrow(() -> new AssertionError("no " + series + " for " + tool));
    }

    private static double value(String line) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
}
