package dev.toolgate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.Gateway;
import dev.toolgate.http.ClientAddresses;
import dev.toolgate.testing.Configs;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RawConnection;
import dev.toolgate.testing.RawHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

import static dev.toolgate.testing.McpAssertions.assertRpcError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kong's ip-restriction and request-size-limiting in front of MCP endpoints: a refused client gets
 * Kong's answer and nothing is forwarded; the gateway serves the next request.
 */
@Timeout(60)
class TrafficRulesIT {

    static RestUpstream rest;
    static TestGateway gateway;

    static String config(String upstream) {
        return """
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: office-only
                        paths: [/office]
                        strip_path: false
                        plugins:
                          - name: ip-restriction
                            config: {allow: [10.0.0.0/8, "fd00::/8"]}
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                      - name: not-loopback
                        paths: [/blocked]
                        strip_path: false
                        plugins:
                          - name: ip-restriction
                            config: {deny: [127.0.0.1, "::1"], status: 451, message: go away}
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                      - name: loopback
                        paths: [/loopback]
                        strip_path: false
                        plugins:
                          - name: ip-restriction
                            config: {allow: [127.0.0.0/8]}
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                      - name: secure
                        paths: [/secure]
                        strip_path: false
                        protocols: [https]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                      - name: moved
                        paths: [/moved]
                        strip_path: false
                        protocols: [https]
                        https_redirect_status_code: 308
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                      - name: secure-tools
                        paths: [/secure-tools]
                        strip_path: false
                        protocols: [https]
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [secure]
                            config:
                              mode: conversion-only
                              tools: [{name: secure_widget, description: A widget, method: GET, path: widget}]
                      - name: tools
                        paths: [/tools]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: listener, server: {tag: secure}}
                      - name: small
                        paths: [/small]
                        strip_path: false
                        plugins:
                          - name: request-size-limiting
                            config: {allowed_payload_size: 1, size_unit: kilobytes}
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                      - name: measured
                        paths: [/measured]
                        strip_path: false
                        plugins:
                          - name: request-size-limiting
                            config: {allowed_payload_size: 1, size_unit: kilobytes, require_content_length: true}
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                """.formatted(upstream);
    }

