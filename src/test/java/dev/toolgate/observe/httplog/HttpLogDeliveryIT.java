package dev.toolgate.observe.httplog;

import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.Sdk;
import dev.toolgate.testing.TestGateway;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** How http-log delivers to its endpoint: what Kong's handler counts as delivered, and the headers it sends. */
@Timeout(60)
class HttpLogDeliveryIT {

    @Test
    void anEndpointAnsweringARedirectHasTakenTheBatchAsKongCountsAnythingBelow400() {
        try (RestUpstream logs = new RestUpstream().on("POST /logs",
                     r -> r.response().setStatusCode(302).putHeader("location", "/elsewhere").end());
             var gateway = gateway(logs, "'" + logs.url() + "/logs', queue: {max_retry_time: -1}")) {
            call(gateway);

            // initialize, the initialized notification and the call: one POST each, none retried nor dropped
            await().atMost(Duration.ofSeconds(20)).until(() -> logs.count("POST /logs") >= 3);
            assertThat(new AdminHttp(gateway).dropped("http-log")).isZero();
        }
    }

    private static TestGateway gateway(RestUpstream logs, String endpointAndMore) {
        return TestGateway.start(logs.json("GET /mcp/one", 200, "{\"ok\":true}").oneToolRoute()
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
