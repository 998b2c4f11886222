package dev.toolgate.observe;

import ch.qos.logback.classic.Level;
import dev.toolgate.testing.CapturedLog;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A 2024-11-05 HTTP+SSE server accepts each POST with 202 and answers on the session's GET stream; some (a Mendix
 * module among them) type that 202 {@code application/json} with a body of {@code {}}. A 202 is never the answer:
 * the request waits for it on the stream, where the traffic events pair it with its method and latency.
 */
class LegacyAcceptedPostIT {

    private static final String CALL = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\","
            + "\"params\":{\"name\":\"echo\",\"arguments\":{}}}";
    private static final String ANSWER = "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":"
            + "[{\"type\":\"text\",\"text\":\"echoed\"}]}}";

    @Test
    void aRequestALegacyServerAcceptsWith202JsonIsPairedWithItsAnswerOnTheStream() throws Exception {
        AtomicReference<HttpServerResponse> stream = new AtomicReference<>();
        try (CapturedLog traffic = CapturedLog.of("dev.toolgate.traffic", Level.DEBUG);
             RestUpstream server = new RestUpstream()
                     .on("GET /sse", r -> {
                         HttpServerResponse response = r.response().setChunked(true)
                                 .putHeader("content-type", "text/event-stream");
                         response.write("event: endpoint\ndata: /messages?sessionId=abc\n\n");
                         stream.set(response);
                     })
                     .on("POST /messages", r -> {
                         // accepted, typed as JSON, then answered on the stream once the 202 has gone
                         r.response().setStatusCode(202).putHeader("content-type", "application/json").end("{}");
                         Vertx.currentContext().owner().setTimer(300, t ->
                                 stream.get().write("event: message\ndata: " + ANSWER + "\n\n"));
                     });
             TestGateway gateway = TestGateway.start("""
                     _format_version: "3.0"
                     services:
                       - name: legacy
                         url: %s
                         routes:
                           - name: legacy-sse
                             paths: [/sse, /messages]
                             strip_path: false
                             plugins:
                               - name: ai-mcp-proxy
                                 config: {mode: passthrough-listener, server: {upstream_era: legacy}, logging: {log_statistics: true}}
                     """.formatted(server.url()))) {
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<Stream<String>> events = client.sendAsync(HttpRequest.newBuilder(gateway.proxy("/sse"))
                    .header("accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofLines())
                    .get(20, TimeUnit.SECONDS);
            Iterator<String> lines = events.body().iterator();
            URI messages = URI.create(gateway.proxy("/sse").toString().replace("/sse", next(lines, "data:")
                    .substring(5).trim()));
            HttpResponse<String> accepted = client.send(HttpRequest.newBuilder(messages)
                    .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(CALL))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode()).isEqualTo(202);
            assertThat(next(lines, "\"id\":7")).contains("echoed");

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(traffic.text())
                    .containsPattern("dir=SERVER_TO_CLIENT kind=RESPONSE method=tools/call id=7 tool=echo .*"
                            + "latency_us=[0-9]{5,}"));
            events.body().close();
        }
    }

    private static String next(Iterator<String> lines, String containing) {
        String line = "";
        while (!line.contains(containing)) {
            line = lines.next();
        }
        return line;
    }
}
