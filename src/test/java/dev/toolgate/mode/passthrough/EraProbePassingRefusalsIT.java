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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An {@code auto} route's era probe answered for a passing or caller-specific reason (too many requests, a timeout,
 * too large; a 406, 409 or 415, even with a body naming the method unknown): that says nothing of the era the
 * server speaks, so it is not remembered. The scripted server speaks
 * 2026-07-28 alone; it refuses the first probe of each kind at its path with the path's status and answers every
 * later one (EraProbeSessionsIT's server, with the refusal in front).
 */
@Timeout(60)
class EraProbePassingRefusalsIT {

    static final String[] STATUSES = {"406", "409", "408", "413", "415", "429"};
    /** Refusals of the Accept or Content-Type both eras send, or of the server's state: era-blind, whatever the body. */
    static final java.util.Set<Integer> WITH_METHOD_NOT_FOUND = java.util.Set.of(406, 409, 415);
    static final String LISTED = """
            {"jsonrpc":"2.0","id":%s,"result":{"resultType":"complete","tools":[],"ttlMs":0,"cacheScope":"public"}}""";

    static RestUpstream server;
    static TestGateway gateway;
    /** Probes refused so far, per path and method. */
    static final Map<String, AtomicInteger> refused = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() {
        server = new RestUpstream();
        StringBuilder routes = new StringBuilder();
        for (String status : STATUSES) {
            for (String era : new String[] {"modern", "legacy"}) {
                String name = era + status;
                server.onMessage("POST /" + name, (request, message) -> answer(name, Integer.parseInt(status), request, message));
                routes.append("""
                          - name: %1$s
                            url: %2$s/%1$s
                            routes:
                              - name: %1$s
                                paths: [/%1$s]
                                strip_path: true
                                plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener}}]
                        """.formatted(name, server.url()));
            }
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

    /** A modern-only server: initialize is a method it does not know; each probe refused once first. */
    private static void answer(String name, int status, HttpServerRequest request, JsonNode message) {
        String method = message.path("method").asText();
        boolean probe = message.path("id").asText().equals("toolgate-era-probe");
        if (probe && refused.computeIfAbsent(name + " " + method, m -> new AtomicInteger()).getAndIncrement() == 0
                && (method.equals("server/discover") == name.startsWith("modern"))) {
            if (WITH_METHOD_NOT_FOUND.contains(status)) {
                request.response().setStatusCode(status).putHeader("content-type", "application/json").end("""
                        {"jsonrpc":"2.0","id":%s,"error":{"code":-32601,"message":"Method not found"}}"""
                        .formatted(message.get("id")));
            } else if (status == 429) {
                // a modern code on the refusal is the refusal's, not an answer about the era
                request.response().setStatusCode(429).putHeader("retry-after", "7")
                        .putHeader("content-type", "application/json").end("""
                        {"jsonrpc":"2.0","id":%s,"error":{"code":-32022,"message":"Too many requests"}}"""
                        .formatted(message.get("id")));
            } else {
                request.response().setStatusCode(status).end();
            }
            return;
        }
        String body = switch (method) {
            case "server/discover" -> EraProbeSessionsIT.DISCOVERED;
            case "tools/list" -> LISTED.formatted(message.get("id"));
            default -> null;
        };
        if (body == null) {
            request.response().setStatusCode(404).putHeader("content-type", "application/json").end("""
                    {"jsonrpc":"2.0","id":%s,"error":{"code":-32601,"message":"Method not found"}}""".formatted(message.get("id")));
            return;
        }
        request.response().putHeader("content-type", "application/json").end(body);
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(strings = {"406", "408", "409", "413", "415"})
    void aModernServerWhoseDiscoverProbeWasRefusedForAPassingReasonStillGetsModernClientsAsTheyAre(String status) {
        ModernHttp client = new ModernHttp(gateway.proxy("/modern" + status));

        McpHttp.Response first = client.request("tools/list", "{}");
        McpHttp.Response second = client.request("tools/list", "{}");

        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(second.status()).as(second.toString()).isEqualTo(200);
        assertThat(second.json().path("result").path("tools").isArray()).as(second.toString()).isTrue();
        assertThat(server.received()).filteredOn(r -> r.path().equals("/modern" + status))
                .as("no legacy session asked of a modern-only server").noneMatch(r -> r.body().contains("\"initialize\""));
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(strings = {"406", "408", "409", "413", "415"})
    void aModernOnlyServerWhoseInitializeProbeWasRefusedForAPassingReasonIsAskedAgain(String status) {
        McpHttp first = new McpHttp(gateway.proxy("/legacy" + status));
        McpHttp second = new McpHttp(gateway.proxy("/legacy" + status));

        first.initialize("2025-11-25");
        McpHttp.Response bridged = second.initialize("2025-11-25");

        assertThat(bridged.status()).as(bridged.toString()).isEqualTo(200);
        assertThat(bridged.json().path("result").path("protocolVersion").asText()).isEqualTo("2025-11-25");
        assertThat(server.received()).filteredOn(r -> r.path().equals("/legacy" + status)
                        && r.body().contains("\"initialize\"") && r.body().contains("toolgate-era-probe")).as("initialize probes").hasSize(2);
    }

    @Test
    void aDiscoverProbeRefusedWith429RefusesTheModernClientAsRetryableWithTheServersRetryAfterAndSendsItsRequestNowhere() {
        ModernHttp client = new ModernHttp(gateway.proxy("/modern429"));

        McpHttp.Response refused = client.request("tools/list", "{}");
        long sentBefore = toolLists("/modern429");
        McpHttp.Response retried = client.request("tools/list", "{}");

        assertThat(refused.status()).as(refused.toString()).isEqualTo(429);
        assertThat(refused.header("retry-after")).isEqualTo("7");
        assertThat(refused.body()).contains("Too Many Requests").contains("retry in 7 s");
        assertThat(sentBefore).as("the refused request was not forwarded").isZero();
        assertThat(retried.status()).as(retried.toString()).isEqualTo(200);
        assertThat(retried.json().path("result").path("tools").isArray()).as(retried.toString()).isTrue();
        assertThat(server.received()).filteredOn(r -> r.path().equals("/modern429"))
                .as("no legacy session asked of a modern-only server").noneMatch(r -> r.body().contains("\"initialize\""));
    }

    @Test
    void anInitializeProbeRefusedWith429RefusesTheLegacyClientAsRetryableAndTheNextOneIsBridged() {
        McpHttp.Response refused = new McpHttp(gateway.proxy("/legacy429")).initialize("2025-11-25");
        McpHttp.Response bridged = new McpHttp(gateway.proxy("/legacy429")).initialize("2025-11-25");

        assertThat(refused.status()).as(refused.toString()).isEqualTo(429);
        assertThat(refused.header("retry-after")).isEqualTo("7");
        assertThat(bridged.status()).as(bridged.toString()).isEqualTo(200);
        assertThat(bridged.json().path("result").path("protocolVersion").asText()).isEqualTo("2025-11-25");
        assertThat(server.received()).filteredOn(r -> r.path().equals("/legacy429") && r.body().contains("\"initialize\"")
                && !r.body().contains("toolgate-era-probe")).as("client initializes forwarded as they were").isEmpty();
    }

    private static long toolLists(String path) {
        return server.received().stream().filter(r -> r.path().equals(path) && r.body().contains("\"tools/list\"")).count();
    }
}