    @BeforeAll
    static void start() {
        rest = new RestUpstream().json("POST /office", 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}")
                .json("POST /loopback", 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}")
                .json("POST /secure", 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}")
                .json("GET /secure-tools/widget", 200, "{\"id\":7}")
                .json("POST /small", 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}")
                .json("POST /measured", 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}")
                .json("DELETE /measured", 200, "{}");
        gateway = TestGateway.start(config(rest.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        rest.close();
    }

    /** The same configuration on a gateway that trusts 127.0.0.1 as a proxy naming the client in {@code header}. */
    private static Gateway behindTrustedProxy(String header) throws Exception {
        Path file = Files.createTempDirectory("toolgate-trusted").resolve("kong.yaml");
        Files.writeString(file, config(rest.url()));
        ClientAddresses trusting = new ClientAddresses(ClientAddresses.parseList("127.0.0.1/32"), header, false);
        return Gateway.start(new Gateway.Options(file, "127.0.0.1", 0, "127.0.0.1", 0, false, k -> null,
                InstantSource.system(), new SecureRandom(), trusting));
    }

    static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";

    @Test
    void anAddressOutsideAllowGetsKongsForbiddenAndNothingIsForwarded() throws Exception {
        rest.clear();
        McpHttp.Response refused = new McpHttp(gateway.proxy("/office")).post(PING);

        assertRpcError(refused, 403, -32000, "IP address not allowed: 127.0.0.1");
        assertThat(rest.quiet(Duration.ofMillis(300))).isTrue();
        assertThat(new McpHttp(gateway.proxy("/loopback")).post(PING).status()).isEqualTo(200);
    }

    @Test
    void aDeniedAddressGetsTheConfiguredStatusAndMessageOnEveryMethod() {
        McpHttp blocked = new McpHttp(gateway.proxy("/blocked"));

        assertRpcError(blocked.post(PING), 451, -32000, "go away");
        assertThat(blocked.send("GET", null, Map.of("accept", "text/event-stream")).status()).isEqualTo(451);
        assertThat(blocked.send("DELETE", null, Map.of("mcp-session-id", "x")).status()).isEqualTo(451);
    }

    @Test
    void aBodyOverTheAllowedPayloadSizeGetsKongs413AndTheNextRequestIsServed() {
        McpHttp small = new McpHttp(gateway.proxy("/small"));
        String big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\""
                + "x".repeat(2000) + "\"}}";

        assertRpcError(small.post(big), 413, -32000, "Request size limit exceeded");
        assertThat(small.post(PING).status()).isEqualTo(200);
    }

    @Test
    void aChunkedBodyIsCutAtTheLimitWithTheSameAnswer() {
        java.net.URI small = gateway.proxy("/small");
        RawHttp.Response answer = RawHttp.exchange(small, RawHttp.start("POST", small)
                + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
                + "Transfer-Encoding: chunked\r\n", RawHttp.chunked("{\"pad\":\"" + "x".repeat(3000) + "\"}", 512));

        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.body()).contains("Request size limit exceeded");
        assertThat(new McpHttp(small).post(PING).status()).isEqualTo(200);
    }

    @Test
    void withRequireContentLengthAChunkedBodyGets411AndOneWithItsLengthIsForwarded() throws InterruptedException {
        rest.clear();
        java.net.URI measured = gateway.proxy("/measured");
        String head = RawHttp.start("POST", measured)
                + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n";
        RawHttp.Response chunked = RawHttp.exchange(measured, head + "Transfer-Encoding: chunked\r\n",
                RawHttp.chunked(PING, 16));

        assertThat(chunked.status()).as(chunked.body()).isEqualTo(411);
        assertThat(new McpHttp(measured).post(PING).status()).isEqualTo(200);
        assertThat(rest.next().method()).isEqualTo("POST");
        assertThat(rest.quiet(Duration.ofMillis(300))).as("only the request with its length was forwarded").isTrue();
    }

    /**
     * HTTP/2 has no Transfer-Encoding: a body without a length is one whose stream goes on after its HEADERS
     * frame. It gets the 411 HTTP/1.1 gets; a request with no body at all needs no length there either.
     */
    @Test
    void overH2cWithRequireContentLengthABodyWithoutALengthGets411() {
        rest.clear();
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            io.vertx.core.http.HttpClientAgent h2c = h2c(vertx);
            var post = new io.vertx.core.http.RequestOptions().setMethod(io.vertx.core.http.HttpMethod.POST)
                    .setURI("/measured").addHeader("content-type", "application/json")
                    .addHeader("accept", McpHttp.ACCEPT_BOTH);
            Map.Entry<Integer, String> unmeasured = h2c.request(post).compose(request -> {
                request.setChunked(true);
                request.write(PING);
                return request.end().compose(v -> request.response());
            }).compose(response -> response.body().map(body -> Map.entry(response.statusCode(), body.toString())))
                    .await();
            int measured = h2c.request(post).compose(request -> request.send(PING))
                    .map(io.vertx.core.http.HttpClientResponse::statusCode).await();
            int bodiless = h2c.request(new io.vertx.core.http.RequestOptions()
                            .setMethod(io.vertx.core.http.HttpMethod.DELETE).setURI("/measured"))
                    .compose(request -> request.send()).map(io.vertx.core.http.HttpClientResponse::statusCode).await();

            assertThat(unmeasured.getKey()).as(unmeasured.getValue()).isEqualTo(411);
            assertThat(measured).isEqualTo(200);
            assertThat(bodiless).as("a request with no body needs no length").isNotEqualTo(411);
            assertThat(rest.next().method()).isEqualTo("POST");
            assertThat(rest.next().method()).isEqualTo("DELETE");
        } finally {
            vertx.close().await();
        }
    }

