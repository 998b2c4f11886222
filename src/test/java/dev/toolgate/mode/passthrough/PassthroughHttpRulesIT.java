package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.EverythingServer;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RawConnection;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a passthrough-listener route does to a request and its answer at the HTTP level: which
 * headers cross (MCP headers unchanged, hop-by-hop ones never, Host and X-Forwarded-* the gateway's),
 * Kong's path rules, the Origin check, the body limit, and the errors the gateway itself answers
 * (502, 504). A recording upstream shows what arrived.
 */
@Timeout(60)
class PassthroughHttpRulesIT {

    static final String BODY = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";

    static RestUpstream upstream;
    static Vertx vertx;
    static HttpServer gzipUpstream;
    static ServerSocket saturated;
    static final List<Socket> backlog = new ArrayList<>();
    static TestGateway gateway;
    static int port;

    @BeforeAll
    static void start() throws IOException {
        upstream = new RestUpstream();
        for (String path : List.of("/base/mcp", "/base/keep/mcp", "/mcp", "/base/a%2Fb", "/base")) {
            for (String method : List.of("GET", "POST", "DELETE", "PUT", "PATCH", "OPTIONS")) {
                upstream.on(method + " " + path, r -> r.response().putHeader("content-type", "application/json")
                        .putHeader("mcp-session-id", "s-123").end("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}"));
            }
        }
        upstream.on("POST /base/hop", r -> r.response()
                .putHeader("content-type", "application/json")
                .putHeader("connection", "X-Up-Hop")
                .putHeader("X-Up-Hop", "1")
                .putHeader("keep-alive", "timeout=9")
                .putHeader("proxy-authenticate", "Basic realm=up")
                .putHeader("trailer", "X-Sum")
                .putHeader("upgrade", "example/1")
                .putHeader("X-Kept", "yes")
                .putHeader("Mcp-Session-Id", "s-123")
                .end("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}"));
        upstream.on("GET /base/sse", r -> r.response().putHeader("content-type", "text/event-stream")
                .end("event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{}}\n\n"));
        upstream.on("HEAD /base/mcp", r -> r.response().putHeader("content-type", "application/json")
                .putHeader("content-length", "37").end());
        upstream.on("POST /base/no-content", r -> r.response().setStatusCode(204).end());
        upstream.on("HEAD /base/chunked", r -> r.response().setChunked(true).putHeader("content-type", "application/json").end());
        upstream.on("GET /slow/mcp", r -> {
            // answers long after the service's read_timeout (500 ms)
            Vertx.currentContext().owner().setTimer(5_000, id -> r.response().end("late"));
        });
        upstream.on("GET /slow/stall", r -> {
            // the head and part of a JSON body at once, then silence longer than read_timeout
            r.response().setChunked(true).putHeader("content-type", "application/json").write("{\"jsonrpc\":\"2.0\",");
            Vertx.currentContext().owner().setTimer(5_000, id -> r.response().end("\"id\":1,\"result\":{}}"));
        });
        upstream.on("GET /slow/quiet-sse", r -> {
            // an SSE stream quiet for longer than read_timeout, then one event
            r.response().setChunked(true).putHeader("content-type", "text/event-stream").write(": open\n\n");
            Vertx.currentContext().owner().setTimer(1_500, id -> r.response()
                    .end("data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{}}\n\n"));
        });

        vertx = Vertx.vertx();
        gzipUpstream = vertx.createHttpServer(new HttpServerOptions().setCompressionSupported(true))
                .requestHandler(r -> r.response().putHeader("content-type", "application/json")
                        .putHeader("x-seen-accept-encoding", String.valueOf(r.getHeader("accept-encoding")))
                        .end(Buffer.buffer(("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"text\":\"" + "z".repeat(5000)
                                + "\"}}").getBytes(StandardCharsets.UTF_8))))
                .listen(0, "127.0.0.1").await();

        // a listener whose accept queue is full: connecting to it neither succeeds nor fails
        saturated = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), saturated.getLocalPort()), 200);
                backlog.add(s);
            } catch (SocketTimeoutException full) {
                s.close();
                break;
            }
        }

        String passthrough = "plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener}}]";
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: %1$s/base
                    routes:
                      - {name: strip, paths: [/strip], %2$s}
                      - {name: keep, paths: [/keep], strip_path: false, %2$s}
                      - {name: open, paths: [/open], strip_path: false, %2$s}
                      - name: guarded
                        paths: [/open/admin]
                        strip_path: false
                        plugins: [{name: key-auth}, {name: ai-mcp-proxy, config: {mode: passthrough-listener}}]
                      - name: tenant
                        paths: [/open]
                        headers: {x-tenant: ["~*^acme-"]}
                        strip_path: false
                        plugins: [{name: key-auth}, {name: ai-mcp-proxy, config: {mode: passthrough-listener}}]
                      - {name: preserve, paths: [/preserve], preserve_host: true, %2$s}
                      - {name: hosted, hosts: [mcp.example.test], paths: [/hosted], preserve_host: true, %2$s}
                      - name: limited
                        paths: [/limited]
                        plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener, max_request_body_size: 1024}}]
                      - name: origins
                        paths: [/origins]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener, server: {allowed_origins: ["https://app.example.com"]}}
                  - name: root
                    url: %1$s
                    routes:
                      - {name: root, paths: [/rs], %2$s}
                  - name: slow
                    url: %1$s/slow
                    read_timeout: 500
                    routes:
                      - {name: slow, paths: [/slow], %2$s}
                  - name: down
                    url: http://127.0.0.1:%3$d/mcp
                    routes:
                      - {name: down, paths: [/down], %2$s}
                  - name: unreachable
                    url: http://127.0.0.1:%4$d/mcp
                    connect_timeout: 300
                    routes:
                      - {name: unreachable, paths: [/unreachable], %2$s}
                  - name: gzip
                    url: http://127.0.0.1:%5$d/mcp
                    routes:
                      - {name: gzip, paths: [/gzip], %2$s}
                """.formatted(upstream.url(), passthrough, EverythingServer.freePort(), saturated.getLocalPort(),
                gzipUpstream.actualPort()));
        port = gateway.gateway().proxyPort();
    }

    @AfterAll
    static void stop() throws IOException {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (vertx != null) {
            vertx.close().await();
        }
        for (Socket s : backlog) {
            s.close();
        }
        if (saturated != null) {
            saturated.close();
        }
    }

    @BeforeEach
    void forgetEarlierRequests() {
        upstream.clear();
    }

    @Test
    void mcpHeadersAndCustomHeadersReachTheUpstreamUnchangedWithTheBody() {
        RawConnection.Response response = RawConnection.exchange(port, "POST", "/strip/mcp", List.of(
                "Host: 127.0.0.1:" + port,
                "Content-Type: application/json",
                "Accept: application/json, text/event-stream",
                "Content-Length: " + BODY.length(),
                "Mcp-Session-Id: s-123",
                "MCP-Protocol-Version: 2025-11-25",
                "Last-Event-ID: evt-42",
                "Mcp-Foo: bar",
                "Mcp-Foo: baz qux",
                "Authorization: Bearer client-token",
                "User-Agent: raw-test-client/1"), BODY.getBytes(StandardCharsets.UTF_8));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(response.header("mcp-session-id")).isEqualTo("s-123");
        RestUpstream.Received received = upstream.next();
        assertThat(received.method()).isEqualTo("POST");
        assertThat(received.body()).isEqualTo(BODY);
        assertThat(received.header("content-length")).isEqualTo(Integer.toString(BODY.length()));
        assertThat(received.header("content-type")).isEqualTo("application/json");
        assertThat(received.header("accept")).isEqualTo("application/json, text/event-stream");
        assertThat(received.header("mcp-session-id")).isEqualTo("s-123");
        assertThat(received.header("mcp-protocol-version")).isEqualTo("2025-11-25");
        assertThat(received.header("last-event-id")).isEqualTo("evt-42");
        assertThat(received.headers().getAll("mcp-foo")).containsExactly("bar", "baz qux");
        assertThat(received.header("authorization")).isEqualTo("Bearer client-token");
        assertThat(received.header("user-agent")).isEqualTo("raw-test-client/1");
    }

    @Test
    void hopByHopHeadersAndHeadersNamedInConnectionDoNotCrossInEitherDirection() {
        RawConnection.Response response = RawConnection.exchange(port, "POST", "/strip/hop", List.of(
                "Host: 127.0.0.1:" + port,
                "Content-Type: application/json",
                "Content-Length: " + BODY.length(),
                "Connection: keep-alive, X-Drop-Me",
                "X-Drop-Me: secret",
                "Keep-Alive: timeout=5",
                "TE: trailers",
                "Trailer: X-Checksum",
                "Upgrade: example/1",
                "Proxy-Authorization: Basic Zm9vOmJhcg==",
                "Proxy-Connection: keep-alive",
                "X-Custom: kept"), BODY.getBytes(StandardCharsets.UTF_8));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        RestUpstream.Received received = upstream.next();
        assertThat(received.header("x-custom")).isEqualTo("kept");
        for (String name : List.of("x-drop-me", "keep-alive", "te", "trailer", "upgrade", "proxy-authorization",
                "proxy-connection")) {
            assertThat(received.header(name)).as("%s upstream", name).isNull();
        }
        assertThat(String.valueOf(received.header("connection")).toLowerCase()).doesNotContain("x-drop-me");

        assertThat(response.header("x-kept")).isEqualTo("yes");
        assertThat(response.header("mcp-session-id")).isEqualTo("s-123");
        for (String name : List.of("x-up-hop", "keep-alive", "proxy-authenticate", "trailer", "upgrade")) {
            assertThat(response.header(name)).as("%s to the client: %s", name, response).isNull();
        }
    }

    @Test
    void theUpstreamGetsTheServiceHostAndTheGatewaysOwnForwardingHeaders() {
        RawConnection.Response response = RawConnection.exchange(port, "GET", "/strip/mcp", List.of(
                "Host: mcp.example.test:8443",
                "Accept: text/event-stream",
                "X-Forwarded-For: 203.0.113.9",
                "X-Forwarded-Proto: https",
                "X-Forwarded-Host: evil.example",
                "X-Forwarded-Port: 1",
                "X-Real-IP: 203.0.113.9",
                "Forwarded: for=203.0.113.9;proto=https"), null);

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        RestUpstream.Received received = upstream.next();
        assertThat(received.header("host")).isEqualTo("127.0.0.1:" + upstream.port());
        assertThat(received.headers().getAll("x-forwarded-for")).containsExactly("127.0.0.1");
        assertThat(received.headers().getAll("x-forwarded-proto")).containsExactly("http");
        assertThat(received.headers().getAll("x-forwarded-host")).containsExactly("mcp.example.test");
        assertThat(received.headers().getAll("x-forwarded-port")).containsExactly(Integer.toString(port));
        assertThat(received.headers().getAll("x-real-ip")).containsExactly("127.0.0.1");
        assertThat(received.header("forwarded")).isNull();
    }

    @Test
    void withPreserveHostTheUpstreamGetsTheClientsHost() {
        RawConnection.Response response = RawConnection.exchange(port, "GET", "/preserve/mcp", List.of(
                "Host: mcp.example.test:8443", "Accept: text/event-stream"), null);

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        RestUpstream.Received received = upstream.next();
        assertThat(received.headers().getAll("host")).containsExactly("mcp.example.test:8443");
        assertThat(received.uri()).isEqualTo("/base/mcp");
    }

    /**
     * RFC 9112 §3.2.2: with an absolute-form target the request's host is the target's, and the Host header
     * is ignored (nginx, and so Kong, route by it). A proxy in front that checks the target's host and
     * passes the request on must not see the gateway route and forward by another host the client chose.
     */
    @Test
    void anAbsoluteFormTargetsHostIsTheRequestsHostWhateverTheHostHeaderSays() {
        RawConnection.Response routed = RawConnection.exchange(port, "GET", "http://mcp.example.test:8443/hosted/mcp",
                List.of("Host: evil.example", "Accept: text/event-stream"), null);

        assertThat(routed.status()).as(routed.toString()).isEqualTo(200);
        RestUpstream.Received received = upstream.next();
        assertThat(received.headers().getAll("host")).as("preserve_host").containsExactly("mcp.example.test:8443");
        assertThat(received.headers().getAll("x-forwarded-host")).containsExactly("mcp.example.test");
        assertThat(received.uri()).isEqualTo("/base/mcp");

        RawConnection.Response elsewhere = RawConnection.exchange(port, "GET", "http://evil.example/hosted/mcp",
                List.of("Host: mcp.example.test", "Accept: text/event-stream"), null);
        assertThat(elsewhere.status()).as("the route's host is not the target's: %s", elsewhere).isEqualTo(404);

        RawConnection.Response userinfo = RawConnection.exchange(port, "GET", "http://a@mcp.example.test/hosted/mcp",
                List.of("Host: mcp.example.test", "Accept: text/event-stream"), null);
        assertThat(userinfo.status()).as("userinfo in the target: %s", userinfo).isEqualTo(400);
    }

    @Test
    void noAcceptEncodingReachesTheUpstreamSoItAnswersUncompressed() {
        RawConnection.Response response = RawConnection.exchange(port, "POST", "/gzip", List.of(
                "Host: 127.0.0.1:" + port, "Content-Type: application/json", "Accept-Encoding: br, gzip",
                "Content-Length: " + BODY.length()), BODY.getBytes(StandardCharsets.UTF_8));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        // the client's header is dropped (the gateway reads answers on the side); nothing may replace it,
        // or the upstream compresses answers the client never asked to be compressed (and SSE behind a
        // compressing middleware is held back until the compressor flushes)
        assertThat(response.header("x-seen-accept-encoding")).as("Accept-Encoding the upstream saw").isEqualTo("null");
    }

    @Test
    void aCompressingUpstreamStillReachesTheClientAsReadableBytesThatMatchTheHeaders() {
        RawConnection.Response response = RawConnection.exchange(port, "POST", "/gzip", List.of(
                "Host: 127.0.0.1:" + port, "Content-Type: application/json", "Content-Length: " + BODY.length()),
                BODY.getBytes(StandardCharsets.UTF_8));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        String encoding = response.header("content-encoding");
        assertThat(encoding == null || encoding.equals("identity")).as("content-encoding %s", encoding).isTrue();
        assertThat(json(response.text()).path("result").path("text").asText()).hasSize(5000);
        if (response.header("content-length") != null) {
            assertThat(Integer.parseInt(response.header("content-length"))).isEqualTo(response.body().length);
        }
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(textBlock = """
            GET,    /strip/mcp?x=1&y=%2F,  /base/mcp?x=1&y=%2F
            POST,   /strip/mcp,            /base/mcp
            GET,    /strip,                /base
            GET,    /strip/a%2Fb,          /base/a%2Fb
            DELETE, /keep/mcp,             /base/keep/mcp
            POST,   /strip//mcp,           /base/mcp
            POST,   /keep/%6Dcp,           /base/keep/mcp
            GET,    /keep/mcp?cursor=abc,  /base/keep/mcp?cursor=abc
            PUT,    /rs/mcp,               /mcp
            GET,    /rs/mcp?q=%20,         /mcp?q=%20
            """)
    void theUpstreamPathFollowsStripPathAndTheServicePath(String method, String requestTarget, String upstreamTarget) {
        byte[] body = method.equals("GET") || method.equals("DELETE") ? null : BODY.getBytes(StandardCharsets.UTF_8);
        List<String> headers = new ArrayList<>(List.of("Host: 127.0.0.1:" + port));
        if (body != null) {
            headers.add("Content-Type: application/json");
            headers.add("Content-Length: " + body.length);
        }
        RawConnection.Response response = RawConnection.exchange(port, method, requestTarget, headers, body);

        RestUpstream.Received received = upstream.next();
        assertThat(received.method()).isEqualTo(method);
        assertThat(received.uri()).as(response.toString()).isEqualTo(upstreamTarget);
    }

    /**
     * Kong matches the normalized path: {@code /open//admin} and {@code /open/%61dmin} are the {@code /open/admin} a
     * server reads them as, so they meet the key-auth of the route for it, not the open route above it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/open/admin", "/open//admin", "/open/%61dmin", "/open/./%61dmin/"})
    void aDoubledSlashOrAnEncodedLetterCannotSlipPastTheKeyAuthOfTheMoreSpecificRoute(String target)
            throws InterruptedException {
        RawConnection.Response response = RawConnection.exchange(port, "POST", target, List.of(
                "Host: 127.0.0.1:" + port, "Content-Type: application/json",
                "Accept: application/json, text/event-stream", "Content-Length: " + BODY.length()),
                BODY.getBytes(StandardCharsets.UTF_8));

        assertThat(response.status()).as(response.toString()).isEqualTo(401);
        assertThat(response.text()).contains("No API key found in request");
        assertThat(upstream.quiet(Duration.ofMillis(300))).as("nothing reached the upstream").isTrue();
    }

    /**
     * The route {@code tenant} takes {@code X-Tenant} values matching Kong's {@code ~*^acme-}, a case-insensitive
     * regex, on any line of the header, and guards them with key-auth; the open route {@code /open} takes the rest.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ACME-1", "globex|acme-2"})
    void aRequestWhoseHeaderMatchesARoutesTildeStarRegexMeetsThatRoutesKeyAuth(String tenantLines)
            throws InterruptedException {
        List<String> headers = new ArrayList<>(List.of("Host: 127.0.0.1:" + port, "Content-Type: application/json",
                "Accept: application/json, text/event-stream", "Content-Length: " + BODY.length()));
        for (String tenant : tenantLines.split("\\|")) {
            headers.add("X-Tenant: " + tenant);
        }
        RawConnection.Response response = RawConnection.exchange(port, "POST", "/open", headers,
                BODY.getBytes(StandardCharsets.UTF_8));

        assertThat(response.status()).as(response.toString()).isEqualTo(401);
        assertThat(response.text()).contains("No API key found in request");
        assertThat(upstream.quiet(Duration.ofMillis(300))).as("nothing reached the upstream").isTrue();
    }

    /**
     * The route {@code /strip} strips its prefix and joins the rest to the service path {@code /base}: a
     * request path whose rest begins with a dot segment ({@code /strip../admin}, the dots written or
     * percent-encoded) would reach the server as {@code /base/../admin}, which it resolves to {@code /admin},
     * outside the service path the operator gave.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/strip../admin", "/strip%2e%2e/admin", "/strip.%2E/admin", "/strip..", "/strip./admin"})
    void aPathWhoseRestAfterTheRoutePrefixIsADotSegmentIsRefusedAndNeverReachesTheUpstream(String target)
            throws InterruptedException {
        RawConnection.Response response = RawConnection.exchange(port, "POST", target, List.of(
                "Host: 127.0.0.1:" + port, "Content-Type: application/json",
                "Accept: application/json, text/event-stream", "Content-Length: " + BODY.length()),
                BODY.getBytes(StandardCharsets.UTF_8));

        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.text()).contains("dot segment");
        assertThat(upstream.quiet(Duration.ofMillis(300))).as("nothing reached the upstream").isTrue();
        RawConnection.exchange(port, "POST", "/strip.../admin", List.of("Host: 127.0.0.1:" + port,
                "Content-Type: application/json", "Accept: application/json, text/event-stream",
                "Content-Length: " + BODY.length()), BODY.getBytes(StandardCharsets.UTF_8));
        assertThat(upstream.next().uri()).as("three dots are a name, not a dot segment").isEqualTo("/base/.../admin");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "DELETE", "PUT", "PATCH", "OPTIONS"})
    void everyMethodIsForwardedAndAnsweredAsTheUpstreamAnswers(String method) {
        McpHttp.Response response = new McpHttp(gateway.proxy("/strip/mcp")).send(method,
                method.startsWith("P") ? BODY : null, Map.of("accept", McpHttp.ACCEPT_BOTH, "content-type", "application/json"));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(response.header("mcp-session-id")).isEqualTo("s-123");
        RestUpstream.Received received = upstream.next();
        assertThat(received.method()).isEqualTo(method);
        assertThat(received.body()).isEqualTo(method.startsWith("P") ? BODY : "");
    }

    @Test
    void aHeadRequestGetsTheUpstreamsHeadAndNoBody() throws IOException {
        try (RawConnection http = RawConnection.connect(port, 0)) {
            http.send("HEAD", "/strip/mcp", List.of("Host: 127.0.0.1:" + port), null);
            RawConnection.Head head = http.head();
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).as(head.toString()).isEqualTo("37");
            assertThat(head.chunked()).as("HEAD answered with chunked encoding: %s", head).isFalse();
            // nothing follows the head: a second request on the same connection gets its own answer
            http.send("GET", "/strip/mcp", List.of("Host: 127.0.0.1:" + port), null);
            http.socket().setSoTimeout(3_000);
            RawConnection.Response next = http.nextResponse().readAll();
            assertThat(next.status()).as("the answer after HEAD on the same connection").isEqualTo(200);
        }
        assertThat(upstream.next().method()).isEqualTo("HEAD");
    }

    @Test
    void a204AnswerCarriesNoBodySoTheNextAnswerOnTheConnectionIsIntact() throws IOException {
        try (RawConnection http = RawConnection.connect(port, 0)) {
            http.send("POST", "/strip/no-content", List.of("Host: 127.0.0.1:" + port, "Content-Type: application/json",
                    "Content-Length: " + BODY.length()), BODY.getBytes(StandardCharsets.UTF_8));
            RawConnection.Head head = http.head();
            assertThat(head.status()).isEqualTo(204);
            assertThat(head.chunked()).as("204 with Transfer-Encoding: chunked (RFC 9112 6.1 forbids it): %s", head).isFalse();
            http.send("GET", "/strip/mcp", List.of("Host: 127.0.0.1:" + port), null);
            http.socket().setSoTimeout(3_000);
            RawConnection.Response next = http.nextResponse().readAll();
            assertThat(next.status()).as("the answer after a 204 on the same connection").isEqualTo(200);
        }
    }

    @Test
    void aHeadAnswerWithoutLengthCarriesNoBodySoTheNextAnswerOnTheConnectionIsIntact() throws IOException {
        try (RawConnection http = RawConnection.connect(port, 0)) {
            http.send("HEAD", "/strip/chunked", List.of("Host: 127.0.0.1:" + port), null);
            RawConnection.Head head = http.head();
            assertThat(head.status()).isEqualTo(200);
            // a HEAD answer has no body whatever its headers say; read the next answer right after the head
            http.send("GET", "/strip/mcp", List.of("Host: 127.0.0.1:" + port), null);
            http.socket().setSoTimeout(3_000);
            String next = new String(http.socket().getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
            assertThat(next).as("what follows the HEAD answer's head").isEqualTo("HTTP/1.1 200");
        }
    }

    @Test
    void overHttp2ThePreserveHostAndForwardingHeadersUseTheClientsAuthority() throws Exception {
        java.net.http.HttpClient h2 = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_2).build();
        java.net.http.HttpResponse<String> response = h2.send(java.net.http.HttpRequest.newBuilder(gateway.proxy("/preserve/mcp"))
                .header("accept", "text/event-stream").GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.version()).as("the JDK client upgraded to h2c").isEqualTo(java.net.http.HttpClient.Version.HTTP_2);

        RestUpstream.Received received = upstream.next();
        org.assertj.core.api.SoftAssertions soft = new org.assertj.core.api.SoftAssertions();
        soft.assertThat(received.header("host")).as("Host with preserve_host over HTTP/2").isEqualTo("127.0.0.1:" + port);
        soft.assertThat(received.header("x-forwarded-host")).as("X-Forwarded-Host over HTTP/2").isEqualTo("127.0.0.1");
        soft.assertThat(received.headers().names()).as("headers the upstream got").noneMatch(n -> n.startsWith(":")
                || n.equalsIgnoreCase("http2-settings") || n.equalsIgnoreCase("upgrade"));
        soft.assertAll();
    }

    @Test
    void anSseAnswerIsMarkedUnbufferedAndAJsonAnswerIsNot() {
        McpHttp http = new McpHttp(gateway.proxy("/strip/sse"));
        McpHttp.Response sse = http.send("GET", null, Map.of("accept", "text/event-stream"));
        assertThat(sse.status()).isEqualTo(200);
        assertThat(sse.header("content-type")).isEqualTo("text/event-stream");
        assertThat(sse.header("x-accel-buffering")).isEqualTo("no");
        assertThat(sse.body()).contains("notifications/message");

        McpHttp.Response json = new McpHttp(gateway.proxy("/strip/mcp")).post(BODY);
        assertThat(json.header("x-accel-buffering")).isNull();
    }

    @Test
    void aForeignOriginGets403WithAJsonRpcErrorAndTheUpstreamSeesNothing() throws InterruptedException {
        McpHttp.Response response = new McpHttp(gateway.proxy("/strip/mcp")).send("POST", BODY, Map.of(
                "content-type", "application/json", "accept", McpHttp.ACCEPT_BOTH, "origin", "http://evil.example"));

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.header("content-type")).startsWith("application/json");
        JsonNode error = response.json();
        assertThat(error.path("jsonrpc").asText()).isEqualTo("2.0");
        assertThat(error.path("error").path("code").asInt()).isEqualTo(-32000);
        assertThat(error.path("error").path("message").asText()).contains("http://evil.example");
        assertThat(upstream.quiet(Duration.ofMillis(500))).as("the upstream received the request").isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost:6274", "http://127.0.0.1:3000", "http://[::1]:8080"})
    void aLoopbackOriginPasses(String origin) {
        McpHttp.Response response = new McpHttp(gateway.proxy("/strip/mcp")).send("POST", BODY, Map.of(
                "content-type", "application/json", "accept", McpHttp.ACCEPT_BOTH, "origin", origin));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(upstream.next().header("origin")).isEqualTo(origin);
    }

    @Test
    void allowedOriginsLetsTheNamedOriginInAndKeepsOthersOut() throws InterruptedException {
        McpHttp http = new McpHttp(gateway.proxy("/origins/mcp"));
        Map<String, String> headers = Map.of("content-type", "application/json", "accept", McpHttp.ACCEPT_BOTH);

        McpHttp.Response allowed = http.send("POST", BODY, with(headers, "origin", "https://app.example.com"));
        assertThat(allowed.status()).as(allowed.toString()).isEqualTo(200);
        assertThat(upstream.next().uri()).isEqualTo("/base/mcp");

        McpHttp.Response other = http.send("POST", BODY, with(headers, "origin", "https://other.example.com"));
        assertThat(other.status()).isEqualTo(403);
        McpHttp.Response opaque = http.send("POST", BODY, with(headers, "origin", "null"));
        assertThat(opaque.status()).as("Origin: null (sandboxed frame)").isEqualTo(403);
        assertThat(upstream.quiet(Duration.ofMillis(300))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost:3000", "http://127.0.0.1:5173", "http://[::1]:8080"})
    void anExplicitAllowListLeavesUnlistedLoopbackOriginsOut(String origin) throws InterruptedException {
        McpHttp.Response response = new McpHttp(gateway.proxy("/origins/mcp")).send("POST", BODY, Map.of(
                "content-type", "application/json", "accept", McpHttp.ACCEPT_BOTH, "origin", origin));

        assertThat(response.status()).as(response.toString()).isEqualTo(403);
        assertThat(response.json().path("error").path("message").asText())
                .isEqualTo("Forbidden: Origin '" + origin + "' is not allowed to call this endpoint");
        assertThat(upstream.quiet(Duration.ofMillis(300))).as("the upstream received the request").isTrue();
    }

    @Test
    void aBodyOverTheLimitGets413AndNeverReachesTheUpstream() throws InterruptedException {
        byte[] atLimit = padded(1024);
        RawConnection.Response ok = RawConnection.exchange(port, "POST", "/limited/mcp", List.of("Host: 127.0.0.1:" + port,
                "Content-Type: application/json", "Content-Length: 1024"), atLimit);
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(upstream.next().body()).hasSize(1024);

        byte[] over = padded(1025);
        RawConnection.Response declared = RawConnection.exchange(port, "POST", "/limited/mcp", List.of("Host: 127.0.0.1:" + port,
                "Content-Type: application/json", "Content-Length: 1025"), over);
        assertThat(declared.status()).as(declared.toString()).isEqualTo(413);
        assertThat(json(declared.text()).path("error").path("message").asText()).contains("1024");

        byte[] chunked = ("401\r\n" + new String(over, 0, 1025, StandardCharsets.UTF_8) + "\r\n0\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        RawConnection.Response streamed = RawConnection.exchange(port, "POST", "/limited/mcp", List.of("Host: 127.0.0.1:" + port,
                "Content-Type: application/json", "Transfer-Encoding: chunked"), chunked);
        assertThat(streamed.status()).as(streamed.toString()).isEqualTo(413);
        assertThat(upstream.quiet(Duration.ofMillis(300))).isTrue();
    }

    @Test
    void aClientThatExpects100ContinueIsToldToContinueBeforeItSendsTheBody() throws IOException {
        // curl sends Expect: 100-continue with larger bodies and waits (1 s) for the interim answer;
        // RFC 9110 10.1.1: a proxy answers, or forwards the head at once. It may not just wait.
        byte[] body = padded(2048);
        try (RawConnection http = RawConnection.connect(port, 0)) {
            http.send("POST", "/strip/mcp", List.of("Host: 127.0.0.1:" + port, "Content-Type: application/json",
                    "Accept: " + McpHttp.ACCEPT_BOTH, "Content-Length: " + body.length, "Expect: 100-continue"), null);
            http.socket().setSoTimeout(1_000);
            RawConnection.Head interim;
            try {
                interim = http.head();
            } catch (java.io.UncheckedIOException e) {
                throw new AssertionError("no answer within 1 s to a request head with Expect: 100-continue "
                        + "(the client has to guess that it should send the body anyway)", e);
            }
            assertThat(interim.status()).isEqualTo(100);
            http.socket().getOutputStream().write(body);
            http.socket().setSoTimeout(5_000);
            RawConnection.Response response = http.nextResponse().readAll();
            assertThat(response.status()).as(response.toString()).isEqualTo(200);
        }
        assertThat(upstream.next().body()).hasSize(2048);
    }

    @Test
    void anH2cClientThatExpects100ContinueIsToldToContinueBeforeItSendsTheBody() {
        // RFC 9110 10.1.1 holds for HTTP/2 as well: the client's HEADERS frame waits for the 100 (RFC 9113 8.1)
        byte[] body = padded(2048);
        io.vertx.core.http.HttpClientAgent h2c = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions()
                .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)
                .setDefaultHost("127.0.0.1").setDefaultPort(port));
        try {
            io.vertx.core.http.HttpClientRequest request = h2c.request(new io.vertx.core.http.RequestOptions()
                    .setMethod(io.vertx.core.http.HttpMethod.POST).setURI("/strip/mcp")
                    .addHeader("content-type", "application/json").addHeader("accept", McpHttp.ACCEPT_BOTH)
                    .addHeader("content-length", Integer.toString(body.length))
                    .addHeader("expect", "100-continue")).await();
            io.vertx.core.Promise<Void> told = io.vertx.core.Promise.promise();
            request.continueHandler(v -> told.tryComplete());
            request.sendHead().await();
            vertx.setTimer(1_000, id -> told.tryFail("no 100 Continue within 1 s to a request head with Expect: "
                    + "100-continue (the client has to guess that it should send the body anyway)"));
            told.future().await();
            io.vertx.core.http.HttpClientResponse response = request.end(Buffer.buffer(body))
                    .compose(v -> request.response()).await();

            assertThat(response.version()).isEqualTo(io.vertx.core.http.HttpVersion.HTTP_2);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(upstream.next().body()).hasSize(2048);
        } finally {
            h2c.close().await();
        }
    }

    @Test
    void anUpstreamThatIsDownGets502WithAJsonRpcError() {
        McpHttp.Response response = new McpHttp(gateway.proxy("/down")).post(BODY);

        assertThat(response.status()).as(response.toString()).isEqualTo(502);
        assertThat(response.json().path("error").path("code").asInt()).isEqualTo(-32603);
        assertThat(response.json().path("error").path("message").asText()).contains("'down'").contains("could not connect");
    }

    @Test
    void anUpstreamThatAcceptsNoConnectionGets504AfterTheConnectTimeout() {
        long started = System.nanoTime();
        McpHttp.Response response = new McpHttp(gateway.proxy("/unreachable")).post(BODY);
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        assertThat(response.status()).as(response.toString()).isEqualTo(504);
        assertThat(response.json().path("error").path("message").asText())
                .contains("accepted no connection").contains("within 300 ms");
        assertThat(tookMs).isBetween(250L, 5_000L);
    }

    @Test
    void anUpstreamSlowerThanReadTimeoutToAnswerGets504() {
        long started = System.nanoTime();
        McpHttp.Response response = new McpHttp(gateway.proxy("/slow/mcp")).send("GET", null,
                Map.of("accept", "text/event-stream"));
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        assertThat(response.status()).as(response.toString()).isEqualTo(504);
        assertThat(response.json().path("error").path("message").asText()).contains("500 ms").contains("read_timeout");
        assertThat(tookMs).isBetween(400L, 3_000L);
    }

    @Test
    void aJsonAnswerThatStallsLongerThanReadTimeoutIsCutInsteadOfHanging() {
        long started = System.nanoTime();
        Throwable failure = null;
        RawConnection.Response response = null;
        try (RawConnection http = RawConnection.connect(port, 0)) {
            http.send("GET", "/slow/stall", List.of("Host: 127.0.0.1:" + port), null);
            response = http.readAll();
        } catch (RuntimeException e) {
            failure = e;
        }
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(tookMs).as("the client waited %d ms (upstream resumes after 5000 ms)", tookMs).isLessThan(3_000);
        assertThat(failure).as("a cut JSON body must not look complete: %s", response).isNotNull();
    }

    @Test
    void anSseStreamQuietForLongerThanReadTimeoutStaysOpen() {
        RawConnection.Response response = RawConnection.exchange(port, "GET", "/slow/quiet-sse", List.of("Host: 127.0.0.1:" + port,
                "Accept: text/event-stream"), null);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text()).contains(": open").contains("notifications/message");
    }

    private static Map<String, String> with(Map<String, String> headers, String name, String value) {
        Map<String, String> copy = new java.util.LinkedHashMap<>(headers);
        copy.put(name, value);
        return copy;
    }

    /** A JSON-RPC request of exactly {@code size} bytes. */
    private static byte[] padded(int size) {
        String head = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\"";
        String tail = "\"}}";
        return (head + "x".repeat(size - head.length() - tail.length()) + tail).getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
