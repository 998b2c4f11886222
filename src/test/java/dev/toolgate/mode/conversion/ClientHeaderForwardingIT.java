package dev.toolgate.mode.conversion;

import dev.toolgate.config.ConfigProblem;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RawHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code server.forward_client_headers}: on, the client's own headers travel with tool calls except
 * hop-by-hop, framing, MCP transport and forwarding headers; off, none do. The gateway always sets
 * its own {@code X-Forwarded-*} and the service's Host.
 */
@Timeout(30)
class ClientHeaderForwardingIT {

    static RestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream().json("GET /ping", 200, "{}");
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: forwarding
                        paths: [/fwd]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: ping, description: Ping, method: GET, path: /fwd/ping}
                      - name: isolated
                        paths: [/iso]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server: {forward_client_headers: false}
                              tools:
                                - {name: ping, description: Ping, method: GET, path: /iso/ping}
                      - name: preserving
                        paths: [/keep]
                        preserve_host: true
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: ping, description: Ping, method: GET, path: /keep/ping}
                      - name: named-host
                        paths: [/named]
                        hosts: ["*.example.com"]
                        preserve_host: true
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: ping, description: Ping, method: GET, path: /named/ping, host: tools.example.com}
                      - name: internal
                        paths: [/internal]
                        hosts: ["*.internal.test", api.internal.test]
                        preserve_host: true
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [internal-tools]
                            config:
                              mode: conversion-only
                              tools:
                                - {name: ping, description: Ping, method: GET, path: /internal/ping}
                      - name: bare
                        paths: [/bare]
                        preserve_host: true
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [internal-tools]
                            config:
                              mode: conversion-only
                              tools:
                                - {name: bare_ping, description: Ping, method: GET, path: /bare/ping}
                                - name: override_ping
                                  description: Ping
                                  method: GET
                                  path: /bare/ping
                                  headers: {X-HTTP-Method-Override: [HEAD], True-Client-IP: [10.0.0.1]}
                      - name: internal-listener
                        paths: [/listen-internal]
                        plugins:
                          - {name: ai-mcp-proxy, config: {mode: listener, server: {tag: internal-tools}}}
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void drain() {
        while (upstream.pending() > 0) {
            upstream.next();
        }
    }

    private static String session(String route) {
        McpHttp mcp = new McpHttp(gateway.proxy(route));
        mcp.initialize("2025-06-18");
        return mcp.sessionId();
    }

    /** A tools/call written by hand, so that Host, Connection and other restricted headers can be set. */
    private static RawHttp.Response rawCall(String route, String session, String extraHeaders) {
        return rawCall(route, session, "ping", extraHeaders);
    }

    private static RawHttp.Response rawCall(String route, String session, String tool, String extraHeaders) {
        URI endpoint = gateway.proxy(route);
        byte[] body = ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":{}}}").getBytes(StandardCharsets.UTF_8);
        return RawHttp.exchange(endpoint, "POST " + endpoint.getRawPath() + " HTTP/1.1\r\n"
                + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
                + "Mcp-Session-Id: " + session + "\r\nMCP-Protocol-Version: 2025-06-18\r\n"
                + "Content-Length: " + body.length + "\r\n" + extraHeaders, body);
    }

    @Test
    void customClientHeadersTravelButTransportHopByHopAndForwardingHeadersDoNot() throws Exception {
        String session = session("/fwd");
        RawHttp.Response response = rawCall("/fwd", session, """
                Host: evil.example:9999\r
                Connection: keep-alive, X-Hop\r
                X-Hop: hop-value\r
                Keep-Alive: timeout=5\r
                TE: trailers\r
                Proxy-Authorization: Basic cHJveHk6c2VjcmV0\r
                X-Tenant: acme\r
                X-Forwarded-For: 6.6.6.6\r
                X-Forwarded-Host: spoofed.example\r
                Forwarded: for=6.6.6.6\r
                X-Real-IP: 6.6.6.6\r
                Last-Event-ID: 17\r
                """);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(response.body()).at("/result/isError").asBoolean()).isFalse();

        RestUpstream.Received received = upstream.next();
        assertThat(received.header("X-Tenant")).isEqualTo("acme");
        assertThat(received.headers().names()).map(String::toLowerCase).doesNotContain("mcp-session-id",
                "mcp-protocol-version", "x-hop", "keep-alive", "te", "proxy-authorization", "forwarded", "last-event-id");
        assertThat(received.header("host")).isEqualTo("127.0.0.1:" + upstream.port());
        assertThat(received.header("content-length")).isNotEqualTo(response.header("content-length")).isIn(null, "0");
        assertThat(String.valueOf(received.header("connection"))).doesNotContainIgnoringCase("x-hop");
        assertThat(received.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(received.headers().getAll("X-Forwarded-For")).hasSize(1);
        assertThat(received.header("X-Real-IP")).isEqualTo("127.0.0.1");
        assertThat(received.header("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(received.header("X-Forwarded-Host")).isEqualTo("evil.example");
        assertThat(received.header("X-Forwarded-Port")).isEqualTo(Integer.toString(gateway.gateway().proxyPort()));
    }

    @Test
    void mcpSessionHeadersAreNeverForwardedEvenThroughTheJdkClient() {
        McpHttp mcp = new McpHttp(gateway.proxy("/fwd"));
        mcp.initialize("2025-06-18");
        mcp.send("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"ping\",\"arguments\":{}}}",
                Map.of("content-type", "application/json", "accept", McpHttp.ACCEPT_BOTH, "mcp-session-id", mcp.sessionId(),
                        "mcp-protocol-version", "2025-06-18", "x-tenant", "acme", "user-agent", "my-agent/1"));
        RestUpstream.Received received = upstream.next();
        assertThat(received.header("x-tenant")).isEqualTo("acme");
        assertThat(received.header("user-agent")).isEqualTo("my-agent/1");
        assertThat(received.header("mcp-session-id")).isNull();
        assertThat(received.header("mcp-protocol-version")).isNull();
        assertThat(received.header("accept")).isNotEqualTo(McpHttp.ACCEPT_BOTH);
        assertThat(received.header("content-type")).isNull();
    }

    @Test
    void withForwardingOffNoClientHeaderTravelsButTheGatewaysOwnAreSet() {
        McpHttp mcp = new McpHttp(gateway.proxy("/iso"));
        mcp.initialize("2025-06-18");
        mcp.send("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"ping\",\"arguments\":{}}}",
                Map.of("content-type", "application/json", "accept", McpHttp.ACCEPT_BOTH, "mcp-session-id", mcp.sessionId(),
                        "x-tenant", "acme", "authorization", "Bearer client-token", "cookie", "sid=1",
                        "user-agent", "my-agent/1", "origin", "http://localhost:3000"));
        RestUpstream.Received received = upstream.next();
        assertThat(received.headers().names()).map(String::toLowerCase)
                .doesNotContain("x-tenant", "authorization", "cookie", "origin", "mcp-session-id");
        assertThat(received.header("user-agent")).startsWith("toolgate/");
        assertThat(received.header("host")).isEqualTo("127.0.0.1:" + upstream.port());
        assertThat(received.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(received.header("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(received.header("X-Forwarded-Host")).isEqualTo("127.0.0.1");
    }

    @Test
    void routeWithPreserveHostSendsTheClientsHostUpstream() {
        // Route.preserve_host (Kong): send the client's Host header to the service instead of the service's host.
        String session = session("/keep");
        RawHttp.Response response = rawCall("/keep", session, "Host: api.example.com:8443\r\n");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(upstream.next().header("host")).isEqualTo("api.example.com:8443");
    }

    @Test
    void routeWithPreserveHostSendsTheToolsHostUpstreamWhenItNamesOne() {
        // tools[].host (Kong): the Host the call is replayed through the router with, which preserve_host passes on;
        // the call itself still goes to the route's service
        URI endpoint = gateway.proxy("/named");
        byte[] initialize = ("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}")
                .getBytes(StandardCharsets.UTF_8);
        RawHttp.Response opened = RawHttp.exchange(endpoint, "POST /named HTTP/1.1\r\nHost: api.example.com\r\n"
                + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
                + "Content-Length: " + initialize.length + "\r\n", initialize);
        assertThat(opened.status()).as(opened.body()).isEqualTo(200);

        RawHttp.Response response = rawCall("/named", opened.header("mcp-session-id"), "Host: api.example.com\r\n");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        RestUpstream.Received received = upstream.next();
        assertThat(received.path()).isEqualTo("/ping");
        assertThat(received.headers().getAll("host")).containsExactly("tools.example.com");
    }

    @Test
    void aToolWithoutAHostListedByAnotherRoutesListenerSendsItsOwnRoutesHostNotTheClients() {
        // Kong takes a tool's host from its route and replays the call through the router with it; the listener's
        // Host would name another route (and, with preserve_host, another site on a shared upstream)
        McpHttp mcp = new McpHttp(gateway.proxy("/listen-internal"));
        mcp.initialize("2025-06-18");

        assertThat(mcp.call("ping", "{}").get("isError").asBoolean()).isFalse();

        assertThat(upstream.next().headers().getAll("host")).containsExactly("api.internal.test");
    }

    @Test
    void aListenersClientNeverChoosesTheHostOfAToolItServesFromAnotherRouteThoughThatRouteWouldAdmitIt() {
        // the listener's client reached the listener, never the tool's route: on a virtual-host upstream its Host
        // would choose the site or tenant the call reaches
        String session = session("/listen-internal");
        RawHttp.Response listed = rawCall("/listen-internal", session, "Host: edge.internal.test\r\n");
        assertThat(listed.status()).as(listed.body()).isEqualTo(200);

        assertThat(upstream.next().headers().getAll("host")).containsExactly("api.internal.test");
    }

    @Test
    void aListenerServingAToolOfAPreserveHostRouteWithoutHostsSendsTheServicesHostNotItsClientsAndWarnsAtLoad() {
        String session = session("/listen-internal");
        RawHttp.Response response = rawCall("/listen-internal", session, "bare_ping", "Host: evil.attacker.net\r\n");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("\"isError\":false");

        assertThat(upstream.next().headers().getAll("host")).containsExactly("127.0.0.1:" + upstream.port());
        assertThat(gateway.gateway().snapshot().warnings()).extracting(ConfigProblem::toString).contains(
                "services[0].routes[5].plugins[0].config.tools[0].host: the tool's route sets preserve_host but names "
                        + "no hosts: a listener serving the tool (on route 'internal-listener') sends its calls with "
                        + "the service's Host, never its own client's; set tools[].host to send another");
    }

    @Test
    void aToolCallNeverTakesTheClientsMethodOrUrlOverridesOrClientAddressAliases() {
        String session = session("/listen-internal");
        RawHttp.Response response = rawCall("/listen-internal", session, """
                Host: 127.0.0.1\r
                X-HTTP-Method-Override: DELETE\r
                X-Method-Override: DELETE\r
                X-HTTP-Method: DELETE\r
                X_HTTP_Method_Override: DELETE\r
                X-Original-URL: /admin/delete-all\r
                X-Rewrite-URL: /admin\r
                X-Original-URI: /admin\r
                X-Forwarded-Uri: /admin\r
                True-Client-IP: 10.0.0.1\r
                CF-Connecting-IP: 10.0.0.1\r
                X-Client-IP: 10.0.0.1\r
                X-Cluster-Client-IP: 10.0.0.1\r
                X-Original-Forwarded-For: 10.0.0.1\r
                X-Tenant: acme\r
                """);
        assertThat(response.status()).as(response.body()).isEqualTo(200);

        RestUpstream.Received received = upstream.next();
        assertThat(received.method()).isEqualTo("GET");
        assertThat(received.path()).isEqualTo("/ping");
        assertThat(received.header("X-Tenant")).isEqualTo("acme");
        assertThat(received.headers().names()).map(String::toLowerCase).doesNotContain("x-http-method-override",
                "x-method-override", "x-http-method", "x_http_method_override", "x-original-url", "x-rewrite-url",
                "x-original-uri", "x-forwarded-uri", "true-client-ip", "cf-connecting-ip", "x-client-ip",
                "x-cluster-client-ip", "x-original-forwarded-for");
    }

    @Test
    void aToolCallNeverTakesTheClientsSchemeHostCertificateOrAddressClaimsNorAnyForwardingHeaderTheGatewayDoesNotSet() {
        String session = session("/listen-internal");
        RawHttp.Response response = rawCall("/listen-internal", session, """
                Host: 127.0.0.1\r
                X-Forwarded-Scheme: https\r
                X-Forwarded-Ssl: on\r
                Front-End-Https: on\r
                X-Url-Scheme: https\r
                X-Original-Host: evil.example\r
                X-Host: evil.example\r
                X-Forwarded-Server: evil.example\r
                X_Forwarded_Client_Cert: Hash=abc;Subject="CN=admin"\r
                X-Forwarded-Anything: 1\r
                Client-IP: 10.0.0.1\r
                X-ProxyUser-Ip: 10.0.0.1\r
                X-Envoy-External-Address: 10.0.0.1\r
                X-Envoy-Original-Path: /admin\r
                X-Envoy-Internal: true\r
                X-Tenant: acme\r
                """);
        assertThat(response.status()).as(response.body()).isEqualTo(200);

        RestUpstream.Received received = upstream.next();
        assertThat(received.header("X-Tenant")).isEqualTo("acme");
        assertThat(received.header("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(received.headers().names()).map(String::toLowerCase).doesNotContain("x-forwarded-scheme",
                "x-forwarded-ssl", "front-end-https", "x-url-scheme", "x-original-host", "x-host",
                "x-forwarded-server", "x_forwarded_client_cert", "x-forwarded-anything", "client-ip",
                "x-proxyuser-ip", "x-envoy-external-address", "x-envoy-original-path", "x-envoy-internal");
    }

    @Test
    void aToolsOwnFixedOverrideHeadersAreSentInsteadOfTheClients() {
        String session = session("/listen-internal");
        RawHttp.Response response = rawCall("/listen-internal", session, "override_ping",
                "Host: 127.0.0.1\r\nX-HTTP-Method-Override: DELETE\r\nTrue-Client-IP: 6.6.6.6\r\n");
        assertThat(response.status()).as(response.body()).isEqualTo(200);

        RestUpstream.Received received = upstream.next();
        assertThat(received.headers().getAll("X-HTTP-Method-Override")).containsExactly("HEAD");
        assertThat(received.headers().getAll("True-Client-IP")).containsExactly("10.0.0.1");
    }

    @Test
    void contentEncodingOfTheMcpRequestIsNotForwardedWithTheToolCall() throws Exception {
        // The gateway inflates a gzip MCP request; the tool call it sends is not gzip, so saying
        // "Content-Encoding: gzip" upstream would make the service try to inflate plain bytes.
        String session = session("/fwd");
        byte[] json = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"ping\",\"arguments\":{}}}"
                .getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream zip = new java.util.zip.GZIPOutputStream(gz)) {
            zip.write(json);
        }
        URI endpoint = gateway.proxy("/fwd");
        RawHttp.Response response = RawHttp.exchange(endpoint, RawHttp.start("POST", endpoint)
                + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
                + "Content-Encoding: gzip\r\nMcp-Session-Id: " + session + "\r\nContent-Length: " + gz.size() + "\r\n",
                gz.toByteArray());
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        RestUpstream.Received received = upstream.next();
        assertThat(received.header("content-encoding")).isNull();
    }
}