    /** A client speaking HTTP/2 without the HTTP/1.1 upgrade (prior knowledge) to the gateway. */
    private static io.vertx.core.http.HttpClientAgent h2c(io.vertx.core.Vertx vertx) {
        return vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions()
                .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)
                .setDefaultHost("127.0.0.1").setDefaultPort(gateway.gateway().proxyPort()));
    }

    @Test
    void aCompressedBodyIsCountedInflatedThoughItsContentLengthIsUnderTheLimit() throws Exception {
        rest.clear();
        java.net.URI small = gateway.proxy("/small");
        byte[] gzipped = gzip("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\""
                + "x".repeat(20_000) + "\"}}");
        assertThat(gzipped.length).as("what the client declares fits the 1 KB limit").isLessThan(1024);

        RawHttp.Response answer = RawHttp.exchange(small, RawHttp.start("POST", small)
                + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
                + "Content-Encoding: gzip\r\nContent-Length: " + gzipped.length + "\r\n", gzipped);

        assertThat(answer.status()).as("the 20 KB the gateway would forward").isEqualTo(413);
        assertThat(answer.body()).contains("Request size limit exceeded");
        assertThat(rest.quiet(Duration.ofMillis(300))).isTrue();
        assertThat(new McpHttp(small).post(PING).status()).isEqualTo(200);
    }

    private static byte[] gzip(String text) throws java.io.IOException {
        var bytes = new java.io.ByteArrayOutputStream();
        try (var out = new java.util.zip.GZIPOutputStream(bytes)) {
            out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    @Test
    void aRouteForHttpsOnlyAnswersKongs426ToPlainHttpUnlessATrustedProxySaysHttps() throws Exception {
        rest.clear();
        Map<String, String> claimingHttps = Map.of("content-type", "application/json", "accept",
                McpHttp.ACCEPT_BOTH, "x-forwarded-proto", "https");
        McpHttp.Response plain = new McpHttp(gateway.proxy("/secure")).post(PING);
        McpHttp.Response forged = new McpHttp(gateway.proxy("/secure")).send("POST", PING, claimingHttps);

        assertRpcError(plain, 426, -32000, "Please use HTTPS protocol");
        // the protocol to upgrade to, as Kong names it (RFC 9110 requires it in a 426)
        assertThat(plain.header("upgrade")).isEqualTo("TLS/1.2, HTTP/1.1");
        assertThat(forged.status()).as("nobody is trusted on the default gateway").isEqualTo(426);
        assertThat(rest.quiet(Duration.ofMillis(300))).isTrue();
        try (Gateway behind = behindTrustedProxy("X-Real-IP")) {
            McpHttp secure = new McpHttp(java.net.URI.create("http://127.0.0.1:" + behind.proxyPort() + "/secure"));
            assertThat(secure.send("POST", PING, claimingHttps).status()).isEqualTo(200);
            assertThat(secure.post(PING).status()).isEqualTo(426);
        }
    }

    /**
     * HTTP/2 has no Connection or Upgrade header (RFC 9113): over h2c the answers that carry them over HTTP/1.1 (a
     * 426 naming the protocol, a 413 closing the connection) come without them. With them the stream was reset.
     */
    @Test
    void overH2cA426AndA413ArriveWithoutConnectionHeaders() {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            io.vertx.core.http.HttpClientAgent h2c = h2c(vertx);
            String big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\""
                    + "x".repeat(2000) + "\"}}";
            for (var c : List.of(List.of("/secure", PING, "426", "Please use HTTPS protocol"),
                    List.of("/small", big, "413", "Request size limit exceeded"))) {
                Map.Entry<io.vertx.core.http.HttpClientResponse, String> answer = h2c.request(
                                new io.vertx.core.http.RequestOptions().setMethod(io.vertx.core.http.HttpMethod.POST)
                                        .setURI(c.get(0)).addHeader("content-type", "application/json")
                                        .addHeader("accept", McpHttp.ACCEPT_BOTH))
                        .compose(request -> request.send(c.get(1))).compose(response -> response.body()
                                .map(body -> Map.entry(response, body.toString()))).await();

                assertThat(answer.getKey().version()).isEqualTo(io.vertx.core.http.HttpVersion.HTTP_2);
                assertThat(answer.getKey().statusCode()).as(c.get(0)).isEqualTo(Integer.parseInt(c.get(2)));
                assertThat(answer.getValue()).contains(c.get(3));
                assertThat(answer.getKey().headers().names()).doesNotContain("upgrade", "connection");
            }
        } finally {
            vertx.close().await();
        }
    }

    @Test
    void aRouteForHttpsOnlyWithARedirectCodeSendsPlainHttpToTheSameHostOverHttpsAndForwardsNothing() throws Exception {
        rest.clear();
        int port = gateway.gateway().proxyPort();
        RawConnection.Response moved = RawConnection.exchange(port, "POST", "/moved/mcp?tenant=a%20b",
                List.of("Host: API.example.com:8000", "Content-Type: application/json", "Content-Length: " + PING.length(),
                        "Connection: close"), PING.getBytes(StandardCharsets.UTF_8));

        assertThat(moved.status()).as("%s", moved).isEqualTo(308);
        // the port of plain HTTP is not the port of HTTPS: the default one is meant, as Kong's nginx $host says
        assertThat(moved.header("location")).isEqualTo("https://api.example.com/moved/mcp?tenant=a%20b");
        assertThat(rest.quiet(Duration.ofMillis(300))).isTrue();
    }

    @Test
    void behindATrustedProxyTheRedirectNamesTheHostTheClientUsedNotTheOneTheProxyAddressed() throws Exception {
        // Kong's forwarded host; from an untrusted client the header is ignored
        List<String> head = List.of("Host: toolgate.internal", "X-Forwarded-Host: API.example.com, other.example",
                "Connection: close");
        RawConnection.Response untrusted = RawConnection.exchange(gateway.gateway().proxyPort(), "GET", "/moved/mcp",
                head, null);
        assertThat(untrusted.header("location")).isEqualTo("https://toolgate.internal/moved/mcp");
        try (Gateway behind = behindTrustedProxy("X-Real-IP")) {
            RawConnection.Response moved = RawConnection.exchange(behind.proxyPort(), "GET", "/moved/mcp", head, null);

            assertThat(moved.status()).as("%s", moved).isEqualTo(308);
            assertThat(moved.header("location")).isEqualTo("https://api.example.com/moved/mcp");
        }
    }

    @Test
    void aHostThatIsNoPlainHostNameIsNotRedirectedButAnswered426() {
        int port = gateway.gateway().proxyPort();
        // each is a Host HTTP/1.1 allows: none may choose where the client is sent beyond the host it asked for
        for (String host : List.of("api.example.com;evil.example", "evil.example%2f", "", "a'b")) {
            RawConnection.Response refused = RawConnection.exchange(port, "GET", "/moved/mcp",
                    List.of("Host: " + host, "Connection: close"), null);

            assertThat(refused.status()).as("Host: %s -> %s", host, refused).isEqualTo(426);
            assertThat(refused.header("location")).as(host).isNull();
        }
    }

    @Test
    void aToolOfAnHttpsOnlyRouteServedByAListenerIsRefusedToPlainHttpUnlessATrustedProxySaysHttps() throws Exception {
        rest.clear();
        McpHttp plain = new McpHttp(gateway.proxy("/tools"));
        plain.initialize("2025-11-25");

        JsonNode refused = plain.call("secure_widget", "{}");

        assertThat(refused.path("isError").asBoolean()).as("%s", refused).isTrue();
        assertThat(refused.path("content").get(0).path("text").asText())
                .isEqualTo("The tool's route refused the call: HTTP 426: Please use HTTPS protocol");
        assertThat(rest.quiet(Duration.ofMillis(300))).isTrue();
        try (Gateway behind = behindTrustedProxy("X-Real-IP")) {
            McpHttp secure = new McpHttp(java.net.URI.create("http://127.0.0.1:" + behind.proxyPort() + "/tools"),
                    Map.of("x-forwarded-proto", "https"));
            secure.initialize("2025-11-25");
            JsonNode served = secure.call("secure_widget", "{}");
            assertThat(served.path("isError").asBoolean()).as("%s", served).isFalse();
            assertThat(rest.next().path()).isEqualTo("/secure-tools/widget");
        }
    }

    @Test
    void aTrustedProxysRealIpHeaderDecidesAndAnUntrustedOneIsIgnored() throws Exception {
        try (Gateway behind = behindTrustedProxy("X-Real-IP")) {
            McpHttp office = new McpHttp(java.net.URI.create("http://127.0.0.1:" + behind.proxyPort() + "/office"));
            Map<String, String> from10 = Map.of("content-type", "application/json", "accept", McpHttp.ACCEPT_BOTH,
                    "x-real-ip", "10.1.2.3");
            assertThat(office.send("POST", PING, from10).status()).isEqualTo(200);
        }
        Map<String, String> forged = Map.of("content-type", "application/json", "accept", McpHttp.ACCEPT_BOTH,
                "x-real-ip", "10.1.2.3", "x-forwarded-for", "10.1.2.3");
        assertThat(new McpHttp(gateway.proxy("/office")).send("POST", PING, forged).status())
                .as("nobody is trusted on the default gateway").isEqualTo(403);
    }

    /**
     * A proxy such as HAProxy ({@code option forwardfor}) adds its own {@code X-Forwarded-For} line below the
     * one the client sent; the lines are one list (RFC 9110 §5.3), and the client's own line must not be
     * what decides who the client is.
     */
    @Test
    void aForwardedForLineTheClientSentBeforeTheTrustedProxysLineDoesNotDecide() throws Exception {
        try (Gateway behind = behindTrustedProxy("X-Forwarded-For")) {
            java.net.URI office = java.net.URI.create("http://127.0.0.1:" + behind.proxyPort() + "/office");
            String head = RawHttp.start("POST", office) + "Content-Type: application/json\r\n"
                    + "Accept: application/json, text/event-stream\r\nContent-Length: " + PING.length() + "\r\n";
            // the client's forged line, then the line the trusted proxy added with the address it saw
            RawHttp.Response spoofed = RawHttp.exchange(office, head + "X-Forwarded-For: 10.1.2.3\r\n"
                    + "X-Forwarded-For: 203.0.113.7\r\n", PING.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(spoofed.status()).as(spoofed.body()).isEqualTo(403);
            assertThat(spoofed.body()).contains("IP address not allowed: 203.0.113.7");

            rest.clear();
            RawHttp.Response inside = RawHttp.exchange(office, head + "X-Forwarded-For: 203.0.113.7\r\n"
                    + "X-Forwarded-For: 10.1.2.3\r\n", PING.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(inside.status()).as(inside.body()).isEqualTo(200);
            assertThat(rest.next().header("x-forwarded-for")).as("the whole chain goes on, the peer appended")
                    .isEqualTo("203.0.113.7, 10.1.2.3, 127.0.0.1");
        }
    }

    /**
     * The trusted proxy's own hop is the last one; when it is not a bare address (Azure Application
     * Gateway writes {@code address:port}, Squid {@code unknown}) it must not be skipped, or the hop before
     * it, which the client wrote, decides who the client is. As nginx's realip reads it: a port is dropped,
     * and a hop that is no address ends the search at the address found so far (here the peer).
     */
    @Test
    void aTrustedProxysHopWithAPortOrNoAddressDoesNotLetTheClientsForgedHopDecide() throws Exception {
        try (Gateway behind = behindTrustedProxy("X-Forwarded-For")) {
            java.net.URI office = java.net.URI.create("http://127.0.0.1:" + behind.proxyPort() + "/office");
            String head = RawHttp.start("POST", office) + "Content-Type: application/json\r\n"
                    + "Accept: application/json, text/event-stream\r\nContent-Length: " + PING.length() + "\r\n";
            byte[] ping = PING.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            RawHttp.Response withPort = RawHttp.exchange(office, head + "X-Forwarded-For: 10.1.2.3, 203.0.113.7:51234\r\n",
                    ping);
            assertThat(withPort.status()).as(withPort.body()).isEqualTo(403);
            assertThat(withPort.body()).contains("IP address not allowed: 203.0.113.7");

            RawHttp.Response v6 = RawHttp.exchange(office, head + "X-Forwarded-For: [2001:db8::1]:51234\r\n", ping);
            assertThat(v6.status()).as(v6.body()).isEqualTo(403);
            assertThat(v6.body()).as("the bare address, as a peer's reads").contains("IP address not allowed: 2001:db8::1\"");

            RawHttp.Response unknown = RawHttp.exchange(office, head + "X-Forwarded-For: 10.1.2.3, unknown\r\n", ping);
            assertThat(unknown.status()).as(unknown.body()).isEqualTo(403);
            assertThat(unknown.body()).contains("IP address not allowed: 127.0.0.1");

            rest.clear();
            RawHttp.Response inside = RawHttp.exchange(office, head + "X-Forwarded-For: 203.0.113.7, 10.1.2.3:443\r\n",
                    ping);
            assertThat(inside.status()).as("a hop with a port is its address: %s", inside.body()).isEqualTo(200);
        }
    }

    @Test
    void badTrafficConfigurationIsRefusedWithItsPath() {
        var checked = Configs.check("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: http://127.0.0.1:9
                    routes:
                      - name: r
                        paths: [/r]
                        plugins:
                          - name: ip-restriction
                            config: {allow: [10.0.0.0/33, not-an-ip]}
                          - name: request-transformer
                            config:
                              add: {headers: ["x-a:$(headers.x-b)", "no-colon"]}
                              remove: {body: [jsonrpc]}
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                      - name: r2
                        paths: [/r2]
                        plugins:
                          - name: request-transformer
                            config:
                              add: {headers: ["x-a:$(shared.secret)"]}
                      - name: r3
                        paths: [/r3]
                        protocols: [https]
                        https_redirect_status_code: 303
                """, Path.of("."));

        assertThat(checked.problems()).contains(
                "services[0].routes[0].plugins[0].config.allow[0]: '10.0.0.0/33' has a prefix length outside 0-32",
                "services[0].routes[0].plugins[0].config.allow[1]: 'not-an-ip' is not an IP address or CIDR block",
                "services[0].routes[0].plugins[1].config.add.headers[1]: has no ':' between a name and a value; write name:value",
                "services[0].routes[2].https_redirect_status_code: must be one of 426, 301, 302, 307, 308");
        assertThat(checked.problems()).anySatisfy(p -> assertThat(p)
                .startsWith("services[0].routes[1].plugins[0].config.add.headers[0]: the template at character 1 of the value is not supported"));
        assertThat(checked.problems()).anySatisfy(p -> assertThat(p)
                .startsWith("services[0].routes[0].plugins[1].config.remove.body: route 'r' is a passthrough-listener: "
                        + "request-transformer's body rules would rewrite JSON-RPC messages"));
    }
}
