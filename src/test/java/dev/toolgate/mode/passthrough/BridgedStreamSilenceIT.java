package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.ModernHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;


import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server that opens an event stream for a bridged call and then says nothing: the service's
 * {@code read_timeout} bounds that silence, as it does for a relayed stream, and the client gets the
 * gateway's timeout as the call's JSON-RPC error instead of waiting for as long as the server likes. The
 * servers are scripted, one per era; each answers what the bridge needs to open a session and then
 * answers {@code tools/call} with the head of an event stream and nothing more.
 */
@Timeout(60)
class BridgedStreamSilenceIT {

    static final String DISCOVERED = """
            {"jsonrpc":"2.0","id":%s,"result":{"resultType":"complete","supportedVersions":["2026-07-28"],
             "capabilities":{"tools":{}},"_meta":{"io.modelcontextprotocol/serverInfo":{"name":"scripted","version":"1"}}}}""";
    static final String INITIALIZED = """
            {"jsonrpc":"2.0","id":%s,"result":{"protocolVersion":"2025-11-25","capabilities":{"tools":{}},
             "serverInfo":{"name":"scripted","version":"1"}}}""";

    static RestUpstream servers;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        servers = new RestUpstream().onMessage("POST /modern", BridgedStreamSilenceIT::answer)
                .onMessage("POST /legacy", BridgedStreamSilenceIT::answer);
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: modern-only
                    url: %1$s/modern
                    read_timeout: 500
                    routes:
                      - name: modern-only
                        paths: [/modern]
                        plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener, server: {upstream_era: modern}}}]
                  - name: legacy-only
                    url: %1$s/legacy
                    read_timeout: 500
                    routes:
                      - name: legacy-only
                        paths: [/legacy]
                        plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener, server: {upstream_era: legacy}}}]
                """.formatted(servers.url()));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (servers != null) {
            servers.close();
        }
    }

    private static void answer(HttpServerRequest request, JsonNode message) {
        switch (message.path("method").asText()) {
            case "server/discover" -> request.response().putHeader("content-type", "application/json")
                    .end(DISCOVERED.formatted(message.get("id")));
            case "initialize" -> request.response().putHeader("content-type", "application/json")
                    .putHeader("mcp-session-id", "scripted-session").end(INITIALIZED.formatted(message.get("id")));
            // the head of a stream, then silence
            case "tools/call" -> request.response().setChunked(true).putHeader("content-type", "text/event-stream")
                    .writeHead();
            default -> request.response().setStatusCode(202).end();
        }
    }

    @Test
    void aLegacyClientWhoseBridgedCallsStreamFallsSilentGetsATimeoutError() {
        McpHttp legacy = new McpHttp(gateway.proxy("/modern"));
        assertThat(legacy.initialize("2025-11-25").status()).isEqualTo(200);

        long started = System.nanoTime();
        McpHttp.Response call = legacy.post("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"slow\",\"arguments\":{}}}");

        assertThat(call.status()).as(call.toString()).isEqualTo(504);
        assertThat(call.json().path("id").asInt()).isEqualTo(7);
        assertThat(call.json().at("/error/message").asText()).contains("read_timeout").doesNotContain("127.0.0.1");
        assertThat((System.nanoTime() - started) / 1_000_000).as("ms until the client was answered").isLessThan(5_000);
    }

    @Test
    void aModernClientWhoseBridgedCallsStreamFallsSilentGetsATimeoutError() {
        ModernHttp modern = new ModernHttp(gateway.proxy("/legacy"));

        long started = System.nanoTime();
        McpHttp.Response call = modern.request("tools/call", "{\"name\":\"slow\",\"arguments\":{}}");

        assertThat(call.status()).as(call.toString()).isEqualTo(504);
        assertThat(call.json().path("id").isNull()).as("the error names the request it answers").isFalse();
        assertThat(call.json().at("/error/message").asText()).contains("read_timeout").doesNotContain("127.0.0.1");
        assertThat((System.nanoTime() - started) / 1_000_000).as("ms until the client was answered").isLessThan(5_000);
    }
}
