package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sessions the {@code auto} era probe opens at a modern server: its {@code initialize} (asking whether the
 * server also serves legacy clients) may be answered with a session, whatever else the answer says, and the
 * gateway ends each one at once. The server is scripted per path: it is modern ({@code server/discover}
 * answered) and answers {@code initialize} with a session id and an answer of the path's kind.
 */
@Timeout(60)
class EraProbeSessionsIT {

    static final String DISCOVERED = """
            {"jsonrpc":"2.0","id":"toolgate-era-probe","result":{"resultType":"complete","supportedVersions":["2026-07-28"],
             "capabilities":{"tools":{}},"_meta":{"io.modelcontextprotocol/serverInfo":{"name":"scripted","version":"1"}}}}""";
    static final Map<String, String> INITIALIZED = Map.of(
            "/versionless", "{\"jsonrpc\":\"2.0\",\"id\":\"toolgate-era-probe\",\"result\":{\"capabilities\":{}}}",
            "/refusing", "{\"jsonrpc\":\"2.0\",\"id\":\"toolgate-era-probe\",\"error\":{\"code\":-32600,\"message\":\"no\"}}",
            "/agreeing", """
                    {"jsonrpc":"2.0","id":"toolgate-era-probe","result":{"protocolVersion":"2025-11-25","capabilities":{},
                     "serverInfo":{"name":"scripted","version":"1"}}}""");

    static RestUpstream server;
    static TestGateway gateway;
    /** DELETEs the server received: session id to the path it was sent to. */
    static final Map<String, String> ended = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() {
        server = new RestUpstream();
        StringBuilder routes = new StringBuilder();
        for (String path : INITIALIZED.keySet()) {
            server.onMessage("POST " + path, (request, message) -> answer(path, request, message))
                    .on("DELETE " + path, request -> {
                        ended.put(request.getHeader("mcp-session-id"), path);
                        request.response().setStatusCode(200).end();
                    });
            routes.append("""
                      - name: %1$s
                        url: %2$s/%1$s
                        routes:
                          - name: %1$s
                            paths: [/%1$s]
                            strip_path: true
                            plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener}}]
                    """.formatted(path.substring(1), server.url()));
        }
        gateway = TestGateway.start("_format_version: \"3.0\"\nservices:\n" + routes);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static void answer(String path, HttpServerRequest request, JsonNode message) {
        String body = switch (message.path("method").asText()) {
            case "server/discover" -> DISCOVERED;
            case "initialize" -> INITIALIZED.get(path);
            default -> null;
        };
        if (body == null) {
            request.response().setStatusCode(202).end();
            return;
        }
        if (message.path("method").asText().equals("initialize")) {
            request.response().putHeader("mcp-session-id", "probed" + path);
        }
        request.response().putHeader("content-type", "application/json").end(body);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/versionless", "/refusing", "/agreeing"})
    void theSessionTheEraProbesInitializeOpenedIsEndedAtTheServerWhateverItsAnswerSaid(String path) {
        McpHttp legacy = new McpHttp(gateway.proxy(path));

        McpHttp.Response initialized = legacy.initialize("2025-11-25");

        assertThat(initialized.status()).as(initialized.toString()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(ended).as("sessions ended at the server").containsEntry("probed" + path, path));
        assertThat(server.received()).filteredOn(r -> r.method().equals("DELETE") && r.path().equals(path))
                .extracting(r -> r.header("mcp-protocol-version")).containsExactly(
                        path.equals("/agreeing") ? "2025-11-25" : dev.toolgate.mcp.ProtocolVersion.LATEST);
    }
}
