package dev.toolgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.GatewayProcess;
import dev.toolgate.testing.RestUpstream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --status-listen} (Kong's {@code status_listen}): the read-only status endpoints on an address of
 * their own, for a readiness probe on the pod network, without the Admin API that can replace the config.
 */
@Timeout(90)
class StatusListenerIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void theStatusListenerAnswersReadinessAndStatusAnd404ForTheAdminApiAndTheDashboard() throws Exception {
        int port = freePort();
        try (RestUpstream upstream = new RestUpstream();
             GatewayProcess gateway = GatewayProcess.startWithOptions(upstream.oneToolConfigFile(),
                     List.of("--status-listen", "127.0.0.1:" + port))) {
            HttpResponse<String> ready = get(port, "/status/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(Json.parse(ready.body()).get("message").asText()).isEqualTo("ready");
            HttpResponse<String> status = get(port, "/status");
            assertThat(status.statusCode()).isEqualTo(200);
            JsonNode body = Json.parse(status.body());
            assertThat(body.at("/counts/routes").asInt()).as(status.body()).isEqualTo(1);

            for (String path : List.of("/config", "/dashboard", "/dashboard/overview", "/services", "/consumers",
                    "/")) {
                assertThat(get(port, path).statusCode()).as(path).isEqualTo(404);
            }
            HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(uri(port, "/config"))
                    .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"_format_version\":\"3.0\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(404);
            // the configuration was not replaced
            assertThat(Json.parse(get(port, "/status").body()).at("/counts/routes").asInt()).isEqualTo(1);
        }
    }

    @Test
    void theStatusListenerServesTheMetricsOfTheAdminListener() throws Exception {
        int port = freePort();
        try (RestUpstream upstream = new RestUpstream();
             GatewayProcess gateway = GatewayProcess.startWithOptions(upstream.oneToolConfigFile(),
                     List.of("--status-listen", "127.0.0.1:" + port))) {
            HttpResponse<String> metrics = get(port, "/metrics");
            HttpResponse<String> admin = HTTP.send(HttpRequest.newBuilder(gateway.admin("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(metrics.statusCode()).as(metrics.body()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("content-type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/plain"));
            assertThat(families(metrics.body())).contains("jvm_memory_used_bytes")
                    .isEqualTo(families(admin.body()));
        }
    }

    @Test
    void anEmptyToolgateStatusListenIsNoStatusListenerNotAFailedStart() throws Exception {
        try (RestUpstream upstream = new RestUpstream();
             GatewayProcess gateway = GatewayProcess.startWithLauncher(upstream.oneToolConfigFile(),
                     java.util.Map.of("TOOLGATE_STATUS_LISTEN", ""))) {
            assertThat(gateway.log()).doesNotContain("status listening on");
        }
    }

    /** The metric families a scrape names. */
    private static java.util.Set<String> families(String exposition) {
        return exposition.lines().filter(line -> line.startsWith("# TYPE "))
                .map(line -> line.split(" ")[2]).collect(java.util.stream.Collectors.toSet());
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(port, path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
