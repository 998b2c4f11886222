package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RawConnection;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A legacy client's call through the legacy bridge while the server waits for the client's input: the
 * server (scripted, 2026-07-28 only) answers a {@code tools/call} without {@code inputResponses} with an
 * {@code input_required} elicitation, and one with them with its result; the gateway asks the client on the
 * call's stream and sends the next round once the client answered.
 */
@Timeout(60)
class LegacyBridgeInputIT {

    static final String DISCOVERED = """
            {"jsonrpc":"2.0","id":%s,"result":{"resultType":"complete","supportedVersions":["2026-07-28"],
             "capabilities":{"tools":{}},"_meta":{"io.modelcontextprotocol/serverInfo":{"name":"scripted","version":"1"}}}}""";
    static final String ASKED = """
            {"jsonrpc":"2.0","id":%s,"result":{"resultType":"input_required","requestState":"state-1",
             "inputRequests":{"confirm":{"method":"elicitation/create","params":{"mode":"form","message":"Sure?",
             "requestedSchema":{"type":"object","properties":{}}}}}}}""";
    static final String DONE = """
            {"jsonrpc":"2.0","id":%s,"result":{"resultType":"complete","content":[{"type":"text","text":"done"}]}}""";

    static RestUpstream modernOnly;
    static TestGateway gateway;
    /** The client port of the upstream connection each round arrived on: "first:port" or "next:port". */
    static final BlockingQueue<String> rounds = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() {
        modernOnly = new RestUpstream().onMessage("POST /mcp", LegacyBridgeInputIT::answer);
        gateway = TestGateway.start(config(""));
    }

    static String config(String extraRoute) {
        return """
                _format_version: "3.0"
                services:
                  - name: modern-only
                    url: %s/mcp
                    read_timeout: 4000
                    routes:
                      - name: modern-only
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener, server: {upstream_era: modern}}
                %s""".formatted(modernOnly.url(), extraRoute);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (modernOnly != null) {
            modernOnly.close();
        }
    }

    @BeforeEach
    void forget() {
        rounds.clear();
    }

    private static void answer(HttpServerRequest request, JsonNode message) {
        if (message.at("/params/name").asText().equals("slow")) {
            return; // a call the server takes its time over: answered by nobody
        }
        var response = request.response().putHeader("content-type", "application/json");
        switch (message.path("method").asText()) {
            case "server/discover" -> response.end(DISCOVERED.formatted(message.get("id")));
            case "tools/call" -> {
                boolean answered = message.path("params").has("inputResponses");
                rounds.add((answered ? "next:" : "first:") + request.remoteAddress().port());
                response.end((answered ? DONE : ASKED).formatted(message.get("id")));
            }
            default -> request.response().setStatusCode(202).end();
        }
    }

    @Test
    void aClientThatHangsUpWhileTheServerWaitsForItsInputEndsTheCall() throws Exception {
        McpHttp client = client();
        JsonNode question;
        try (RawConnection http = connection()) {
            question = askedCall(client, http, "\"hangs-up\"");
        }
        Thread.sleep(300);
        // an answer arriving after the client left is nobody's: the server is not asked to go on
        assertThat(accept(client, question).status()).isEqualTo(202);

        assertThat(rounds.poll(2, TimeUnit.SECONDS)).startsWith("first:");
        assertThat(rounds.poll(1_500, TimeUnit.MILLISECONDS)).as("a round sent for a client that left").isNull();
    }

