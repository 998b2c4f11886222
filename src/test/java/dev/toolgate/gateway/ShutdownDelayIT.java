package dev.toolgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.GatewayProcess;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code --shutdown-delay}, in a real process stopped with SIGTERM: readiness says 503 at once, and the
 * connections a load balancer still sends while it notices are served, not refused.
 */
@Timeout(90)
class ShutdownDelayIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration DELAY = Duration.ofSeconds(8);

    @Test
    void afterSigtermReadinessIs503WhileANewProxyConnectionIsStillServedUntilTheDelayEnds() throws Exception {
        try (RestUpstream upstream = new RestUpstream().json("GET /one", 200, "{\"one\":1}");
             GatewayProcess gateway = GatewayProcess.startWithOptions(upstream.oneToolConfigFile(),
                     List.of("--shutdown-delay", String.valueOf(DELAY.toSeconds())))) {
            long signalled = System.nanoTime();
            gateway.handle().destroy(); // SIGTERM

            await().atMost(Duration.ofSeconds(3)).until(() -> readiness(gateway) == 503);
            // the first proxy connection of this test: opened after the signal, and answered
            McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
            assertThat(mcp.initialize("2025-06-18").status()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - signalled)).isLessThan(DELAY);
            JsonNode result = mcp.call("one", "{}");
            assertThat(result.at("/content/0/text").asText()).as(result.toString()).isEqualTo("{\"one\":1}");

            gateway.handle().onExit().get(20, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - signalled)).isGreaterThanOrEqualTo(DELAY);
        }
    }

    private static int readiness(GatewayProcess gateway) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(gateway.admin("/status/ready")).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
