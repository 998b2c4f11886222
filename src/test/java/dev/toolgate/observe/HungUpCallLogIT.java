package dev.toolgate.observe;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.http.UpstreamException;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.CapturedLog;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RawHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that hangs up (or cancels) while its call waits on the upstream: the gateway resets the upstream request
 * itself, which is no failure of the upstream's, so the operator's log does not blame the service for it; a service
 * that really breaks off an exchange is still named there.
 */
@Timeout(60)
class HungUpCallLogIT {

    private static final String CALL = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\","
            + "\"params\":{\"name\":\"get_item\",\"arguments\":{\"path_id\":\"42\"}}}";

    @Test
    void aClientThatHangsUpDuringAPassthroughCallLeavesNoWarningNamingTheUpstreamAndIsLoggedAsLeavingFirst()
            throws Exception {
        Path logFile = Files.createTempDirectory("file-log").resolve("toolgate.log");
        CompletableFuture<Void> reset = new CompletableFuture<>();
        // a slow MCP server: it takes the call and answers long after the client has gone
        try (RestUpstream server = new RestUpstream().onMessage("POST /mcp", (request, message) ->
                request.connection().closeHandler(v -> reset.complete(null)));
             var gateway = TestGateway.start(passthrough(server.url() + "/mcp", logFile));
             CapturedLog log = CapturedLog.of(UpstreamException.class.getName(), Level.WARN)) {
            RawHttp.postAndHangUp(gateway.proxy("/pass"), "s-1", CALL, 300);

            // the gateway reset the request it had sent, and reported the exchange
            reset.get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(20)).until(() -> !UpstreamFailureLogIT.entries(logFile).isEmpty());
            JsonNode entry = UpstreamFailureLogIT.entries(logFile).getFirst();
            // nginx records no $upstream_status for a request whose client left first; the call was left unanswered
            assertThat(entry.path("upstream_status").asText()).as("%s", entry).isEmpty();
            // and its status, nginx's for a client that closed the connection before the answer
            assertThat(entry.at("/response/status").asInt()).as("%s", entry).isEqualTo(499);
            assertThat(entry.path("ai").path("mcp").path("rpc").path(0).path("error").asText()).as("%s", entry)
                    .startsWith("unanswered");
            assertThat(new AdminHttp(gateway).get("/metrics").body()).doesNotContain("type=\"transport_error\"");
            // a late line would come within a loop turn or two of the reset
            Thread.sleep(300);
            assertThat(log.text()).as("the upstream did nothing wrong").isEmpty();
        }
    }

    @Test
    void aClientThatResetsItsHttp2StreamDuringAPassthroughCallLeavesNoWarningNamingTheUpstream() throws Exception {
        CompletableFuture<Void> taken = new CompletableFuture<>();
        CompletableFuture<Void> reset = new CompletableFuture<>();
        try (RestUpstream server = new RestUpstream().onMessage("POST /mcp", (request, message) -> {
                 request.connection().closeHandler(v -> reset.complete(null));
                 taken.complete(null);
             });
             var gateway = TestGateway.start(passthrough(server.url() + "/mcp",
                     Files.createTempDirectory("file-log").resolve("toolgate.log")));
             CapturedLog log = CapturedLog.of(UpstreamException.class.getName(), Level.WARN)) {
            // HTTP/2 by prior knowledge: the client cancels its stream (RST_STREAM), its connection stays
            HttpClientAgent client = server.vertx().createHttpClient(new HttpClientOptions()
                    .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
            HttpClientRequest request = client.request(new RequestOptions().setMethod(HttpMethod.POST)
                    .setAbsoluteURI(gateway.proxy("/pass").toString()).addHeader("content-type", "application/json")
                    .addHeader("accept", "application/json, text/event-stream").addHeader("mcp-session-id", "s-1")
                    .addHeader("mcp-protocol-version", "2025-06-18")).await();
            request.end(CALL).await();
            taken.get(10, TimeUnit.SECONDS);
            request.reset().await();

            reset.get(10, TimeUnit.SECONDS);
            Thread.sleep(300);
            assertThat(log.text()).as("the upstream did nothing wrong").isEmpty();
            client.close().await();
        }
    }

    @Test
    void aServiceThatResetsTheConnectionUnderAPassthroughCallIsStillNamedInAWarning() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             var gateway = TestGateway.start(passthrough("http://127.0.0.1:" + server.getLocalPort() + "/mcp",
                     Files.createTempDirectory("file-log").resolve("toolgate.log")));
             CapturedLog log = CapturedLog.of(UpstreamException.class.getName(), Level.WARN)) {
            resetEachAfterItsRequest(server);
            McpHttp client = new McpHttp(gateway.proxy("/pass"));
            client.sessionId("s-1");

            assertThat(client.post(CALL).status()).isEqualTo(502);
            await().atMost(Duration.ofSeconds(10)).until(() -> log.text().contains("upstream exchange with service "
                    + "'slow' at 127.0.0.1:" + server.getLocalPort() + " failed"));
        }
    }

    @Test
    void aClientThatHangsUpWhileAToolCallsRestAnswerArrivesLeavesNoWarningNamingTheUpstream() throws Exception {
        Path logFile = Files.createTempDirectory("file-log").resolve("toolgate.log");
        CompletableFuture<Void> reset = new CompletableFuture<>();
        // the answer's head and its first byte, then nothing: the gateway is reading its body when the client goes
        try (RestUpstream rest = new RestUpstream().on("GET /items/42", request -> {
                 request.connection().closeHandler(v -> reset.complete(null));
                 request.response().putHeader("content-type", "application/json").putHeader("content-length", "100")
                         .write("{");
             });
             var gateway = TestGateway.start(UpstreamFailureLogIT.conversion(rest.url(), "", logFile));
             CapturedLog log = CapturedLog.of(UpstreamException.class.getName(), Level.WARN)) {
            McpHttp client = new McpHttp(gateway.proxy("/conv"));
            client.initialize("2025-06-18");
            RawHttp.postAndHangUp(gateway.proxy("/conv"), client.sessionId(), CALL, 300);

            reset.get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(20)).until(() -> UpstreamFailureLogIT.entries(logFile).stream()
                    .anyMatch(e -> e.path("ai").path("mcp").path("rpc").path(0).path("method").asText()
                            .equals("tools/call")));
            Thread.sleep(300);
            assertThat(log.text()).as("the upstream did nothing wrong").isEmpty();
        }
    }

    /** Takes each request's first bytes and resets the connection unanswered (SO_LINGER 0 sends an RST). */
    static void resetEachAfterItsRequest(ServerSocket server) {
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    in.read(new byte[8192]);
                    s.setSoLinger(true, 0);
                } catch (IOException closed) {
                    if (server.isClosed()) {
                        return;
                    }
                }
            }
        });
    }

    /** A passthrough route {@code /pass} to the MCP server at {@code url}, logging to {@code logFile}. */
    static String passthrough(String url, Path logFile) {
        return """
                _format_version: "3.0"
                plugins:
                  - name: prometheus
                    config: {status_code_metrics: true, ai_metrics: true}
                services:
                  - name: slow
                    url: %s
                    routes:
                      - name: pass
                        paths: [/pass]
                        plugins:
                          - name: file-log
                            config: {path: %s}
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener, logging: {log_statistics: true}}
                """.formatted(url, logFile);
    }
}