    @Test
    void aCallCancelledWhileTheServerWaitsForItsInputEndsWithoutAResponse() throws Exception {
        McpHttp client = client();
        try (RawConnection http = connection()) {
            askedCall(client, http, "\"cancelled-1\"");

            long cancelled = System.nanoTime();
            McpHttp.Response accepted = client.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                    + "\"params\":{\"requestId\":\"cancelled-1\",\"reason\":\"no longer needed\"}}");
            assertThat(accepted.status()).isEqualTo(202);

            String rest = new String(http.readAll().body(), StandardCharsets.UTF_8);
            assertThat((System.nanoTime() - cancelled) / 1_000_000).as("ms until the request ended").isLessThan(2_000);
            // a cancelled request is not answered (MCP cancellation), least of all as the server's failure
            assertThat(rest).as("the rest of the client's request").doesNotContain("\"error\"", "cancelled-1");
        }
        assertThat(rounds.poll(2, TimeUnit.SECONDS)).startsWith("first:");
        assertThat(rounds.poll(500, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void everyRoundOfACallGoesToTheServerFromTheEventLoopTheCallArrivedOn() throws Exception {
        for (int i = 0; i < 4; i++) {
            McpHttp client = client();
            try (RawConnection http = connection()) {
                JsonNode question = askedCall(client, http, "\"rounds-" + i + "\"");
                // the answer arrives on another connection, often served by another event loop
                assertThat(accept(client, question).status()).isEqualTo(202);
                assertThat(new String(http.readAll().body(), StandardCharsets.UTF_8)).contains("done");
            }
            String first = rounds.poll(2, TimeUnit.SECONDS);
            String next = rounds.poll(2, TimeUnit.SECONDS);
            assertThat(first).startsWith("first:");
            // the event loop's pooled connection carries the next round too: it went out from the same loop
            assertThat(next).as("call %d", i).isEqualTo("next:" + first.substring("first:".length()));
        }
    }

    @Test
    void aCallWaitingForTheClientsInputOutlivesAReload() throws Exception {
        McpHttp client = client();
        try (RawConnection http = connection()) {
            JsonNode question = askedCall(client, http, "\"reloaded-1\"");
            gateway.gateway().apply(config("""
                      - name: other
                        url: http://127.0.0.1:9/other
                        routes: [{name: other, paths: [/other]}]
                    """).getBytes(StandardCharsets.UTF_8), gateway.configFile().getParent());

            assertThat(accept(client, question).status()).isEqualTo(202);
            long answered = System.nanoTime();
            String rest = new String(http.readAll().body(), StandardCharsets.UTF_8);
            assertThat(rest).contains("\"id\":\"reloaded-1\"", "done");
            assertThat((System.nanoTime() - answered) / 1_000_000).as("ms until the call ended").isLessThan(2_000);
        }
    }

    /**
     * A call waiting on a route a reload removes, for the client's answer to the server's question (which could no
     * longer reach the route) or for the server's answer, ends at once saying why, well before read_timeout (4 s).
     */
    @ParameterizedTest
    @ValueSource(strings = {"ask", "slow"})
    void aCallWaitingOnARouteAReloadRemovesEndsAtOnceTellingTheClientTheRouteWasRemoved(String tool) throws Exception {
        McpHttp client = client();
        try (RawConnection http = connection()) {
            if (tool.equals("ask")) {
                askedCall(client, http, "\"removed-1\"");
            } else {
                send(client, http, "\"removed-1\"", tool);
                Thread.sleep(300);
            }
            long removed = System.nanoTime();
            gateway.gateway().apply("""
                    _format_version: "3.0"
                    services:
                      - name: other
                        url: http://127.0.0.1:9/other
                        routes: [{name: other, paths: [/other]}]
                    """.getBytes(StandardCharsets.UTF_8), gateway.configFile().getParent());

            RawConnection.Response rest = http.readAll();
            assertThat((System.nanoTime() - removed) / 1_000_000).as("ms until the call ended").isLessThan(2_000);
            if (tool.equals("slow")) {
                assertThat(rest.status()).isEqualTo(503);
            }
            assertThat(rest.text()).contains("\"id\":\"removed-1\"", "route 'modern-only' was removed by a configuration reload");
        } finally {
            gateway.gateway().apply(config("").getBytes(StandardCharsets.UTF_8), gateway.configFile().getParent());
        }
    }

    /**
     * A call waiting for the client's answer on a route a reload keeps but serves in another mode, or points at
     * another server, ends at once as on a removed route: the session the answer would name ends with the change.
     */
    @ParameterizedTest
    @ValueSource(strings = {"conversion", "repointed"})
    void aCallWaitingOnARouteAReloadChangesEndsAtOnceTellingTheClientToInitializeAgain(String change)
            throws Exception {
        McpHttp client = client();
        try (RawConnection http = connection()) {
            askedCall(client, http, "\"changed-1\"");
            String next = change.equals("conversion")
                    ? config("").replace("config: {mode: passthrough-listener, server: {upstream_era: modern}}",
                            "config: {mode: conversion-listener, tools: [{name: ping, description: Ping, method: GET, "
                                    + "path: /ping}]}")
                    : config("").replace("url: " + modernOnly.url() + "/mcp",
                            "url: " + modernOnly.url().replace("127.0.0.1", "localhost") + "/mcp");
            assertThat(next).isNotEqualTo(config(""));
            long changed = System.nanoTime();
            gateway.gateway().apply(next.getBytes(StandardCharsets.UTF_8), gateway.configFile().getParent());

            RawConnection.Response rest = http.readAll();
            assertThat((System.nanoTime() - changed) / 1_000_000).as("ms until the call ended").isLessThan(2_000);
            assertThat(rest.text()).contains("\"id\":\"changed-1\"",
                    "a configuration reload changed where route 'modern-only' relays", "initialize again");
        } finally {
            gateway.gateway().apply(config("").getBytes(StandardCharsets.UTF_8), gateway.configFile().getParent());
        }
    }

    /**
     * A graceful stop gives calls in flight the grace period, but a call waiting for the client's answer to the
     * server's question would wait it out: the answer cannot reach a gateway that refuses new connections. It
     * ends at once, telling the client why, as a server stream does.
     */
    @Test
    void aCallWaitingForTheClientsInputEndsAtOnceWhenTheGatewayStopsInsteadOfHoldingTheStop() throws Exception {
        TestGateway stopping = TestGateway.start(config(""));
        try (RawConnection http = connection(stopping)) {
            askedCall(stopping, client(stopping), http, "\"stopped-1\"");
            long started = System.nanoTime();

            stopping.gateway().stop(Duration.ofSeconds(20));

            assertThat((System.nanoTime() - started) / 1_000_000).as("ms until the gateway stopped").isLessThan(2_000);
            assertThat(http.readAll().text()).contains("\"id\":\"stopped-1\"", "the gateway is stopping");
        } finally {
            stopping.close();
        }
    }

    /** A legacy client with a session. */
    private static McpHttp client() {
        return client(gateway);
    }

    private static McpHttp client(TestGateway gateway) {
        McpHttp client = new McpHttp(gateway.proxy("/mcp"));
        McpHttp.Response initialized = client.initialize("2025-11-25");
        assertThat(initialized.status()).as(initialized.toString()).isEqualTo(200);
        return client;
    }

    /** The tool called on a connection of its own, up to the server's question on its stream; the question. */
    private static JsonNode askedCall(McpHttp client, RawConnection http, String id) throws IOException {
        return askedCall(gateway, client, http, id);
    }

    private static JsonNode askedCall(TestGateway gateway, McpHttp client, RawConnection http, String id)
            throws IOException {
        send(gateway, client, http, id, "ask");
        assertThat(http.head().status()).isEqualTo(200);
        String event = http.readUntil("\n\n");
        assertThat(event).contains("elicitation/create");
        return Json.parse(event.substring(event.indexOf("data:") + 5).trim().getBytes(StandardCharsets.UTF_8));
    }

    /** Calls {@code tool} on a connection of its own, reading nothing of the answer. */
    private static void send(McpHttp client, RawConnection http, String id, String tool) {
        send(gateway, client, http, id, tool);
    }

    private static void send(TestGateway gateway, McpHttp client, RawConnection http, String id, String tool) {
        byte[] call = ("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
                + tool + "\",\"arguments\":{}}}").getBytes(StandardCharsets.UTF_8);
        int port = gateway.proxy("/").getPort();
        http.send("POST", "/mcp", List.of("Host: 127.0.0.1:" + port, "Content-Type: application/json",
                "Accept: application/json, text/event-stream", "Mcp-Session-Id: " + client.sessionId(),
                "MCP-Protocol-Version: 2025-11-25", "Content-Length: " + call.length), call);
    }

    private static McpHttp.Response accept(McpHttp client, JsonNode question) {
        return client.post("{\"jsonrpc\":\"2.0\",\"id\":" + Json.text(question.get("id"))
                + ",\"result\":{\"action\":\"accept\",\"content\":{}}}");
    }

    private static RawConnection connection() {
        return connection(gateway);
    }

    private static RawConnection connection(TestGateway gateway) {
        return RawConnection.connect(gateway.proxy("/").getPort(), 0);
    }
}
