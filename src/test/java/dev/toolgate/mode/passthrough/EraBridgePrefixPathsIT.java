package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.ModernHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The era bridge behind a prefix route: {@code /mcp/a} and {@code /mcp/b} are two legacy servers' endpoints
 * ({@code /base/a}, {@code /base/b} upstream), each with sessions of its own. The scripted server (EraBridgeSession-
 * KeysIT's, per path) names the path in its serverInfo and its session ids, and forgets (404) a session opened at
 * another path.
 */
@Timeout(60)
class EraBridgePrefixPathsIT {

    static final String INITIALIZED = """
            {"jsonrpc":"2.0","id":%s,"result":{"protocolVersion":"2025-11-25","capabilities":{"tools":{}},
             "serverInfo":{"name":"server-%s","version":"1"}}}""";

    static RestUpstream legacyOnly;
    static TestGateway gateway;
    static final AtomicInteger opened = new AtomicInteger();

    @BeforeAll
    static void start() {
        legacyOnly = new RestUpstream();
        for (String path : new String[] {"a", "b"}) {
            legacyOnly.onMessage("POST /base/" + path, (request, message) -> answer(path, request, message))
                    .on("DELETE /base/" + path, request -> request.response().setStatusCode(200).end());
        }
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: legacy-only
                    url: %s/base
                    routes:
                      - name: prefix
                        paths: [/mcp]
                        strip_path: true
                        plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener, server: {upstream_era: legacy}}}]
                """.formatted(legacyOnly.url()));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (legacyOnly != null) {
            legacyOnly.close();
        }
    }

    private static void answer(String path, HttpServerRequest request, JsonNode message) {
        String session = request.getHeader("mcp-session-id");
        if (!message.path("method").asText().equals("initialize")
                && (session == null || !session.startsWith(path + "-"))) {
            request.response().setStatusCode(404).end();
            return;
        }
        switch (message.path("method").asText()) {
            case "initialize" -> request.response().putHeader("content-type", "application/json")
                    .putHeader("mcp-session-id", path + "-" + opened.incrementAndGet())
                    .end(INITIALIZED.formatted(message.get("id"), path));
            case "tools/list" -> request.response().putHeader("content-type", "application/json").end("""
                    {"jsonrpc":"2.0","id":%s,"result":{"tools":[{"name":"tool-%s","inputSchema":{"type":"object"}}]}}"""
                    .formatted(message.get("id"), path));
            default -> request.response().setStatusCode(202).end();
        }
    }

    @Test
    void eachPathUnderAPrefixRouteIsBridgedInASessionOfItsOwnServer() {
        for (int round = 0; round < 2; round++) {
            for (String path : new String[] {"a", "b"}) {
                ModernHttp modern = new ModernHttp(gateway.proxy("/mcp/" + path));
                McpHttp.Response discovered = modern.request("server/discover", "{}");
                McpHttp.Response listed = modern.request("tools/list", "{}");

                assertThat(discovered.json().at("/result/_meta/io.modelcontextprotocol~1serverInfo/name").asText())
                        .as(discovered.toString()).isEqualTo("server-" + path);
                assertThat(listed.json().at("/result/tools/0/name").asText()).as(listed.toString())
                        .isEqualTo("tool-" + path);
            }
        }

        assertThat(opened.get()).as("sessions opened upstream: one per path, kept").isEqualTo(2);
    }
}
