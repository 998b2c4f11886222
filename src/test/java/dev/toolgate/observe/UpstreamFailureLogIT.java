package dev.toolgate.observe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.Sdk;
import dev.toolgate.testing.TestGateway;
import io.modelcontextprotocol.client.McpSyncClient;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Kong's log entry of a passthrough exchange whose upstream failed: nginx's {@code $upstream_status} of it, and a
 * JSON-RPC error's own message.
 */
@Timeout(60)
class UpstreamFailureLogIT {

    /** How long the closing origins wait, after taking a request, before closing the connection. */
    private static final long CLOSE_AFTER_MS = 300;

    @Test
    void anUpstreamThatRefusesTheConnectionStaysSilentOrClosesIsLoggedWithThe502Or504AndTheWaitAsNginxRecordsThem()
            throws Exception {
        Path logFile = Files.createTempDirectory("file-log").resolve("toolgate.log");
        List<Socket> held = new CopyOnWriteArrayList<>();
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ServerSocket closing = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             var gateway = TestGateway.start("""
                     _format_version: "3.0"
                     services:
                       - name: down
                         url: http://127.0.0.1:%d
                         routes:
                           - name: down
                             paths: [/down]
                             plugins:
                               - name: file-log
                                 config: {path: %s}
                               - name: ai-mcp-proxy
                                 config: {mode: passthrough-listener}
                       - name: silent
                         url: http://127.0.0.1:%d
                         read_timeout: 300
                         routes:
                           - name: silent
                             paths: [/silent]
                             plugins:
                               - name: file-log
                                 config: {path: %s}
                               - name: ai-mcp-proxy
                                 config: {mode: passthrough-listener}
                       - name: closing
                         url: http://127.0.0.1:%d
                         routes:
                           - name: closing
                             paths: [/closing]
                             plugins:
                               - name: file-log
                                 config: {path: %s}
                               - name: ai-mcp-proxy
                                 config: {mode: passthrough-listener}
                     """.formatted(closedPort, logFile, silent.getLocalPort(), logFile, closing.getLocalPort(),
                     logFile))) {
            holdEvery(silent, held);
            closeEachAfterItsRequest(closing, CLOSE_AFTER_MS);

            assertThat(new McpHttp(gateway.proxy("/down")).initialize("2025-06-18").status()).isEqualTo(502);
            assertThat(new McpHttp(gateway.proxy("/silent")).initialize("2025-06-18").status()).isEqualTo(504);
            assertThat(new McpHttp(gateway.proxy("/closing")).initialize("2025-06-18").status()).isEqualTo(502);

            await().atMost(Duration.ofSeconds(20)).until(() -> entries(logFile).size() >= 3);
            JsonNode down = entry(logFile, "/down");
            assertThat(down.path("response").path("status").asInt()).isEqualTo(502);
            assertThat(down.path("upstream_status").asText()).isEqualTo("502");
            // no connection: proxied nothing
            assertThat(down.path("latencies").path("proxy").asLong()).as("%s", down).isEqualTo(-1);
            JsonNode timedOut = entry(logFile, "/silent");
            assertThat(timedOut.path("response").path("status").asInt()).isEqualTo(504);
            assertThat(timedOut.path("upstream_status").asText()).isEqualTo("504");
            // the request went out and the gateway waited read_timeout for its answer: nginx's upstream_response_time
            // of its 504 is that wait, as a converted tool's REST request that timed out is logged
            assertThat(timedOut.path("latencies").path("proxy").asLong()).as("%s", timedOut).isBetween(300L, 5_000L);
            JsonNode closed = entry(logFile, "/closing");
            assertThat(closed.path("response").path("status").asInt()).isEqualTo(502);
            assertThat(closed.path("upstream_status").asText()).isEqualTo("502");
            // nginx's "upstream prematurely closed connection": its 502 after the time waited
            assertThat(closed.path("latencies").path("proxy").asLong()).as("%s", closed)
                    .isBetween(CLOSE_AFTER_MS, 5_000L);
            // no answer came: the gateway answered (Kong's get_source() is not "service"), as a tool call's
            // unanswered REST API is logged
            for (JsonNode failed : List.of(down, timedOut, closed)) {
                assertThat(failed.path("source").asText()).as("%s", failed).isEqualTo("kong");
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void anUpstreamsJsonRpcErrorIsLoggedWithItsOwnMessageCutAt256Characters() throws Exception {
        Path logFile = Files.createTempDirectory("file-log").resolve("toolgate.log");
        String longMessage = "backend down: " + "x".repeat(5_000);
        try (RestUpstream upstream = new RestUpstream()) {
            upstream.onMessage("POST /mcp", (request, message) -> request.response()
                    .putHeader("content-type", "application/json").end("{\"jsonrpc\":\"2.0\",\"id\":" + message.get("id")
                            + ",\"error\":{\"code\":-32603,\"message\":\"" + (message.get("id").asInt() == 1
                            ? "the orders database is unreachable" : longMessage) + "\"}}"));
            try (var gateway = TestGateway.start("""
                    _format_version: "3.0"
                    services:
                      - name: failing
                        url: %s
                        routes:
                          - name: failing
                            paths: [/failing]
                            plugins:
                              - name: file-log
                                config: {path: %s}
                              - name: ai-mcp-proxy
                                config: {mode: passthrough-listener, logging: {log_statistics: true}}
                    """.formatted(upstream.url() + "/mcp", logFile))) {
                McpHttp client = new McpHttp(gateway.proxy("/failing"));
                client.sessionId("s-1");
                for (int id = 1; id <= 2; id++) {
                    assertThat(client.post("{\"jsonrpc\":\"2.0\",\"id\":" + id
                            + ",\"method\":\"tools/call\",\"params\":{\"name\":\"list_orders\"}}").body()).contains("-32603");
                }

                await().atMost(Duration.ofSeconds(20)).until(() -> entries(logFile).size() >= 2);
                List<JsonNode> rpc = entries(logFile).stream().map(e -> e.path("ai").path("mcp").path("rpc").get(0)).toList();
                assertThat(rpc).anySatisfy(r -> assertThat(r.path("error").asText())
                        .isEqualTo("the orders database is unreachable"));
                assertThat(rpc).anySatisfy(r -> assertThat(r.path("error").asText())
                        .startsWith("backend down: xxx").hasSizeLessThanOrEqualTo(257));
            }
        }
    }

    @Test
    void aToolCallWhoseRestApiRefusesTheConnectionIsCountedAndLoggedAsATransportErrorWithNginxs502AndNothingProxied() throws Exception {
        Path logFile = Files.createTempDirectory("file-log").resolve("toolgate.log");
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        try (var gateway = TestGateway.start(conversion("http://127.0.0.1:" + closedPort, "", logFile))) {
            McpHttp client = new McpHttp(gateway.proxy("/conv"));
            client.initialize("2025-06-18");
            JsonNode result = client.call("get_item", "{\"path_id\":\"42\"}");

            // the client still gets the tool result it always got
            assertThat(result.path("isError").asBoolean()).isTrue();
            assertThat(result.path("content").get(0).path("text").asText()).startsWith("The API could not be reached");
            await().atMost(Duration.ofSeconds(20)).until(() -> entries(logFile).stream()
                    .anyMatch(e -> e.path("ai").path("mcp").path("rpc").path(0).path("method").asText().equals("tools/call")));
            JsonNode entry = entries(logFile).stream().filter(e -> e.path("ai").path("mcp").path("rpc").path(0)
                    .path("method").asText().equals("tools/call")).findFirst().orElseThrow();
            JsonNode rpc = entry.path("ai").path("mcp").path("rpc").get(0);
            assertThat(rpc.path("error").asText()).startsWith("The API could not be reached: service 'rest' unreachable")
                    .doesNotContain("127.0.0.1").doesNotContain(Integer.toString(closedPort));
            // nginx's $upstream_status of a refused connection is its 502, as passthrough's entry shows; nothing was
            // proxied
            assertThat(entry.path("source").asText()).isEqualTo("kong");
            assertThat(entry.path("upstream_status").asText()).as("%s", entry).isEqualTo("502");
            assertThat(entry.path("latencies").path("proxy").asLong()).isEqualTo(-1);

            String metrics = new dev.toolgate.testing.AdminHttp(gateway).get("/metrics").body();
            assertThat(metrics).containsPattern("kong_ai_mcp_error_total\\{[^}]*tool_name=\"get_item\"[^}]*type=\"transport_error\"")
                    .doesNotContain("type=\"tool_error\"")
                    .containsPattern("kong_http_requests_total\\{[^}]*code=\"200\"[^}]*source=\"kong\"");
        }
    }

    @Test
    void aToolCallWhoseRestApiTookTheRequestButNeverAnsweredIsLoggedAsNginxLogsAReadTimeout() throws Exception {
        Path logFile = Files.createTempDirectory("file-log").resolve("toolgate.log");
        try (RestUpstream slow = new RestUpstream().on("GET /items/42", request -> { });
             var gateway = TestGateway.start(conversion(slow.url(), "read_timeout: 400", logFile))) {
            McpHttp client = new McpHttp(gateway.proxy("/conv"));
            client.initialize("2025-06-18");
            JsonNode result = client.call("get_item", "{\"path_id\":\"42\"}");

            assertThat(result.path("isError").asBoolean()).isTrue();
            assertThat(result.path("content").get(0).path("text").asText()).startsWith("The API did not answer in time");
            assertThat(slow.next().path()).isEqualTo("/items/42");
            await().atMost(Duration.ofSeconds(20)).until(() -> entries(logFile).stream()
                    .anyMatch(e -> e.path("ai").path("mcp").path("rpc").path(0).path("method").asText().equals("tools/call")));
            JsonNode entry = entries(logFile).stream().filter(e -> e.path("ai").path("mcp").path("rpc").path(0)
                    .path("method").asText().equals("tools/call")).findFirst().orElseThrow();
            // the request went out and the gateway waited read_timeout for its answer: nginx's 504 and its
            // upstream_response_time, not a connection never made; the gateway answered (Kong's source is not "service")
            assertThat(entry.path("upstream_status").asText()).as("%s", entry).isEqualTo("504");
            assertThat(entry.path("latencies").path("proxy").asLong()).as("%s", entry).isBetween(400L, 5_000L);
            assertThat(entry.path("source").asText()).as("%s", entry).isEqualTo("kong");
            assertThat(entry.path("upstream_uri").asText()).isEqualTo("/items/42");
            assertThat(entry.path("ai").path("mcp").path("rpc").get(0).path("error").asText())
                    .startsWith("The API did not answer in time: service 'rest' sent nothing for 400 ms");

            String metrics = new dev.toolgate.testing.AdminHttp(gateway).get("/metrics").body();
            assertThat(metrics).containsPattern("kong_ai_mcp_error_total\\{[^}]*tool_name=\"get_item\"[^}]*type=\"transport_error\"")
                    .containsPattern("kong_http_requests_total\\{[^}]*code=\"200\"[^}]*source=\"kong\"");
        }
    }

    @Test
    void aPassthroughServerThatIsDownIsCountedAndLoggedAsATransportErrorAlsoThroughAnEraBridge() throws Exception {
        Path logFile = Files.createTempDirectory("file-log").resolve("toolgate.log");
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        try (var gateway = TestGateway.start("""
                _format_version: "3.0"
                plugins:
                  - name: prometheus
                    config: {status_code_metrics: true, ai_metrics: true}
                services:
                  - name: down
                    url: http://127.0.0.1:%d/mcp
                    routes:
                      - name: plain
                        paths: [/plain]
                        plugins:
                          - name: file-log
                            config: {path: %s}
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener, logging: {log_statistics: true}}
                      - name: bridged
                        paths: [/bridged]
                        plugins:
                          - name: file-log
                            config: {path: %s}
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener, server: {upstream_era: modern},
                                     logging: {log_statistics: true}}
                """.formatted(closedPort, logFile, logFile))) {
            try (McpSyncClient plain = Sdk.client(gateway.proxy("/plain"), Map.of(), spec -> { })) {
                assertThatThrownBy(plain::initialize).isNotNull();
            }
            // the era bridge answers initialize itself (with no tools, so the SDK would not call one): the call is
            // the first message that goes to the server
            McpHttp bridged = new McpHttp(gateway.proxy("/bridged"));
            assertThat(bridged.initialize("2025-11-25").status()).isEqualTo(200);
            McpHttp.Response call = bridged.post("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\","
                    + "\"params\":{\"name\":\"echo\",\"arguments\":{}}}");
            assertThat(call.status()).as("%s", call).isEqualTo(502);
            assertThat(call.json().path("id").asInt()).isEqualTo(5);

            await().atMost(Duration.ofSeconds(20)).until(() -> rpc(logFile, "initialize", "/plain") != null
                    && rpc(logFile, "tools/call", "/bridged") != null);
            String metrics = new AdminHttp(gateway).get("/metrics").body();
            assertThat(metrics)
                    .containsPattern("kong_ai_mcp_error_total\\{[^}]*method=\"initialize\"[^}]*route=\"plain\"[^}]*type=\"transport_error\"")
                    .containsPattern("kong_ai_mcp_error_total\\{[^}]*method=\"tools/call\"[^}]*route=\"bridged\"[^}]*type=\"transport_error\"")
                    .doesNotContain("type=\"Internal error\"");
            for (JsonNode failed : List.of(rpc(logFile, "initialize", "/plain"), rpc(logFile, "tools/call", "/bridged"))) {
                // the gateway's own words, error id included, as a converted tool's unreachable REST API is logged
                assertThat(failed.path("error").asText()).as("%s", failed)
                        .startsWith("Bad Gateway: service 'down' is unavailable: unreachable: could not connect (error id ")
                        .doesNotContain("127.0.0.1").doesNotContain(Integer.toString(closedPort));
            }
        }
    }

    @Test
    void aToolCallWhoseRestApiClosedTheConnectionOrNeverAcceptedItIsLoggedWithNginxs502Or504AfterTheTimeWaitedAsAServersIs()
            throws Exception {
        Path logFile = Files.createTempDirectory("file-log").resolve("toolgate.log");
        List<Socket> backlog = new CopyOnWriteArrayList<>();
        try (ServerSocket closing = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ServerSocket unaccepting = withFullBacklog(backlog);
             var gateway = TestGateway.start("""
                     _format_version: "3.0"
                     plugins:
                       - name: prometheus
                         config: {status_code_metrics: true, ai_metrics: true}
                     services:
                       - name: closing
                         url: http://127.0.0.1:%d
                         routes:
                           - name: closing
                             paths: [/closing]
                             plugins:
                               - name: file-log
                                 config: {path: %s}
                               - name: ai-mcp-proxy
                                 config:
                                   mode: conversion-listener
                                   logging: {log_statistics: true}
                                   tools:
                                     - {name: get_item, description: One item, method: GET, path: /items/42}
                       - name: unaccepting
                         url: http://127.0.0.1:%d
                         connect_timeout: 300
                         routes:
                           - name: unaccepting
                             paths: [/unaccepting]
                             plugins:
                               - name: file-log
                                 config: {path: %s}
                               - name: ai-mcp-proxy
                                 config:
                                   mode: conversion-listener
                                   logging: {log_statistics: true}
                                   tools:
                                     - {name: get_item, description: One item, method: GET, path: /items/42}
                           - name: unaccepting-mcp
                             paths: [/unaccepting-mcp]
                             plugins:
                               - name: file-log
                                 config: {path: %s}
                               - name: ai-mcp-proxy
                                 config: {mode: passthrough-listener}
                     """.formatted(closing.getLocalPort(), logFile, unaccepting.getLocalPort(), logFile, logFile))) {
            closeEachAfterItsRequest(closing, CLOSE_AFTER_MS);
            for (String path : List.of("/closing", "/unaccepting")) {
                McpHttp client = new McpHttp(gateway.proxy(path));
                client.initialize("2025-06-18");
                assertThat(client.call("get_item", "{}").path("isError").asBoolean()).as(path).isTrue();
            }

            assertThat(new McpHttp(gateway.proxy("/unaccepting-mcp")).initialize("2025-06-18").status()).isEqualTo(504);

            await().atMost(Duration.ofSeconds(20)).until(() -> toolCall(logFile, "/closing") != null
                    && toolCall(logFile, "/unaccepting") != null && entries(logFile).stream()
                    .anyMatch(e -> e.path("request").path("uri").asText().equals("/unaccepting-mcp")));
            // nginx: "upstream prematurely closed connection", its 502 after the time waited
            JsonNode closed = toolCall(logFile, "/closing");
            assertThat(closed.path("upstream_status").asText()).as("%s", closed).isEqualTo("502");
            assertThat(closed.path("latencies").path("proxy").asLong()).as("%s", closed)
                    .isBetween(CLOSE_AFTER_MS, 5_000L);
            // nginx: "upstream timed out while connecting", its 504 after connect_timeout
            JsonNode timedOut = toolCall(logFile, "/unaccepting");
            assertThat(timedOut.path("upstream_status").asText()).as("%s", timedOut).isEqualTo("504");
            assertThat(timedOut.path("latencies").path("proxy").asLong()).as("%s", timedOut).isBetween(300L, 5_000L);
            // a passthrough server's too
            JsonNode passthrough = entry(logFile, "/unaccepting-mcp");
            assertThat(passthrough.path("upstream_status").asText()).as("%s", passthrough).isEqualTo("504");
            assertThat(passthrough.path("latencies").path("proxy").asLong()).as("%s", passthrough)
                    .isBetween(300L, 5_000L);
            assertThat(passthrough.path("source").asText()).as("%s", passthrough).isEqualTo("kong");
            for (JsonNode failed : List.of(closed, timedOut)) {
                assertThat(failed.path("source").asText()).as("%s", failed).isEqualTo("kong");
                assertThat(failed.path("upstream_uri").asText()).as("%s", failed).isEqualTo("/items/42");
                assertThat(failed.path("response").path("status").asInt()).as("%s", failed).isEqualTo(200);
            }
            String metrics = new AdminHttp(gateway).get("/metrics").body();
            assertThat(metrics)
                    .containsPattern("kong_ai_mcp_error_total\\{[^}]*route=\"closing\"[^}]*type=\"transport_error\"")
                    .containsPattern("kong_ai_mcp_error_total\\{[^}]*route=\"unaccepting\"[^}]*type=\"transport_error\"");
        } finally {
            for (Socket s : backlog) {
                s.close();
            }
        }
    }

    @Test
    void aToolCallWhoseRestApiAnsweredIsLoggedWithThatAnswersStatusAndABatchWithItsFirstCallsAsUpstreamUriNamesIt()
            throws Exception {
        Path logFile = Files.createTempDirectory("file-log").resolve("toolgate.log");
        try (RestUpstream rest = new RestUpstream()
                .on("GET /items/1", request -> request.response().putHeader("content-type", "application/json")
                        .end("{\"id\":1}"))
                .on("GET /items/2", request -> request.response().setStatusCode(404)
                        .putHeader("content-type", "application/json").end("{\"error\":\"no item 2\"}"));
             var gateway = TestGateway.start("""
                     _format_version: "3.0"
                     services:
                       - name: rest
                         url: %s
                         routes:
                           - name: conv
                             paths: [/conv]
                             plugins:
                               - name: file-log
                                 config: {path: %s}
                               - name: ai-mcp-proxy
                                 config:
                                   mode: conversion-listener
                                   logging: {log_statistics: true}
                                   tools:
                                     - name: get_item
                                       description: One item
                                       method: GET
                                       path: /items/{id}
                                       parameters: [{name: id, in: path, required: true, schema: {type: string}}]
                     """.formatted(rest.url(), logFile))) {
            McpHttp client = new McpHttp(gateway.proxy("/conv"));
            client.initialize("2025-03-26");
            assertThat(client.call("get_item", "{\"path_id\":\"1\"}").path("isError").asBoolean()).isFalse();
            assertThat(client.call("get_item", "{\"path_id\":\"2\"}").path("isError").asBoolean()).isTrue();
            McpHttp.Response batch = client.post("[" + call(7, "2") + "," + call(8, "1") + "]");
            assertThat(batch.status()).as("%s", batch).isEqualTo(200);

            await().atMost(Duration.ofSeconds(20)).until(() -> toolCalls(logFile).size() >= 3);
            List<JsonNode> calls = toolCalls(logFile);
            JsonNode found = calls.stream().filter(e -> e.path("ai").path("mcp").path("rpc").size() == 1
                    && e.path("upstream_uri").asText().equals("/items/1")).findFirst().orElseThrow();
            JsonNode missing = calls.stream().filter(e -> e.path("ai").path("mcp").path("rpc").size() == 1
                    && e.path("upstream_uri").asText().equals("/items/2")).findFirst().orElseThrow();
            JsonNode both = calls.stream().filter(e -> e.path("ai").path("mcp").path("rpc").size() == 2)
                    .findFirst().orElseThrow();
            // Kong logs the proxied request's status: the REST request upstream_uri and latencies.proxy come from
            assertThat(found.path("upstream_status").asText()).as("%s", found).isEqualTo("200");
            assertThat(missing.path("upstream_status").asText()).as("%s", missing).isEqualTo("404");
            // a batch's first call, the one upstream_uri names
            assertThat(both.path("upstream_uri").asText()).as("%s", both).isEqualTo("/items/2");
            assertThat(both.path("upstream_status").asText()).as("%s", both).isEqualTo("404");
            for (JsonNode answered : List.of(found, missing, both)) {
                assertThat(answered.path("source").asText()).as("%s", answered).isEqualTo("upstream");
                assertThat(answered.path("response").path("status").asInt()).as("%s", answered).isEqualTo(200);
                assertThat(answered.path("latencies").path("proxy").asLong()).as("%s", answered).isBetween(0L, 5_000L);
            }
        }
    }

    @Test
    void aToolCallWhoseRestAnswerWasRefusedAsTooLargeOrCutByItsReadTimeoutAfterItsHeadIsLoggedWithThatHeadsStatus()
            throws Exception {
        // 16 MiB: the gateway's limit of a REST answer
        Buffer tooLarge = Buffer.buffer(new byte[16 * 1024 * 1024 + 1]);
        try (RestUpstream rest = new RestUpstream()
                .on("GET /items/1", request -> request.response().putHeader("content-type", "application/json")
                        .end(tooLarge))
                // its head and the body's first byte, then silence
                .on("GET /items/2", request -> request.response().putHeader("content-type", "application/json")
                        .putHeader("content-length", "100").write("{"))) {
            for (String item : List.of("1", "2")) {
                Path logFile = Files.createTempDirectory("file-log").resolve("toolgate.log");
                try (var gateway = TestGateway.start(conversion(rest.url(), "read_timeout: 400", logFile))) {
                    McpHttp client = new McpHttp(gateway.proxy("/conv"));
                    client.initialize("2025-06-18");
                    JsonNode result = client.call("get_item", "{\"path_id\":\"" + item + "\"}");

                    // the client still gets the gateway's tool result
                    assertThat(result.path("isError").asBoolean()).isTrue();
                    assertThat(result.path("content").get(0).path("text").asText()).startsWith(item.equals("1")
                            ? "The API's answer was too large" : "The API did not answer in time");
                    await().atMost(Duration.ofSeconds(20)).until(() -> !toolCalls(logFile).isEmpty());
                    JsonNode entry = toolCalls(logFile).getFirst();
                    // nginx's $upstream_status holds the status once its header was read, whatever the body did
                    assertThat(entry.path("upstream_status").asText()).as("%s", entry).isEqualTo("200");
                    // Kong's proxy latency is the wait for that head, not the body's 400 ms of silence after it
                    long request = entry.path("latencies").path("request").asLong();
                    // (the silence is the read_timeout: a proxy latency that took it in would be 400 or more; the
                    // request's own milliseconds are truncated apart, so they cannot bound it to the millisecond)
                    assertThat(entry.path("latencies").path("proxy").asLong()).as("%s", entry)
                            .isBetween(0L, item.equals("1") ? request : Math.min(request, 399L));
                    assertThat(entry.path("source").asText()).as("%s", entry).isEqualTo("kong");
                    assertThat(entry.path("response").path("status").asInt()).isEqualTo(200);
                    String metrics = new AdminHttp(gateway).get("/metrics").body();
                    assertThat(metrics)
                            .containsPattern("kong_ai_mcp_error_total\\{[^}]*tool_name=\"get_item\"[^}]*type=\"transport_error\"")
                            .containsPattern("kong_http_requests_total\\{[^}]*code=\"200\"[^}]*source=\"kong\"");
                }
            }
        }
    }

    @Test
    void aPassthroughServerWhoseAnswerHeadCameAndWhoseBodyThenStoppedIsLoggedWithThatHeadsStatusAlsoThroughAnEraBridge()
            throws Exception {
        Path logFile = Files.createTempDirectory("file-log").resolve("toolgate.log");
        // a JSON answer's head and none of its body
        try (RestUpstream server = new RestUpstream().onMessage("POST /mcp", (request, message) -> request.response()
                .putHeader("content-type", "application/json").putHeader("content-length", "100").writeHead());
             var gateway = TestGateway.start("""
                     _format_version: "3.0"
                     services:
                       - name: stalling
                         url: %s/mcp
                         read_timeout: 400
                         routes:
                           - name: plain
                             paths: [/plain]
                             plugins:
                               - name: file-log
                                 config: {path: %s}
                               - name: ai-mcp-proxy
                                 config: {mode: passthrough-listener, logging: {log_statistics: true}}
                           - name: bridged
                             paths: [/bridged]
                             plugins:
                               - name: file-log
                                 config: {path: %s}
                               - name: ai-mcp-proxy
                                 config: {mode: passthrough-listener, server: {upstream_era: modern},
                                          logging: {log_statistics: true}}
                     """.formatted(server.url(), logFile, logFile))) {
            assertThat(new McpHttp(gateway.proxy("/plain")).initialize("2025-06-18").status()).isEqualTo(504);
            McpHttp bridged = new McpHttp(gateway.proxy("/bridged"));
            assertThat(bridged.initialize("2025-11-25").status()).isEqualTo(200);
            McpHttp.Response call = bridged.post("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\","
                    + "\"params\":{\"name\":\"echo\",\"arguments\":{}}}");
            assertThat(call.status()).as("%s", call).isEqualTo(504);

            await().atMost(Duration.ofSeconds(20)).until(() -> rpc(logFile, "initialize", "/plain") != null
                    && rpc(logFile, "tools/call", "/bridged") != null);
            JsonNode plain = entry(logFile, "/plain");
            JsonNode viaBridge = entries(logFile).stream().filter(e -> e.path("request").path("uri").asText()
                    .equals("/bridged") && e.path("ai").path("mcp").path("rpc").path(0).path("method").asText()
                    .equals("tools/call")).findFirst().orElseThrow();
            for (JsonNode entry : List.of(plain, viaBridge)) {
                // the client got the gateway's 504; nginx's $upstream_status is the head's 200 that came before it
                assertThat(entry.path("response").path("status").asInt()).as("%s", entry).isEqualTo(504);
                assertThat(entry.path("upstream_status").asText()).as("%s", entry).isEqualTo("200");
                // the wait for that head, not the 400 ms of silence after it
                // (the silence is the read_timeout: a proxy latency that took it in would be 400 or more)
                assertThat(entry.path("latencies").path("proxy").asLong()).as("%s", entry).isBetween(0L, 399L);
            }
        }
    }

    @Test
    void aRequestWhosePooledConnectionWasStaleAndWhoseNewConnectionWasRefusedIsLoggedAsProxyingNothing()
            throws Exception {
        Path logFile = Files.createTempDirectory("file-log").resolve("toolgate.log");
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             var gateway = TestGateway.start("""
                     _format_version: "3.0"
                     services:
                       - name: going
                         url: http://127.0.0.1:%d/mcp
                         routes:
                           - name: going
                             paths: [/going]
                             plugins:
                               - name: file-log
                                 config: {path: %s}
                               - name: ai-mcp-proxy
                                 config: {mode: passthrough-listener}
                     """.formatted(server.getLocalPort(), logFile))) {
            answerOnceThenGo(server, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[]}}");
            McpHttp client = new McpHttp(gateway.proxy("/going"));
            client.sessionId("s-1");
            assertThat(client.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").status())
                    .isEqualTo(200);
            // the stream's GET goes on the pooled connection, which the server closes under it; sent again on a
            // new connection, it is refused: nothing listens any more
            McpHttp.Response stream = client.send("GET", null, Map.of("accept", "text/event-stream",
                    "mcp-session-id", "s-1"));
            assertThat(stream.status()).as("%s", stream).isEqualTo(502);

            await().atMost(Duration.ofSeconds(20)).until(() -> entries(logFile).size() >= 2);
            JsonNode refused = entries(logFile).stream().filter(e -> e.path("request").path("method").asText()
                    .equals("GET")).findFirst().orElseThrow();
            assertThat(refused.path("upstream_status").asText()).as("%s", refused).isEqualTo("502");
            // the request that counts never had a connection: nginx's next upstream refused it, nothing was proxied
            assertThat(refused.path("latencies").path("proxy").asLong()).as("%s", refused).isEqualTo(-1);
            assertThat(refused.path("source").asText()).as("%s", refused).isEqualTo("kong");
        }
    }

    private static String call(int id, String item) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"get_item\","
                + "\"arguments\":{\"path_id\":\"" + item + "\"}}}";
    }

