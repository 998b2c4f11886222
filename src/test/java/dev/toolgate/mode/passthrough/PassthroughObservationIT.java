package dev.toolgate.mode.passthrough;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.CapturedLog;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RawConnection;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every JSON-RPC message crossing a passthrough-listener route is observed: after a known exchange
 * (JSON bodies, SSE answers cut into odd chunks, a batch, a server-to-client request and its answer,
 * an error, a tool error, a standalone GET stream) the counts in {@code GET /status} are exact, and
 * the {@code dev.toolgate.traffic} debug log pairs every response with its request's method.
 */
@Timeout(60)
class PassthroughObservationIT {

    static final String SESSION = "sess-1";

    static Vertx vertx;
    static HttpServer upstream;
    static TestGateway gateway;
    static McpHttp mcp;
    static CapturedLog log;
    static volatile CompletableFuture<JsonNode> samplingAnswer = new CompletableFuture<>();

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        upstream = vertx.createHttpServer().requestHandler(PassthroughObservationIT::handle).listen(0, "127.0.0.1").await();
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: scripted
                    url: http://127.0.0.1:%d/mcp
                    routes:
                      - name: observed
                        paths: [/observed]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                """.formatted(upstream.actualPort()));
        mcp = new McpHttp(gateway.proxy("/observed"));
        log = CapturedLog.of("dev.toolgate.traffic", Level.DEBUG);
    }

    @AfterAll
    static void stop() {
        if (log != null) {
            log.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (vertx != null) {
            vertx.close().await();
        }
    }

    /** A scripted MCP server: what it answers depends on the method (and tool). */
    private static void handle(HttpServerRequest request) {
        HttpServerResponse response = request.response();
        switch (request.method().name()) {
            case "GET" -> {
                response.setChunked(true).putHeader("content-type", "text/event-stream");
                response.end("data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/resources/list_changed\"}\n\n");
                return;
            }
            case "DELETE" -> {
                response.end();
                return;
            }
            default -> {
            }
        }
        request.body().onSuccess(body -> {
            JsonNode message;
            try {
                message = Json.MAPPER.readTree(body.getBytes());
            } catch (IOException e) {
                json(response.setStatusCode(400), "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}");
                return;
            }
            if (message.isArray()) {
                List<String> answers = new ArrayList<>();
                message.forEach(m -> answers.add(result(m.get("id"), m.path("method").asText().equals("ping") ? "{}"
                        : "{\"tools\":[]}")));
                json(response, "[" + String.join(",", answers) + "]");
                return;
            }
            String method = message.path("method").asText(null);
            JsonNode id = message.get("id");
            if (method == null) {
                // the client's answer to a server-to-client request
                samplingAnswer.complete(message);
                response.setStatusCode(202).end();
                return;
            }
            if (id == null) {
                response.setStatusCode(202).end();
                return;
            }
            switch (method) {
                case "initialize" -> {
                    response.putHeader("mcp-session-id", SESSION);
                    response.putHeader("content-type", "application/json; charset=utf-8").end(result(id,
                            "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"tools\":{}},"
                                    + "\"serverInfo\":{\"name\":\"scripted\",\"version\":\"1\"}}"));
                }
                case "tools/list" -> json(response, result(id, "{\"tools\":[{\"name\":\"echo\",\"inputSchema\":{\"type\":\"object\"}}]}"));
                case "tools/call" -> call(response, id, message.path("params").path("name").asText());
                default -> json(response, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":-32601,"
                        + "\"message\":\"Method not found\"}}");
            }
        });
    }

    private static void call(HttpServerResponse response, JsonNode id, String tool) {
        switch (tool) {
            case "echo" -> {
                // SSE with CRLF line ends, a priming event (id, empty data), a notification and the
                // result, written in 7-byte pieces so events and lines are cut anywhere
                String stream = "id: e0\r\ndata: \r\n\r\n"
                        + ": keep-alive comment\r\n"
                        + "event: message\r\nid: e1\r\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\","
                        + "\"params\":{\"level\":\"info\",\"data\":\"echoing\"}}\r\n\r\n"
                        + "event: message\r\nid: e2\r\ndata: " + result(id, "{\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}")
                        + "\r\n\r\n";
                response.setChunked(true).putHeader("content-type", "text/event-stream");
                byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
                for (int i = 0; i < bytes.length; i += 7) {
                    response.write(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + 7))));
                }
                response.end();
            }
            case "slow" -> {
                io.vertx.core.Context context = Vertx.currentContext();
                context.owner().setTimer(700, t -> json(response, result(id, "{\"content\":[]}")));
            }
            case "fail" -> json(response, result(id, "{\"content\":[{\"type\":\"text\",\"text\":\"no\"}],\"isError\":true}"));
            case "ask" -> {
                io.vertx.core.Context context = Vertx.currentContext();
                response.setChunked(true).putHeader("content-type", "text/event-stream");
                response.write("data: {\"jsonrpc\":\"2.0\",\"id\":\"s1\",\"method\":\"sampling/createMessage\",\"params\":"
                        + "{\"messages\":[],\"maxTokens\":5}}\n\n");
                samplingAnswer.thenAccept(answer -> context.runOnContext(v -> response.end(
                        "data: " + result(id, "{\"content\":[{\"type\":\"text\",\"text\":\"model said: "
                                + answer.path("result").path("content").path("text").asText() + "\"}]}") + "\n\n")));
            }
            default -> json(response, result(id, "{\"content\":[]}"));
        }
    }

    private static String result(JsonNode id, String result) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":" + result + "}";
    }

    private static void json(HttpServerResponse response, String body) {
        response.putHeader("content-type", "application/json").end(body);
    }

    @Test
    void aKnownExchangeIsCountedExactlyAndEveryResponseIsPairedWithItsRequest() throws Exception {
        Map<String, Long> before = traffic();
        int logged = log.size();

        McpHttp.Response init = mcp.initialize("2025-11-25");
        assertThat(init.status()).isEqualTo(200);
        assertThat(mcp.sessionId()).isEqualTo(SESSION);
        assertThat(mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").status()).isEqualTo(200);
        McpHttp.Response echo = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                + "\"arguments\":{}}}");
        assertThat(echo.body()).contains("notifications/message").contains("\"text\":\"hi\"");
        assertThat(mcp.post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"fail\"}}").body())
                .contains("\"isError\":true");
        McpHttp.Response batch = mcp.post("[{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\"}]");
        assertThat(batch.json()).hasSize(2);
        assertThat(mcp.post("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"foo/bar\"}").json().path("error").path("code").asInt())
                .isEqualTo(-32601);
        assertThat(askWithSampling()).contains("model said: a sampled answer");
        McpHttp.Response stream = mcp.send("GET", null, Map.of("accept", "text/event-stream", "mcp-session-id", SESSION));
        assertThat(stream.body()).contains("list_changed");
        assertThat(mcp.send("DELETE", null, Map.of("mcp-session-id", SESSION)).status()).isEqualTo(200);

        Map<String, Long> expected = new TreeMap<>(Map.ofEntries(
                Map.entry("client_to_server", 10L),
                Map.entry("server_to_client", 11L),
                Map.entry("request", 9L),
                Map.entry("notification", 3L),
                Map.entry("response", 9L),
                Map.entry("method.initialize", 1L),
                Map.entry("method.tools/list", 2L),
                Map.entry("method.tools/call", 3L),
                Map.entry("method.ping", 1L),
                Map.entry("method.foo/bar", 1L),
                Map.entry("method.sampling/createMessage", 1L),
                Map.entry("errors", 1L),
                Map.entry("tool_errors", 1L)));
        assertThat(delta(before, traffic())).isEqualTo(expected);

        List<Object[]> lines = loggedSince(logged).stream()
                .map(ILoggingEvent::getArgumentArray).toList();
        assertThat(lines).hasSize(21);
        Map<String, String> methodOfResponse = new HashMap<>();
        for (Object[] line : lines) {
            // route, session, direction, kind, method, id, tool, error, is_error, bytes, latency
            assertThat(line[0]).isEqualTo("observed");
            if ("RESPONSE".equals(String.valueOf(line[3]))) {
                methodOfResponse.put(line[2] + " " + line[5], line[4] + (line[6] == null ? "" : " " + line[6]));
                assertThat((Long) line[10]).as("latency of response %s", line[5]).isNotNegative();
            }
        }
        assertThat(methodOfResponse).isEqualTo(Map.of(
                "SERVER_TO_CLIENT 0", "initialize",
                "SERVER_TO_CLIENT 1", "tools/list",
                "SERVER_TO_CLIENT 2", "tools/call echo",
                "SERVER_TO_CLIENT 3", "tools/call fail",
                "SERVER_TO_CLIENT 4", "ping",
                "SERVER_TO_CLIENT 5", "tools/list",
                "SERVER_TO_CLIENT 6", "foo/bar",
                "SERVER_TO_CLIENT 7", "tools/call ask",
                "CLIENT_TO_SERVER \"s1\"", "sampling/createMessage"));
    }

    @Test
    void anErrorResponseWithANullIdCountsAsAResponseAndAnError() throws Exception {
        Map<String, Long> before = traffic();

        McpHttp.Response response = mcp.post("this is not json");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().path("error").path("code").asInt()).isEqualTo(-32700);

        // JSON-RPC 2.0 5.1: a parse error's response has "id": null; it is a response, not an invalid message
        assertThat(delta(before, traffic())).isEqualTo(new TreeMap<>(Map.of(
                "client_to_server", 1L, "invalid", 1L,
                "server_to_client", 1L, "response", 1L, "errors", 1L)));
    }

    @Test
    void twoSessionlessClientsUsingTheSameIdGetTheirResponsesPairedWithTheirOwnRequests() throws Exception {
        // a stateless server (no Mcp-Session-Id): every client numbers its requests from 0 or 1
        int logged = log.size();
        CompletableFuture<McpHttp.Response> slowCall = CompletableFuture.supplyAsync(() -> new McpHttp(gateway.proxy("/observed"))
                .post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"slow\"}}"));
        await().atMost(Duration.ofSeconds(5)).until(() -> log.size() > logged);
        McpHttp.Response list = new McpHttp(gateway.proxy("/observed"))
                .post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
        assertThat(list.status()).isEqualTo(200);
        assertThat(slowCall.get(10, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo(200);

        // the line for a response is written once its last byte has gone to the client, which may be
        // just after the client has read it
        Supplier<List<String>> responses = () -> loggedSince(logged).stream()
                .map(ILoggingEvent::getArgumentArray)
                .filter(a -> "RESPONSE".equals(String.valueOf(a[3])))
                .map(a -> a[4] + (a[6] == null ? "" : " " + a[6])).toList();
        await().atMost(Duration.ofSeconds(5)).until(() -> responses.get().size() >= 2);
        assertThat(responses.get()).as("methods of the two responses, in arrival order")
                .containsExactly("tools/list", "tools/call slow");
    }

    @Test
    void trafficCountsAreUnderServerInStatus() throws Exception {
        JsonNode status = status();
        assertThat(status.path("server").has("mcp_traffic")).as("GET /status: %s", status).isTrue();
        assertThat(status.path("server").path("mcp_traffic").isObject()).isTrue();
    }

    private static List<ILoggingEvent> loggedSince(int index) {
        return log.since(index);
    }

    /** tools/call "ask": the server asks the client for sampling on the POST's SSE stream; the client answers. */
    private static String askWithSampling() throws IOException {
        samplingAnswer = new CompletableFuture<>();
        byte[] call = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"ask\"}}"
                .getBytes(StandardCharsets.UTF_8);
        int port = gateway.gateway().proxyPort();
        try (RawConnection http = RawConnection.connect(port, 0)) {
            http.send("POST", "/observed", List.of("Host: 127.0.0.1:" + port, "Content-Type: application/json",
                    "Accept: " + McpHttp.ACCEPT_BOTH, "Mcp-Session-Id: " + SESSION, "Content-Length: " + call.length), call);
            assertThat(http.head().status()).isEqualTo(200);
            assertThat(http.readUntil("\n\n")).contains("sampling/createMessage");
            assertThat(mcp.post("{\"jsonrpc\":\"2.0\",\"id\":\"s1\",\"result\":{\"role\":\"assistant\",\"content\":"
                    + "{\"type\":\"text\",\"text\":\"a sampled answer\"},\"model\":\"m\"}}").status()).isEqualTo(202);
            return http.readAll().text();
        }
    }

    /** The traffic counts in GET /status (under server.mcp_traffic, or at the top level where this version puts them). */
    private static Map<String, Long> traffic() throws Exception {
        JsonNode status = status();
        JsonNode traffic = status.path("server").has("mcp_traffic") ? status.path("server").path("mcp_traffic")
                : status.path("mcp_traffic");
        Map<String, Long> counts = new TreeMap<>();
        traffic.properties().forEach(e -> counts.put(e.getKey(), e.getValue().asLong()));
        return counts;
    }

    private static JsonNode status() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(gateway.admin("/status"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return Json.MAPPER.readTree(response.body());
    }

    private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> delta = new TreeMap<>();
        after.forEach((key, value) -> {
            long d = value - before.getOrDefault(key, 0L);
            if (d != 0) {
                delta.put(key, d);
            }
        });
        return delta;
    }
}
