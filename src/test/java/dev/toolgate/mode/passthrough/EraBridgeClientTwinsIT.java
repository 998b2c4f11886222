package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.ModernHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 2026-07-28 client bridged to a legacy server carries the route's request-transformer headers as a
 * forwarded call does: a header the operator adds spelled with underscores ({@code X_Tenant}) reaches the
 * server with no client-sent dashed twin beside it, which PHP and WSGI servers read as the same header.
 */
@Timeout(60)
class EraBridgeClientTwinsIT {

    static final String INITIALIZED = """
            {"jsonrpc":"2.0","id":%s,"result":{"protocolVersion":"2025-11-25","capabilities":{"tools":{}},
             "serverInfo":{"name":"legacy","version":"1"}}}""";

    static RestUpstream legacyOnly;
    static TestGateway gateway;
    static final List<MultiMap> received = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        legacyOnly = new RestUpstream()
                .onMessage("POST /mcp", EraBridgeClientTwinsIT::answer)
                .on("DELETE /mcp", request -> request.response().setStatusCode(200).end());
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: legacy-only
                    url: %s
                    routes:
                      - name: tenant
                        paths: [/mcp]
                        strip_path: false
                        plugins:
                          - {name: request-transformer, config: {add: {headers: ["X_Tenant:acme"]}}}
                          - {name: ai-mcp-proxy, config: {mode: passthrough-listener, server: {upstream_era: legacy}}}
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

    private static void answer(HttpServerRequest request, JsonNode message) {
        received.add(MultiMap.caseInsensitiveMultiMap().addAll(request.headers()));
        switch (message.path("method").asText()) {
            case "initialize" -> request.response().putHeader("content-type", "application/json")
                    .putHeader("mcp-session-id", "s-1").end(INITIALIZED.formatted(message.get("id")));
            case "tools/list" -> request.response().putHeader("content-type", "application/json").end("""
                    {"jsonrpc":"2.0","id":%s,"result":{"tools":[]}}""".formatted(message.get("id")));
            default -> request.response().setStatusCode(202).end();
        }
    }

    @Test
    void aClientsDashedTwinOfAnUnderscoreHeaderTheOperatorAddsNeverReachesTheBridgedServer() {
        ModernHttp modern = new ModernHttp(gateway.proxy("/mcp"), Map.of("X-Tenant", "beta"));
        McpHttp.Response listed = modern.request("tools/list", "{}");

        assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
        assertThat(received).isNotEmpty().allSatisfy(headers -> {
            assertThat(headers.getAll("X_Tenant")).containsExactly("acme");
            assertThat(headers.getAll("X-Tenant")).as("the client's twin").isEmpty();
        });
    }
}
