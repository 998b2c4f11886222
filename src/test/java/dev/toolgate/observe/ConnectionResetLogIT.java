package dev.toolgate.observe;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.http.UpstreamException;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.CapturedLog;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RawHttp;
import dev.toolgate.testing.ResettingOrigin;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Connections reset (an RST: a client killed mid-request, a close with {@code SO_LINGER 0}) by clients of each
 * listener and by upstreams: a peer's reset is its own business, never an ERROR line or a stack trace in the
 * operator's log, so that no client can write a line there per connection it resets; the gateway goes on serving.
 */
@Timeout(120)
class ConnectionResetLogIT {

    private static final int RESETS = 50;
    private static final String CALL = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\","
            + "\"params\":{\"name\":\"get_item\",\"arguments\":{\"path_id\":\"42\"}}}";
    private static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
    private static final String PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

    @Test
    void clientsResettingTheirProxyConnectionsAtEachStageLeaveNoErrorOrWarningAndTheirCallsAreLoggedAs499()
            throws Exception {
        Path logFile = Files.createTempDirectory("file-log").resolve("toolgate.log");
        Semaphore taken = new Semaphore(0);
        // a slow MCP server: it answers a ping at once and holds every call
        try (RestUpstream server = new RestUpstream().onMessage("POST /mcp", (request, message) -> {
                 if (message.path("method").asText().equals("ping")) {
                     request.response().putHeader("content-type", "application/json")
                             .end("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
                 } else {
                     taken.release();
                 }
             });
             var gateway = TestGateway.start(HungUpCallLogIT.passthrough(server.url() + "/mcp", logFile));
             CapturedLog log = CapturedLog.everything()) {
            URI pass = gateway.proxy("/pass");
            String head = RawHttp.start("POST", pass) + "content-type: application/json\r\n"
                    + "accept: application/json, text/event-stream\r\nmcp-protocol-version: 2025-06-18\r\n"
                    + "mcp-session-id: s-1\r\n";
            for (int i = 0; i < RESETS; i++) {
                // a head not yet whole: Vert.x has not made the connection an HTTP one yet
                reset(pass, head.getBytes(StandardCharsets.ISO_8859_1));
                // half the h2c preface
                reset(pass, PREFACE.substring(0, 10).getBytes(StandardCharsets.ISO_8859_1));
                // a whole request, held at the upstream
                send(pass, (head + "content-length: " + CALL.length() + "\r\n\r\n" + CALL)
                        .getBytes(StandardCharsets.ISO_8859_1), taken);
                // a body that stops half way
                reset(pass, (head + "content-length: " + (CALL.length() + 10) + "\r\n\r\n" + CALL)
                        .getBytes(StandardCharsets.ISO_8859_1));
                // h2c by prior knowledge, its request's body not sent yet
                reset(pass, h2cPost(pass));
            }

            assertQuiet(log);
            assertThat(new McpHttp(pass).post(PING).status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> UpstreamFailureLogIT.entries(logFile).stream()
                    .filter(e -> e.at("/response/status").asInt() == 499).count() >= RESETS);
            JsonNode unanswered = UpstreamFailureLogIT.entries(logFile).stream()
                    .filter(e -> e.at("/response/status").asInt() == 499).findFirst().orElseThrow();
            assertThat(unanswered.path("upstream_status").asText()).as("%s", unanswered).isEmpty();
        }
    }

    @Test
    void clientsResettingTheirAdminAndStatusConnectionsLeaveNoErrorOrWarningAndBothListenersServeOn()
            throws Exception {
        try (var gateway = TestGateway.withStatusListener("_format_version: \"3.0\"\n");
             CapturedLog log = CapturedLog.everything()) {
            for (URI listener : List.of(gateway.admin("/config"), gateway.status("/status"))) {
                String head = "POST " + listener.getPath() + " HTTP/1.1\r\nHost: 127.0.0.1:" + listener.getPort()
                        + "\r\ncontent-type: application/json\r\n";
                for (int i = 0; i < RESETS; i++) {
                    reset(listener, head.getBytes(StandardCharsets.ISO_8859_1));
                    reset(listener, (head + "content-length: 100\r\n\r\n{").getBytes(StandardCharsets.ISO_8859_1));
                }
            }

            assertQuiet(log);
            assertThat(new AdminHttp(gateway).get("/status").status()).isEqualTo(200);
            assertThat(RawHttp.exchange(gateway.status("/status"), RawHttp.start("GET", gateway.status("/status"))
                    + "\r\n", new byte[0]).status()).isEqualTo(200);
        }
    }

    @Test
    void anUpstreamThatResetsEachExchangeGetsTheClientA502AndOnlyTheGatewaysWarningWithItsErrorId() throws Exception {
        try (ServerSocket upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             var gateway = TestGateway.start(HungUpCallLogIT.passthrough(
                     "http://127.0.0.1:" + upstream.getLocalPort() + "/mcp",
                     Files.createTempDirectory("file-log").resolve("toolgate.log")));
             CapturedLog log = CapturedLog.everything()) {
            HungUpCallLogIT.resetEachAfterItsRequest(upstream);
            McpHttp client = new McpHttp(gateway.proxy("/pass"));
            client.sessionId("s-1");
            for (int i = 0; i < 10; i++) {
                assertThat(client.post(CALL).status()).isEqualTo(502);
            }

            Thread.sleep(300);
            // one warning a call, naming the service with the error id its client got
            List<ILoggingEvent> warnings = atLeast(Level.WARN, log);
            assertThat(warnings).as(lines(warnings)).hasSize(10).allSatisfy(e -> {
                assertThat(e.getLoggerName()).isEqualTo(UpstreamException.class.getName());
                assertThat(e.getFormattedMessage()).contains("service 'slow'").contains("(error id ");
                assertThat(e.getThrowableProxy()).isNull();
            });
        }
    }

    @Test
    void anUpstreamThatResetsItsIdleKeptAliveConnectionsLeavesNothingInTheLogAndTheNextCallsAreServed()
            throws Exception {
        try (ServerSocket upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             var gateway = TestGateway.start(HungUpCallLogIT.passthrough(
                     "http://127.0.0.1:" + upstream.getLocalPort() + "/mcp",
                     Files.createTempDirectory("file-log").resolve("toolgate.log")));
             CapturedLog log = CapturedLog.everything()) {
            ResettingOrigin.answerThenReset(upstream, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}", 100);
            McpHttp client = new McpHttp(gateway.proxy("/pass"));
            client.sessionId("s-1");
            for (int i = 0; i < 10; i++) {
                assertThat(client.post(PING).status()).isEqualTo(200);
                // the upstream resets the connection, kept alive in the gateway's pool, 100 ms after its answer
                Thread.sleep(250);
            }

            assertQuiet(log);
        }
    }

    @Test
    void aToolCallWhoseRestApiResetsTheConnectionIsAToolErrorAndLeavesOnlyTheGatewaysWarningWithItsErrorId()
            throws Exception {
        try (ServerSocket rest = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             var gateway = TestGateway.start(UpstreamFailureLogIT.conversion("http://127.0.0.1:" + rest.getLocalPort(),
                     "", Files.createTempDirectory("file-log").resolve("toolgate.log")));
             CapturedLog log = CapturedLog.everything()) {
            HungUpCallLogIT.resetEachAfterItsRequest(rest);
            McpHttp client = new McpHttp(gateway.proxy("/conv"));
            client.initialize("2025-06-18");
            for (int i = 0; i < 5; i++) {
                JsonNode result = client.call("get_item", "{\"path_id\":\"42\"}");
                assertThat(result.path("isError").asBoolean()).isTrue();
                assertThat(result.at("/content/0/text").asText()).contains("service 'rest' broke off the exchange");
            }

            Thread.sleep(300);
            // one warning a call, naming the service with the error id its client got
            List<ILoggingEvent> warnings = atLeast(Level.WARN, log);
            assertThat(warnings).as(lines(warnings)).hasSize(5).allSatisfy(e -> {
                assertThat(e.getLoggerName()).isEqualTo(UpstreamException.class.getName());
                assertThat(e.getFormattedMessage()).contains("service 'rest'").contains("(error id ");
                assertThat(e.getThrowableProxy()).isNull();
            });
        }
    }

    /** Nothing at WARN or above: a late line would come within a loop turn or two of the last reset. */
    private static void assertQuiet(CapturedLog log) throws InterruptedException {
        Thread.sleep(500);
        List<ILoggingEvent> warnings = atLeast(Level.WARN, log);
        assertThat(warnings).as(lines(warnings)).isEmpty();
    }

    private static List<ILoggingEvent> atLeast(Level level, CapturedLog log) {
        return log.since(0).stream().filter(e -> e.getLevel().isGreaterOrEqual(level)).toList();
    }

    private static String lines(List<ILoggingEvent> events) {
        StringBuilder text = new StringBuilder();
        for (ILoggingEvent e : events) {
            text.append(e.getLevel()).append(' ').append(e.getLoggerName()).append(": ").append(e.getFormattedMessage())
                    .append(e.getThrowableProxy() == null ? "" : " [" + e.getThrowableProxy().getClassName() + "]")
                    .append('\n');
        }
        return text.toString();
    }

    /** Sends {@code bytes}, waits until the upstream holds the request, then resets the connection. */
    private static void send(URI target, byte[] bytes, Semaphore taken) throws Exception {
        try (Socket socket = new Socket(target.getHost(), target.getPort())) {
            socket.getOutputStream().write(bytes);
            assertThat(taken.tryAcquire(10, TimeUnit.SECONDS)).as("the upstream got the call").isTrue();
            socket.setSoLinger(true, 0);
        }
    }

    /** Sends {@code bytes} and resets the connection once the gateway has had time to read them. */
    private static void reset(URI target, byte[] bytes) throws Exception {
        try (Socket socket = new Socket(target.getHost(), target.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
            Thread.sleep(5);
            socket.setSoLinger(true, 0);
        }
    }

    /**
     * The h2c preface, an empty SETTINGS frame and the HEADERS of a POST to {@code target} whose body is to follow
     * (no END_STREAM), its header block in HPACK literals.
     */
    private static byte[] h2cPost(URI target) throws IOException {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        block.write(0x83); // :method POST
        block.write(0x86); // :scheme http
        literal(block, 4, target.getPath()); // :path
        literal(block, 1, target.getHost() + ":" + target.getPort()); // :authority
        literal(block, 31, "application/json"); // content-type
        literal(block, 19, "application/json, text/event-stream"); // accept
        literal(block, 28, Integer.toString(CALL.length())); // content-length
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        frames.write(PREFACE.getBytes(StandardCharsets.ISO_8859_1));
        frames.write(new byte[]{0, 0, 0, 4, 0, 0, 0, 0, 0}); // SETTINGS, empty
        int length = block.size();
        // HEADERS (type 1), END_HEADERS (0x4), stream 1
        frames.write(new byte[]{(byte) (length >> 16), (byte) (length >> 8), (byte) length, 1, 4, 0, 0, 0, 1});
        block.writeTo(frames);
        return frames.toByteArray();
    }

    /** A literal header field with incremental indexing, its name from the static table, its value short. */
    private static void literal(ByteArrayOutputStream block, int nameIndex, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.ISO_8859_1);
        block.write(0x40 | nameIndex);
        block.write(bytes.length);
        block.write(bytes, 0, bytes.length);
    }
}
