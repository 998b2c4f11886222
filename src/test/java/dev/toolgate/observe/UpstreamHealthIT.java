package dev.toolgate.observe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RawHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The passive health of a called service ({@code kong_upstream_target_health}, the live page's upstreams), as
 * a platform team reads it: what the service did, never what a client did.
 */
@Timeout(60)
class UpstreamHealthIT {

    private static final String CALL = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
            + "\"params\":{\"name\":\"one\",\"arguments\":{}}}";

    @Test
    void clientsThatGiveUpBeforeTheServiceAnswersNeverMakeItUnhealthy() throws Exception {
        try (RestUpstream upstream = new RestUpstream();
             TestGateway gateway = TestGateway.start(upstream.oneToolRoute())) {
            // a slow service: it answers, but after each client here has given up and closed its connection
            upstream.on("GET /one", request -> upstream.vertx().setTimer(1_500,
                    t -> request.response().putHeader("content-type", "application/json").end("{\"ok\":true}")));
            URI mcp = gateway.proxy("/mcp");
            McpHttp client = new McpHttp(mcp);
            client.initialize("2025-06-18");
            for (int i = 0; i < 5; i++) {
                callAndHangUp(mcp, client.sessionId());
                upstream.next();
            }
            // one call a client waits for: the service is then known, from that call alone
            client.call("one", "{}");
            AdminHttp admin = new AdminHttp(gateway);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode api = service(admin.get("/dashboard/overview").json(), "api");
                assertThat(api).as("the service was called").isNotNull();
                assertThat(api.path("calls").asLong()).as(api.toString()).isPositive();
                assertThat(api.path("state").asText()).as(api.toString()).isEqualTo("healthy");
                assertThat(api.path("failures").asLong()).as(api.toString()).isZero();
            });
        }
    }

    @Test
    void passthroughClientsThatGiveUpBeforeTheServerAnswersNeverMakeItUnhealthy() throws Exception {
        try (RestUpstream server = new RestUpstream();
             TestGateway gateway = TestGateway.start("""
                     _format_version: "3.0"
                     services:
                       - name: server
                         url: %s
                         routes:
                           - name: passthrough
                             paths: [/server]
                             strip_path: false
                             plugins:
                               - name: ai-mcp-proxy
                                 config: {mode: passthrough-listener}
                     """.formatted(server.url()))) {
            // a slow MCP server: it answers, but after each client here has given up and closed its connection
            server.on("POST /server", request -> server.vertx().setTimer(1_500, t -> request.response()
                    .putHeader("content-type", "application/json")
                    .end("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[]}}")));
            URI mcp = gateway.proxy("/server");
            for (int i = 0; i < 5; i++) {
                callAndHangUp(mcp, "s-1");
                server.next();
            }
            AdminHttp admin = new AdminHttp(gateway);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                // nothing is known of a server no call waited for: unlisted, or healthy
                JsonNode called = service(admin.get("/dashboard/overview").json(), "server");
                assertThat(called == null ? "healthy" : called.path("state").asText()).as("%s", called)
                        .isEqualTo("healthy");
                assertThat(called == null ? 0 : called.path("failures").asLong()).as("%s", called).isZero();
            });
        }
    }

    @Test
    void toolCallsTheirClientsCancelNeverMakeTheServiceUnhealthy() throws Exception {
        try (RestUpstream upstream = new RestUpstream();
             TestGateway gateway = TestGateway.start(upstream.oneToolRoute())) {
            upstream.on("GET /one", request -> upstream.vertx().setTimer(10_000, t -> {
                if (!request.response().closed()) {
                    request.response().putHeader("content-type", "application/json").end("{\"ok\":true}");
                }
            }));
            McpHttp client = new McpHttp(gateway.proxy("/mcp"));
            client.initialize("2025-06-18");
            for (int i = 1; i <= 4; i++) {
                String id = Integer.toString(i);
                CompletableFuture<McpHttp.Response> call = CompletableFuture.supplyAsync(() -> client.post(
                        "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\","
                                + "\"params\":{\"name\":\"one\",\"arguments\":{}}}"));
                upstream.next();
                assertThat(client.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                        + "\"params\":{\"requestId\":" + id + "}}").status()).isEqualTo(202);
                call.get(10, TimeUnit.SECONDS);
            }
            AdminHttp admin = new AdminHttp(gateway);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode api = service(admin.get("/dashboard/overview").json(), "api");
                assertThat(api == null ? "healthy" : api.path("state").asText()).as("%s", api).isEqualTo("healthy");
                assertThat(api == null ? 0 : api.path("failures").asLong()).as("%s", api).isZero();
            });
        }
    }

    @Test
    void aServiceTheConfigurationNoLongerHasOrHasElsewhereIsForgotten() {
        try (RestUpstream first = new RestUpstream(); RestUpstream moved = new RestUpstream();
             TestGateway gateway = TestGateway.start(withHealthMetrics(first.oneToolRoute()))) {
            // the tool's path is the service's URL and the tool's path: GET /one here
            first.json("GET /one", 500, "{}");
            moved.json("GET /one", 200, "{\"ok\":true}");
            McpHttp client = new McpHttp(gateway.proxy("/mcp"));
            client.initialize("2025-06-18");
            for (int i = 0; i < 3; i++) {
                client.call("one", "{}");
            }
            AdminHttp admin = new AdminHttp(gateway);
            String firstAddress = "127.0.0.1:" + first.port();
            assertThat(healthLines(admin)).as("the failing service is reported")
                    .contains("kong_upstream_target_health{address=\"" + firstAddress + "\",state=\"unhealthy\","
                            + "subsystem=\"http\",target=\"" + firstAddress + "\",upstream=\"api\"} 1.0");

            // renamed: the service api is gone
            assertThat(admin.postConfig(withHealthMetrics(first.oneToolRoute()).replace("name: api", "name: rest"))
                    .status()).isLessThan(300);
            assertThat(healthLines(admin)).as("a removed service").noneMatch(l -> l.contains("upstream=\"api\""));
            assertThat(service(admin.get("/dashboard/overview").json(), "api")).as("the page's upstreams").isNull();

            // moved: rest now answers at another address, and only that one is reported
            assertThat(admin.postConfig(withHealthMetrics(moved.oneToolRoute()).replace("name: api", "name: rest"))
                    .status()).isLessThan(300);
            McpHttp again = new McpHttp(gateway.proxy("/mcp"));
            again.initialize("2025-06-18");
            again.call("one", "{}");
            String movedAddress = "127.0.0.1:" + moved.port();
            assertThat(healthLines(admin)).as("the service at its new address").isNotEmpty()
                    .allMatch(l -> l.contains("target=\"" + movedAddress + "\",upstream=\"rest\""));
            JsonNode rest = service(admin.get("/dashboard/overview").json(), "rest");
            assertThat(rest.path("address").asText()).isEqualTo(movedAddress);
            assertThat(rest.path("state").asText()).isEqualTo("healthy");
        }
    }

    private static String withHealthMetrics(String config) {
        return config.replace("services:", "plugins:\n  - name: prometheus\n    config: {upstream_health_metrics: true}\n"
                + "services:");
    }

    private static java.util.List<String> healthLines(AdminHttp admin) {
        return admin.get("/metrics").body().lines().filter(l -> l.startsWith("kong_upstream_target_health{")).toList();
    }

    /** Sends a tool call and closes the connection before any answer, as a client with a short timeout does. */
    private static void callAndHangUp(URI mcp, String session) {
        RawHttp.postAndHangUp(mcp, session, CALL, 200);
    }

    private static JsonNode service(JsonNode overview, String name) {
        for (JsonNode s : overview.path("upstreams")) {
            if (name.equals(s.path("service").asText())) {
                return s;
            }
        }
        return null;
    }
}
