package dev.toolgate.hardening;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.Limits;
import dev.toolgate.http.ListenerLimits;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RawConnection;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.toolgate.testing.McpAssertions.assertRpcErrorStartingWith;
import static dev.toolgate.testing.McpAssertions.assertStillServes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The bounds on connections and sessions, and the Admin API's Host check: a client past a cap gets
 * 503 with Retry-After while everyone already in keeps being served; unused sessions end; the Admin
 * API answers no Host name it was not told about (DNS rebinding).
 */
@Timeout(60)
class ListenerLimitsIT {

    static RestUpstream upstream;
    static TestGateway gateway;
    static Path logFile;

    @BeforeAll
    static void start() throws IOException {
        upstream = new RestUpstream();
        logFile = Files.createTempDirectory("file-log").resolve("toolgate.log");
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - name: file-log
                            config: {path: %s}
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              logging: {log_statistics: true}
                              tools:
                                - {name: one, description: One, method: GET, path: /mcp/one}
                      - name: idle
                        paths: [/idle]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: one, description: One, method: GET, path: /idle/one}
                """.formatted(upstream.url(), logFile), Map.of(), false, Map.of(),
                new Limits(new ListenerLimits(8, 5_000, 2_000, 2_000), new ListenerLimits(8, 5_000, 2_000, 2_000),
                        6, 3, 2, 256, 1_000, false, false, List.of("admin.example")));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static JsonNode parse(String line) {
        try {
            return Json.parse(line.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(line, e);
        }
    }

    private static RawConnection.Response initializeFrom(String localAddress) throws IOException {
        return initializeFrom(gateway.gateway().proxyPort(), "/mcp", localAddress);
    }

    /** An {@code initialize} sent from another loopback address (a client address of its own). */
    static RawConnection.Response initializeFrom(int port, String path, String localAddress) throws IOException {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(localAddress, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: "
                    + McpHttp.ACCEPT_BOTH + "\r\nConnection: close\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            InputStream in = socket.getInputStream();
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(text.split(" ", 3)[1]);
            String session = text.lines().filter(l -> l.toLowerCase().startsWith("mcp-session-id:"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(null);
            String retryAfter = text.lines().filter(l -> l.toLowerCase().startsWith("retry-after:"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(null);
            return new RawConnection.Response(new RawConnection.Head(status, text.lines().findFirst().orElse(""),
                    List.of(Map.entry("mcp-session-id", String.valueOf(session)), Map.entry("retry-after", String.valueOf(retryAfter)))),
                    text.substring(text.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void aClientAddressPastItsSessionCapGets503WithRetryAfterWhileItsSessionsKeepWorking() throws IOException {
        List<McpHttp> sessions = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
            assertThat(mcp.initialize("2025-06-18").status()).isEqualTo(200);
            sessions.add(mcp);
        }
        McpHttp fourth = new McpHttp(gateway.proxy("/mcp"));
        McpHttp.Response refused = fourth.post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
        assertRpcErrorStartingWith(refused, 503, -32000, "Service Unavailable: this client address has as many live sessions");
        assertThat(refused.header("retry-after")).isEqualTo("30");
        assertThat(refused.header("mcp-session-id")).isNull();
        // the refused initialize is logged with the error its client got, not as an answer that went missing
        JsonNode[] logged = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(logFile) && Files.readAllLines(logFile).stream()
                .map(ListenerLimitsIT::parse).filter(e -> e.path("response").path("status").asInt() == 503)
                .map(e -> e.path("ai").path("mcp").path("rpc").path(0)).filter(r -> r.path("method").asText()
                        .equals("initialize")).peek(r -> logged[0] = r).findFirst().isPresent());
        assertThat(logged[0].path("error").asText())
                .startsWith("Service Unavailable: this client address has as many live sessions");
        sessions.forEach(s -> assertStillServes(s));
        // another address is not counted against this one
        RawConnection.Response other = initializeFrom("127.0.0.2");
        assertThat(other.status()).as(other.toString()).isEqualTo(200);
        // ending a session makes room
        assertThat(sessions.getFirst().send("DELETE", null, Map.of("mcp-session-id", sessions.getFirst().sessionId()))
                .status()).isEqualTo(200);
        assertThat(new McpHttp(gateway.proxy("/mcp")).initialize("2025-06-18").status()).isEqualTo(200);
    }

    @Test
    void anEndpointPastItsSessionCapGets503() throws IOException {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            statuses.add(initializeFrom("127.0.1." + (i + 1)).status());
        }
        assertThat(statuses).contains(503);
        RawConnection.Response refused = initializeFrom("127.0.2.1");
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.text()).contains("this endpoint has as many live sessions");
    }

    @Test
    void aSessionUnusedForTheIdleTimeoutEndsThoughItsTtlIsADay() throws InterruptedException {
        McpHttp mcp = new McpHttp(gateway.proxy("/idle"));
        mcp.initialize("2025-06-18");
        assertStillServes(mcp);
        Thread.sleep(2_600);
        assertRpcErrorStartingWith(mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}"), 404, -32001,
                "Session not found");
    }

    @Test
    void aConnectionPastTheListenersCapGets503AndTheOthersAreStillServed() {
        List<RawConnection> open = new ArrayList<>();
        try {
            int refused = 0;
            for (int i = 0; i < 12; i++) {
                RawConnection http = RawConnection.connect(gateway.gateway().proxyPort(), 0);
                http.send("GET", "/nowhere", List.of("Host: 127.0.0.1"), null);
                RawConnection.Response response = http.readAll();
                if (response.status() == 503) {
                    refused++;
                    assertThat(response.header("retry-after")).isNotNull();
                    assertThat(response.text()).contains("connections");
                    assertThat(http.closedByServer(3_000)).isTrue();
                    http.close();
                } else {
                    assertThat(response.status()).isEqualTo(404);
                    open.add(http.nextResponse());
                }
            }
            assertThat(refused).as("connections past the cap of 8 (some held by other clients)").isGreaterThanOrEqualTo(4);
            RawConnection first = open.getFirst();
            first.send("GET", "/nowhere", List.of("Host: 127.0.0.1"), null);
            assertThat(first.readAll().status()).as("a connection inside the cap is still served").isEqualTo(404);
        } finally {
            open.forEach(RawConnection::close);
        }
    }

    @Test
    void aFirstHeadDrippedAByteEveryHalfHeadTimeoutIsClosedWithinTheHeadTimeoutOfItsFirstByte() throws IOException {
        byte[] head = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".getBytes(StandardCharsets.ISO_8859_1);
        try (Socket socket = new Socket("127.0.0.1", gateway.gateway().proxyPort())) {
            socket.setSoTimeout(1_000);
            long first = System.nanoTime();
            boolean closed = false;
            for (int i = 0; i < head.length && !closed && elapsedMs(first) < 6_000; i++) {
                socket.getOutputStream().write(head[i]);
                closed = closedWithin(socket);
            }
            long elapsed = elapsedMs(first);

            assertThat(closed).as("closed while still dripping, after %d ms", elapsed).isTrue();
            // the head timeout is 2 s: bytes of a head not yet whole do not extend it
            assertThat(elapsed).isLessThan(3_000);
        }
    }

    @Test
    void connectionsStillSendingTheirFirstHeadCountAgainstTheListenersCap() throws IOException {
        List<Socket> partial = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                Socket socket = new Socket("127.0.0.1", gateway.gateway().proxyPort());
                socket.getOutputStream().write("POST /mcp HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
                partial.add(socket);
            }
            // the two event loops accept in their own order: a probe counted before the last partial
            // connection is served, and the next probe, counted after all of them, is not
            int status = 0;
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (status != 503 && System.nanoTime() < deadline) {
                try (RawConnection http = RawConnection.connect(gateway.gateway().proxyPort(), 0)) {
                    http.send("GET", "/nowhere", List.of("Host: 127.0.0.1"), null);
                    status = http.readAll().status();
                }
            }
            assertThat(status).as("a connection past the cap of 8 partial ones").isEqualTo(503);
        } finally {
            for (Socket socket : partial) {
                socket.close();
            }
        }
    }

    private static long elapsedMs(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    /** Whether the server closed the connection (or answered, then closes) within the socket's read timeout. */
    private static boolean closedWithin(Socket socket) throws IOException {
        try {
            socket.getInputStream().read();
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    @ParameterizedTest(name = "Host {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "evil.example|421", "evil.example:8001|421", "evil.example.|421", "localhost.evil.example|421",
            "admin.example|200", "ADMIN.example:8001|200", "localhost|200", "localhost:8001|200", "127.0.0.1|200",
            "127.0.0.1:8001|200", "[::1]:8001|200", "10.1.2.3|200"})
    void theAdminApiAnswersOnlyAddressesLocalhostAndListedNames(String host, int status) {
        RawConnection.Response response = RawConnection.exchange(gateway.gateway().adminPort(), "GET", "/status",
                List.of("Host: " + host), null);
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        if (status == 421) {
            assertThat(response.text()).contains("Misdirected Request").doesNotContain("configuration_hash");
        } else {
            assertThat(Json.text(Json.MAPPER.valueToTree(response.text()))).contains("configuration_hash");
        }
    }
}
