package dev.toolgate.observe.httplog;

import ch.qos.logback.classic.Level;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.CapturedLog;
import dev.toolgate.testing.ResettingOrigin;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.Sdk;
import dev.toolgate.testing.TestGateway;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** How http-log delivers to its endpoint: what Kong's handler counts as delivered, and the headers it sends. */
@Timeout(60)
class HttpLogDeliveryIT {

    @Test
    void aBatchAnsweredWithARedirectIsTriedAgainAndDeliveredOnceTheEndpointAnswers200AsKongsQueueCountsOnlyBelow300() {
        AtomicInteger posts = new AtomicInteger();
        List<String> redirected = new CopyOnWriteArrayList<>();
        List<String> delivered = new CopyOnWriteArrayList<>();
        try (RestUpstream logs = new RestUpstream().onBody("POST /logs", (r, body) -> {
                 if (posts.getAndIncrement() == 0) {
                     redirected.add(body);
                     r.response().setStatusCode(302).putHeader("location", "/elsewhere").end();
                 } else {
                     delivered.add(body);
                     r.response().setStatusCode(200).end();
                 }
             });
             var gateway = gateway(logs, "'" + logs.url() + "/logs', queue: {initial_retry_delay: 0.1}")) {
            call(gateway);

            // initialize, the initialized notification and the call: three entries, the first sent twice
            await().atMost(Duration.ofSeconds(20)).until(() -> delivered.size() >= 3);
            assertThat(delivered).contains(redirected.getFirst());
            assertThat(new AdminHttp(gateway).dropped("http-log")).isZero();
        }
    }

    @Test
    void aBatchAlwaysAnsweredWithARedirectIsDroppedAndCountedWhenItMayNotBeRetried() {
        try (RestUpstream logs = new RestUpstream().on("POST /logs",
                     r -> r.response().setStatusCode(302).putHeader("location", "/elsewhere").end());
             var gateway = gateway(logs, "'" + logs.url() + "/logs', queue: {max_retry_time: -1}")) {
            call(gateway);

            // each entry tried once (no retries), failed by its 302, dropped and counted
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(new AdminHttp(gateway).dropped("http-log")).isGreaterThanOrEqualTo(3);
                assertThat(new AdminHttp(gateway).dropped("http-log")).isEqualTo(logs.count("POST /logs"));
            });
        }
    }

    @Test
    void theEndpointsUserAndPasswordAreSentAsBasicBesideTheConfiguredHeaders() {
        try (RestUpstream logs = new RestUpstream().on("POST /logs", r -> r.response().setStatusCode(200).end());
             var gateway = gateway(logs, "'" + logs.url().replace("://", "://logger:s3cret@") + "/logs'"
                     + ", headers: {x-tenant: acme}")) {
            call(gateway);

            await().atMost(Duration.ofSeconds(20)).until(() -> logs.count("POST /logs") > 0);
            RestUpstream.Received posted = logs.received().stream().filter(r -> r.path().equals("/logs"))
                    .findFirst().orElseThrow();
            assertThat(posted.header("authorization")).isEqualTo("Basic "
                    + Base64.getEncoder().encodeToString("logger:s3cret".getBytes(StandardCharsets.UTF_8)));
            assertThat(posted.headers().getAll("authorization")).hasSize(1);
            // Kong's content_type, which a configured header may not name; other headers are sent as configured
            assertThat(posted.header("content-type")).isEqualTo("application/json");
            assertThat(posted.header("x-tenant")).isEqualTo("acme");
        }
    }

    @Test
    void aConfiguredHeaderBeyondAsciiReachesTheEndpointAsItsUtf8BytesAsKongSendsIt() {
        try (RestUpstream logs = new RestUpstream().on("POST /logs", r -> r.response().setStatusCode(200).end());
             var gateway = gateway(logs, "'" + logs.url() + "/logs', headers: {x-note: 'café 日本'}")) {
            call(gateway);

            await().atMost(Duration.ofSeconds(20)).until(() -> logs.count("POST /logs") > 0);
            RestUpstream.Received posted = logs.received().stream().filter(r -> r.path().equals("/logs"))
                    .findFirst().orElseThrow();
            // the receiver reads each byte of a header as one char
            assertThat(posted.header("x-note").getBytes(StandardCharsets.ISO_8859_1))
                    .isEqualTo("café 日本".getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void theEndpointsUserInfoIsSentAsWrittenAndItsHostWithThePortAsKongSendsThem() {
        try (RestUpstream logs = new RestUpstream().on("POST /logs", r -> r.response().setStatusCode(200).end());
             var gateway = gateway(logs, "'" + logs.url().replace("://", "://log%40ger:s3%3Acret@") + "/logs'")) {
            call(gateway);

            await().atMost(Duration.ofSeconds(20)).until(() -> logs.count("POST /logs") > 0);
            RestUpstream.Received posted = logs.received().stream().filter(r -> r.path().equals("/logs"))
                    .findFirst().orElseThrow();
            // Kong's socket.url keeps userinfo's percent-escapes, and Kong base64-encodes it as it stands
            assertThat(posted.header("authorization")).isEqualTo("Basic "
                    + Base64.getEncoder().encodeToString("log%40ger:s3%3Acret".getBytes(StandardCharsets.UTF_8)));
            // since Kong 3.8 (lua-resty-http's Host): the endpoint's host with its port, the scheme's own left out
            java.net.URI endpoint = java.net.URI.create(logs.url());
            assertThat(posted.header("host")).isEqualTo(endpoint.getHost() + ":" + endpoint.getPort());
        }
    }

    @Test
    void anEndpointThatResetsItsIdleKeptAliveConnectionsStillGetsEveryEntryAndLeavesNoErrorOrWarningInTheLog()
            throws Exception {
        try (ServerSocket endpoint = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             RestUpstream rest = new RestUpstream();
             var gateway = gateway(rest, "'http://127.0.0.1:" + endpoint.getLocalPort() + "/logs'");
             CapturedLog log = CapturedLog.everything()) {
            // each batch answered, then its connection, idle in the sender's pool, reset 100 ms later
            AtomicInteger posts = ResettingOrigin.answerThenReset(endpoint, "{}", 100);
            for (int i = 1; i <= 3; i++) {
                call(gateway);
                int batches = i;
                await().atMost(Duration.ofSeconds(20)).until(() -> posts.get() >= batches);
                Thread.sleep(300);
            }

            assertThat(new AdminHttp(gateway).dropped("http-log")).isZero();
            assertThat(log.since(0).stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage())).isEmpty();
        }
    }

    private static TestGateway gateway(RestUpstream logs, String endpointAndMore) {
        return TestGateway.start(logs.json("GET /one", 200, "{\"ok\":true}").oneToolRoute()
                .replace("          - name: ai-mcp-proxy\n", "          - name: http-log\n"
                        + "            config: {http_endpoint: " + endpointAndMore + "}\n"
                        + "          - name: ai-mcp-proxy\n"));
    }

    private static void call(TestGateway gateway) {
        try (McpSyncClient client = Sdk.connect(gateway.proxy("/mcp"))) {
            client.callTool(new McpSchema.CallToolRequest("one", Map.of()));
        }
    }
}
