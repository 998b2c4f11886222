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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the era bridge keeps for each upstream session it holds for modern clients: one per caller and
 * declared client, up to a thousand and more of them, while the client's declaration (its capabilities
 * and client info) comes with each request, as long as a body may be. The legacy server is scripted: it
 * opens a session for each {@code initialize} and answers {@code tools/list}.
 */
@Timeout(120)
class EraBridgeSessionKeysIT {

    static final String LISTED = "{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":{\"tools\":[]}}";
    static final String SESSION_RESOURCES = "{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":{\"resources\":"
            + "[{\"uri\":\"session://%s/notes\",\"name\":\"notes\"}]}}";

    static RestUpstream legacyOnly;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        legacyOnly = new RestUpstream().onMessage("POST /mcp", EraBridgeSessionKeysIT::answer);
        gateway = TestGateway.start(ScriptedLegacyServer.route(legacyOnly, ""));
    }

    @AfterAll
    static void stop() {
        ScriptedLegacyServer.close(gateway, legacyOnly);
    }

    private static void answer(HttpServerRequest request, JsonNode message) {
        switch (message.path("method").asText()) {
            case "initialize" -> request.response().putHeader("content-type", "application/json")
                    .putHeader("mcp-session-id", "s-" + System.nanoTime()).end(ScriptedLegacyServer.INITIALIZED.formatted(message.get("id")));
            case "tools/list" -> request.response().putHeader("content-type", "application/json")
                    .end(LISTED.formatted(message.get("id")));
            // a resource of the session's own, as a server that adds one per session lists it
            case "resources/list" -> request.response().putHeader("content-type", "application/json")
                    .end(SESSION_RESOURCES.formatted(message.get("id"), request.getHeader("mcp-session-id")));
            default -> request.response().setStatusCode(202).end();
        }
    }

    @Test
    void clientsDeclaringAMegabyteOfCapabilitiesEachDoNotLeaveThatMegabyteInTheBridge() throws Exception {
        ModernHttp modern = new ModernHttp(gateway.proxy("/mcp"));
        legacyOnly.clear();
        long before = heapAfterGc();
        for (int i = 0; i < 64; i++) {
            String capabilities = "{\"experimental\":{\"padding\":\"" + i + "x".repeat(1_000_000) + "\"}}";
            McpHttp.Response listed = modern.request("tools/list", "{}", capabilities, Map.of());
            assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
            assertThat(listed.json().at("/result/resultType").asText()).isEqualTo("complete");
        }
        legacyOnly.clear(); // what the server recorded of the initialize requests is not the gateway's
        long grown = heapAfterGc() - before;

        assertThat(grown).as("heap kept by 64 bridged sessions, in bytes").isLessThan(16L << 20);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {"tools/list | authorization | Bearer alice", "tools/list | cookie | sid=alice",
            "server/discover | authorization | Bearer alice", "tools/list | x-api-key | alice"})
    void whatTheServerAnsweredAClientSendingItsOwnCredentialsIsCachedPrivately(String method, String header,
                                                                               String value) {
        McpHttp.Response credited = new ModernHttp(gateway.proxy("/mcp"), Map.of(header, value)).request(method, "{}");

        assertThat(credited.json().at("/result/cacheScope").asText())
                .as("a server that checks the client's own credentials may answer each its own: " + credited)
                .isEqualTo("private");
    }

    @Test
    void listsAnsweredFromTheSessionAnAnonymousClientsAddressHoldsAreCachedPrivately() {
        ModernHttp anonymous = new ModernHttp(gateway.proxy("/mcp"));
        for (String method : List.of("resources/list", "tools/list")) {
            McpHttp.Response listed = anonymous.request(method, "{}");
            assertThat(listed.json().at("/result/cacheScope").asText())
                    .as("the session is this address's, and its lists may hold what it added: " + listed)
                    .isEqualTo("private");
        }
        McpHttp.Response resources = anonymous.request("resources/list", "{}");
        assertThat(resources.json().at("/result/resources/0/uri").asText()).as(resources.toString())
                .startsWith("session://s-");
        // discover is answered from the server's initialize, before the session held anything of its own
        McpHttp.Response discovered = anonymous.request("server/discover", "{}");
        assertThat(discovered.json().at("/result/cacheScope").asText()).as(discovered.toString()).isEqualTo("public");
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