    /** The entries of exchanges whose first message is a tools/call. */
    private static List<JsonNode> toolCalls(Path file) throws IOException {
        return entries(file).stream().filter(e -> e.path("ai").path("mcp").path("rpc").path(0).path("method").asText()
                .equals("tools/call")).toList();
    }

    /** Accepts every connection and keeps it open without a word: a server that took the request and never answers. */
    private static void holdEvery(ServerSocket server, List<Socket> held) {
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    held.add(server.accept());
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    /** Takes each request's first bytes, waits {@code afterMs} and closes the connection unanswered. */
    private static void closeEachAfterItsRequest(ServerSocket server, long afterMs) {
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.getInputStream().read(new byte[8192]);
                    Thread.sleep(afterMs);
                } catch (IOException closed) {
                    if (server.isClosed()) {
                        return;
                    }
                } catch (InterruptedException stopped) {
                    return;
                }
            }
        });
    }

    /**
     * A keep-alive server that answers its first request with {@code json}, then stops listening and closes the
     * connection under the next request unanswered: that request's pooled connection turns out stale, and a new one
     * is refused.
     */
    private static void answerOnceThenGo(ServerSocket server, String json) {
        Thread.ofVirtual().start(() -> {
            try (Socket s = server.accept()) {
                InputStream in = new BufferedInputStream(s.getInputStream());
                readRequest(in);
                byte[] body = json.getBytes(StandardCharsets.UTF_8);
                s.getOutputStream().write(("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
                        + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().write(body);
                s.getOutputStream().flush();
                server.close();
                readRequest(in);
            } catch (IOException gone) {
                // the gateway closed first: nothing more to do
            }
        });
    }

    /** Reads one HTTP/1.1 request, its head and its content-length body. */
    private static void readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed");
            }
            head.append((char) b);
        }
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        if (length.find()) {
            in.readNBytes(Integer.parseInt(length.group(1)));
        }
    }

    /**
     * A listening socket whose backlog {@code fillers} fill and that accepts nothing: a connection to it is neither
     * refused nor made (Linux drops the SYN), so a client's connect times out.
     */
    private static ServerSocket withFullBacklog(List<Socket> fillers) throws IOException {
        ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        for (int i = 0; i < 16; i++) {
            Socket filler = new Socket();
            try {
                filler.connect(server.getLocalSocketAddress(), 200);
                fillers.add(filler);
            } catch (java.net.SocketTimeoutException full) {
                filler.close();
                return server;
            }
        }
        server.close();
        throw new IllegalStateException("the backlog never filled");
    }

    /** The entry of the exchange at {@code uri} whose first message is a tools/call, or null. */
    private static JsonNode toolCall(Path file, String uri) throws IOException {
        return entries(file).stream().filter(e -> e.path("request").path("uri").asText().equals(uri)
                && e.path("ai").path("mcp").path("rpc").path(0).path("method").asText().equals("tools/call"))
                .findFirst().orElse(null);
    }

    /** The first logged message with {@code method} of an exchange at {@code uri}, or null. */
    private static JsonNode rpc(Path file, String method, String uri) throws IOException {
        return entries(file).stream().filter(e -> e.path("request").path("uri").asText().equals(uri))
                .flatMap(e -> java.util.stream.StreamSupport.stream(e.path("ai").path("mcp").path("rpc").spliterator(), false))
                .filter(r -> r.path("method").asText().equals(method)).findFirst().orElse(null);
    }

    static List<JsonNode> entries(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(l -> {
            try {
                return Json.parse(l.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalStateException(l, e);
            }
        }).toList();
    }

    private static JsonNode entry(Path file, String uri) throws IOException {
        return entries(file).stream().filter(e -> e.path("request").path("uri").asText().equals(uri))
                .findFirst().orElseThrow();
    }

    /**
     * Prometheus, and a conversion route {@code /conv} logging to {@code logFile} whose tool {@code get_item} calls
     * {@code GET /items/{id}} of the service at {@code url}, with {@code setting} (one service field, or "").
     */
    static String conversion(String url, String setting, Path logFile) {
        return """
                _format_version: "3.0"
                plugins:
                  - name: prometheus
                    config: {status_code_metrics: true, ai_metrics: true}
                services:
                  - name: rest
                    url: %s
                    %s
                    routes:
                      - name: conv
                        paths: [/conv]
                        plugins:
                          - name: file-log
                            config: {path: %s}
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              logging: {log_statistics: true}
                              tools:
                                - name: get_item
                                  description: One item
                                  method: GET
                                  path: /items/{id}
                                  parameters: [{name: id, in: path, required: true, schema: {type: string}}]
                """.formatted(url, setting, logFile);
    }
}
