package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.ModernHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 2026-07-28 clients calling a legacy server through the era bridge over h2c, where a stream's close is
 * heard at the end of every answer, not only when the client goes away: a call the server answered is
 * not cancelled at the server, one the client gave up on is, also while the server is still computing a
 * JSON answer, or when the service's {@code read_timeout} ends the call. The server is scripted: it opens a
 * session for {@code initialize} and answers the tool {@code answered} on an event stream, while {@code held}
 * gets the head of a stream and nothing more, and {@code slow-json} a JSON answer after 5 s.
 */
@Timeout(60)
class BridgedCallsOverH2cIT {

    static final String INITIALIZED = """
            {"jsonrpc":"2.0","id":%s,"result":{"protocolVersion":"2025-11-25","capabilities":{"tools":{}},
             "serverInfo":{"name":"scripted","version":"1"}}}""";

    static RestUpstream legacy;
    static TestGateway gateway;
    static Vertx vertx;
    static HttpClientAgent h2c;
    /** When each {@code slow-json} request closed at the server unanswered, in order. */
    static final BlockingQueue<Long> slowCallsClosed = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() {
        legacy = new RestUpstream().onMessage("POST /mcp", BridgedCallsOverH2cIT::answer);
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: legacy-only
                    url: %1$s/mcp
                    routes:
                      - name: legacy-only
                        paths: [/mcp]
                        plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener, server: {upstream_era: legacy}}}]
                  - name: legacy-impatient
                    url: %1$s/mcp
                    read_timeout: 1000
                    routes:
                      - name: legacy-impatient
                        paths: [/impatient]
                        plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener, server: {upstream_era: legacy}}}]
                """.formatted(legacy.url()));
        vertx = Vertx.vertx();
        h2c = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false).setDefaultHost("127.0.0.1").setDefaultPort(gateway.gateway().proxyPort()));
    }

    @AfterAll
    static void stop() {
        if (vertx != null) {
            vertx.close().await();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (legacy != null) {
            legacy.close();
        }
    }

    @BeforeEach
    void forget() {
        legacy.clear();
        slowCallsClosed.clear();
    }

    private static void answer(HttpServerRequest request, JsonNode message) {
        switch (message.path("method").asText()) {
            case "initialize" -> request.response().putHeader("content-type", "application/json")
                    .putHeader("mcp-session-id", "s-h2c").end(INITIALIZED.formatted(message.get("id")));
            case "tools/call" -> {
                if (message.at("/params/name").asText().equals("slow-json")) {
                    answerLater(request, message);
                    return;
                }
                request.response().setChunked(true).putHeader("content-type", "text/event-stream");
                if (message.at("/params/name").asText().equals("answered")) {
                    request.response().end("event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":" + message.get("id")
                            + ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"done\"}]}}\n\n");
                } else {
                    request.response().write(": working\n\n");
                }
            }
            default -> request.response().setStatusCode(202).end();
        }
    }

    /** A JSON answer 5 s from now, as servers answering in JSON (enableJsonResponse) send nothing before it. */
    private static void answerLater(HttpServerRequest request, JsonNode message) {
        long timer = legacy.vertx().setTimer(5_000, t -> request.response()
                .putHeader("content-type", "application/json").end("{\"jsonrpc\":\"2.0\",\"id\":" + message.get("id") + ",\"result\":{\"content\":[]}}"));
        request.response().closeHandler(v -> {
            if (!request.response().ended()) {
                legacy.vertx().cancelTimer(timer);
                slowCallsClosed.add(System.nanoTime());
            }
        });
    }

    /** A modern tools/call of {@code tool} over h2c, sent, and its answer with the whole body. */
    private record Call(HttpClientRequest request, Future<Map.Entry<HttpClientResponse, String>> answer) {
    }

    private static Call call(String tool) {
        return call("/mcp", tool);
    }

    private static Call call(String path, String tool) {
        ModernHttp modern = new ModernHttp(gateway.proxy(path));
        ObjectNode body = modern.body("tools/call", "{\"name\":\"" + tool + "\",\"arguments\":{}}", ModernHttp.VERSION, "{}");
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI(path);
        modern.headers("tools/call", body.get("params")).forEach(options::addHeader);
        HttpClientRequest request = h2c.request(options).await();
        // the body is asked for before anything can arrive: asked for later, what came in between would be gone
        Future<Map.Entry<HttpClientResponse, String>> answer = request.response()
                .compose(head -> head.body().map(bytes -> Map.entry(head, bytes.toString())));
        request.end(Json.text(body)).await();
        return new Call(request, answer);
    }

    /** The methods of the messages the server received after {@code initialize}, in order. */
    private static List<String> serverSaw() {
        return legacy.received().stream().map(r -> method(r.body()))
                .filter(m -> !m.equals("initialize") && !m.equals("notifications/initialized")).toList();
    }

    /** The id the server's request for {@code method} carried, once it has received one. */
    private static JsonNode sentAs(String method) {
        await().atMost(Duration.ofSeconds(5)).until(() -> serverSaw().contains(method));
        return legacy.received().stream().map(r -> parse(r.body()))
                .filter(m -> m.path("method").asText().equals(method)).findFirst().orElseThrow().get("id");
    }

    /** The request ids of the server's notifications/cancelled so far. */
    private static List<JsonNode> cancelledAtServer() {
        return legacy.received().stream().map(r -> parse(r.body()))
                .filter(m -> m.path("method").asText().equals("notifications/cancelled"))
                .map(m -> m.at("/params/requestId")).toList();
    }

    private static String method(String body) {
        return parse(body).path("method").asText();
    }

    private static JsonNode parse(String body) {
        try {
            return Json.parse(body);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aCallTheServerAnsweredOnAnEventStreamIsNotCancelledAtTheServerOnceTheClientHasItsAnswer() throws Exception {
        Map.Entry<HttpClientResponse, String> answer = call("answered").answer().await();
        HttpClientResponse response = answer.getKey();
        String body = answer.getValue();

        assertThat(response.version()).isEqualTo(HttpVersion.HTTP_2);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(body).contains("\"text\":\"done\"");
        Thread.sleep(500);
        assertThat(serverSaw()).containsExactly("tools/call");
    }

    @Test
    void aCallWhoseStreamTheClientResetsIsCancelledAtTheServer() {
        HttpClientRequest request = call("held").request();
        await().atMost(Duration.ofSeconds(5)).until(() -> serverSaw().contains("tools/call"));

        request.reset().await();

        await().atMost(Duration.ofSeconds(5)).until(() -> serverSaw().contains("notifications/cancelled"));
    }

    @Test
    void aCallTheServerIsStillAnsweringInJsonIsClosedAndCancelledAtTheServerAsSoonAsTheClientResetsItsStream()
            throws Exception {
        HttpClientRequest request = call("slow-json").request();
        JsonNode id = sentAs("tools/call");

        long reset = System.nanoTime();
        request.reset().await();

        Long closed = slowCallsClosed.poll(2, TimeUnit.SECONDS);
        assertThat(closed).as("the server's request closed within 2 s of the reset (it answers after 5 s)").isNotNull();
        await().atMost(Duration.ofMillis(2_000 - (System.nanoTime() - reset) / 1_000_000))
                .until(() -> cancelledAtServer().contains(id));
    }

    @Test
    void aCallTheReadTimeoutEndsIsCancelledAtTheServer() throws Exception {
        Call call = call("/impatient", "slow-json");
        JsonNode id = sentAs("tools/call");

        Map.Entry<HttpClientResponse, String> answer = call.answer().await();
        assertThat(answer.getKey().statusCode()).as(answer.getValue()).isEqualTo(504);
        assertThat(slowCallsClosed.poll(2, TimeUnit.SECONDS)).as("the server's request closed").isNotNull();
        await().atMost(Duration.ofSeconds(2)).until(() -> cancelledAtServer().contains(id));
    }
}
