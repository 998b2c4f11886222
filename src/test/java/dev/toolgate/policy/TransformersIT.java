package dev.toolgate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.NodeClients;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.toolgate.testing.RawConnection;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kong's request- and response-transformer on the routes that carry ai-mcp-proxy: a tool call's REST
 * request and answer (conversion-listener, and a listener calling a conversion-only route's tool),
 * and the request passthrough sends to an MCP server with its answer's headers.
 */
@Timeout(60)
class TransformersIT {

    static final String SECRET = "s3cr3t-token-4711";
    static RestUpstream rest;
    static RestUpstream mcpServer;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        rest = new RestUpstream().on("GET /api/widgets", r -> r.response().setStatusCode(200)
                .putHeader("content-type", "application/json").putHeader("x-internal-host", "db-7.internal")
                .putHeader("x-kept", "yes")
                .end("{\"id\":42,\"name\":\"bolt\",\"internal_cost\":3.5}"));
        mcpServer = new RestUpstream().on("POST /pass", r -> r.response().setStatusCode(200)
                .putHeader("content-type", "application/json").putHeader("x-upstream-secret", "leak")
                .end("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[]}}"))
                .json("POST /framing", 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[]}}")
                .json("POST /closing", 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[]}}")
                .json("POST /whoami", 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[]}}");
        gateway = TestGateway.start("""
                _format_version: "3.0"
                consumers:
                  - username: alice
                    keyauth_credentials: [{key: alice-key}]
                services:
                  - name: widgets
                    url: %s
                    routes:
                      - name: widgets-mcp
                        paths: [/mcp]
                        plugins:
                          - name: request-transformer
                            config:
                              remove: {headers: [x-client-debug]}
                              rename: {querystring: ["q:search"]}
                              add:
                                headers: ["x-api-key:{vault://env/WIDGETS_TOKEN}", "x-tenant:$(headers.x-tenant-id or \\"public\\")",
                                          "x-told-path:$(headers.x-forwarded-path or \\"none\\")",
                                          "x-told-prefix:$(headers.x-forwarded-prefix or \\"none\\")",
                                          "x-told-host:$(headers.x-forwarded-host or \\"none\\")"]
                                querystring: ["source:mcp"]
                          - name: response-transformer
                            config:
                              remove: {headers: [x-internal-host], json: [internal_cost]}
                              rename: {headers: ["mcp-session-id:x-stolen-session"]}
                              add: {json: ["origin:gateway"], headers: ["x-frame-options:DENY",
                                    "mcp-protocol-version:1999-01-01"]}
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - name: listWidgets
                                  description: List widgets
                                  method: GET
                                  path: /api/widgets
                                  parameters: [{name: q, in: query, schema: {type: string}}]
                                  responses:
                                    "200":
                                      content:
                                        application/json:
                                          schema:
                                            type: object
                                            properties:
                                              id: {type: integer}
                                              name: {type: string}
                                              origin: {type: string}
                      - name: widgets-team
                        paths: [/team]
                        plugins:
                          - name: request-transformer
                            config:
                              append: {headers: ["x-team:widgets", "x-team-note:internal"]}
                          - name: opentelemetry
                            config: {propagation: {clear: [X-B3-TraceId, x-team-note]}}
                          - name: ai-mcp-proxy
                            tags: [shared]
                            config:
                              mode: conversion-only
                              tools:
                                - {name: teamWidgets, description: Team widgets, method: GET, path: /api/widgets}
                  - name: mcp-server
                    url: %s
                    routes:
                      - name: passthrough
                        paths: [/pass]
                        strip_path: false
                        plugins:
                          - name: request-transformer
                            config:
                              remove: {headers: [x-client-debug]}
                              add: {headers: ["x-gateway:toolgate", "x-told-path:$(headers.x-forwarded-path or \\"none\\")"],
                                    querystring: ["tenant:acme"]}
                          - name: response-transformer
                            config:
                              remove: {headers: [x-upstream-secret]}
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                      - name: whoami
                        paths: [/whoami]
                        strip_path: false
                        plugins:
                          - name: key-auth
                          - name: response-transformer
                            config:
                              remove: {headers: [content-type]}
                              add: {headers: ["x-frame-options:DENY"]}
                          - name: request-transformer
                            config:
                              add:
                                headers: ["x-user:$(headers.x-consumer-username or \\"nobody\\")",
                                          "x-key:$(headers.apikey or \\"none\\")"]
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                      - name: closing
                        paths: [/closing]
                        strip_path: false
                        plugins:
                          - name: response-transformer
                            config:
                              add:
                                headers: ["Connection:close", "Keep-Alive:timeout=5", "Proxy-Connection:close",
                                          "Transfer-Encoding:chunked", "Upgrade:TLS/1.2", "TE:gzip", "x-via:toolgate"]
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                      - name: framing
                        paths: [/framing]
                        strip_path: false
                        plugins:
                          - name: response-transformer
                            config:
                              replace: {headers: ["Content-Length:3"]}
                              add: {headers: ["Transfer-Encoding:chunked", "x-via:toolgate"]}
                              append: {headers: ["transfer-encoding:gzip", "content-length:9"]}
                              rename: {headers: ["x-length:Content-Length"]}
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                routes:
                  - name: listener
                    paths: [/listener]
                    plugins:
                      - name: ai-mcp-proxy
                        config: {mode: listener, server: {tag: shared}}
                """.formatted(rest.url(), mcpServer.url()),
                Map.of("WIDGETS_TOKEN", SECRET), false);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        rest.close();
        mcpServer.close();
    }

    @BeforeEach
    void forget() {
        rest.clear();
        mcpServer.clear();
    }

    @Test
    void theToolCallsRestRequestCarriesTheAddedHeadersAndQueryAndNotTheRemovedOnes() {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        mcp.initialize("2025-06-18");
        mcp.send("POST", "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"listWidgets\","
                + "\"arguments\":{\"query_q\":\"bolt\"}}}", Map.of("content-type", "application/json", "accept",
                McpHttp.ACCEPT_BOTH, "mcp-session-id", mcp.sessionId(), "x-client-debug", "1", "x-tenant-id", "t-9"));

        RestUpstream.Received received = rest.next();
        assertThat(received.header("x-api-key")).isEqualTo(SECRET);
        assertThat(received.header("x-tenant")).isEqualTo("t-9");
        assertThat(received.header("x-client-debug")).isNull();
        assertThat(received.query()).contains("search=bolt").contains("source=mcp").doesNotContain("q=bolt");
    }

    @Test
    void aRemovedHeaderReachesTheUpstreamInNeitherSpellingOnAToolCallNorThroughPassthrough() {
        // CGI/WSGI-style servers read X_Client_Debug as X-Client-Debug; a client sends the twin alone
        Map<String, String> twins = Map.of("content-type", "application/json", "accept", McpHttp.ACCEPT_BOTH,
                "X_Client_Debug", "2", "x_client-DEBUG", "3");
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        mcp.initialize("2025-06-18");
        Map<String, String> call = new java.util.HashMap<>(twins);
        call.put("mcp-session-id", mcp.sessionId());
        mcp.send("POST", "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":"
                + "\"listWidgets\",\"arguments\":{}}}", call);
        RestUpstream.Received toolCall = rest.next();

        McpHttp.Response passed = new McpHttp(gateway.proxy("/pass")).send("POST",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}", twins);
        assertThat(passed.status()).isEqualTo(200);
        RestUpstream.Received forwarded = mcpServer.next();

        for (RestUpstream.Received received : List.of(toolCall, forwarded)) {
            assertThat(received.headers().names()).noneMatch(n -> n.replace('_', '-').equalsIgnoreCase("x-client-debug"));
        }
    }

    @Test
    void theMcpClientGetsAConversionRoutesHeaderRulesButNeverAChangedSessionOrProtocolHeader() {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        McpHttp.Response opened = mcp.initialize("2025-06-18");
        assertThat(opened.header("x-frame-options")).isEqualTo("DENY");
        assertThat(opened.header("mcp-session-id")).isNotNull().isEqualTo(mcp.sessionId());
        assertThat(opened.header("mcp-protocol-version")).isNotEqualTo("1999-01-01");

        McpHttp.Response called = mcp.send("POST", "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"listWidgets\",\"arguments\":{}}}", Map.of("content-type", "application/json",
                "accept", McpHttp.ACCEPT_BOTH, "mcp-session-id", mcp.sessionId()));
        assertThat(called.status()).as(called.body()).isEqualTo(200);
        assertThat(called.header("x-frame-options")).isEqualTo("DENY");
        assertThat(called.body()).contains("origin");
    }

    @Test
    void theGatewaysOwnRefusalCarriesTheRoutesHeaderRulesAndKeepsItsContentType() {
        McpHttp.Response refused = new McpHttp(gateway.proxy("/whoami"))
                .post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");

        assertThat(refused.status()).as(refused.body()).isEqualTo(401);
        assertThat(refused.header("x-frame-options")).isEqualTo("DENY");
        assertThat(refused.header("content-type")).isEqualTo("application/json");
        assertThat(refused.json().path("error").isObject()).as(refused.body()).isTrue();
    }

    @Test
    void aTemplateFallsBackToItsDefaultWhenTheClientSentNothing() {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        mcp.initialize("2025-06-18");
        mcp.call("listWidgets", "{}");

        assertThat(rest.next().header("x-tenant")).isEqualTo("public");
    }

    @Test
    void aTemplateReadsTheForwardedPathAndPrefixOnlyWhereTheUpstreamIsToldThem() {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        mcp.initialize("2025-06-18");
        mcp.call("listWidgets", "{}");

        // a tool call goes to the tool's path: it carries no X-Forwarded-Path or -Prefix, so the templates find none
        RestUpstream.Received call = rest.next();
        assertThat(call.headers().contains("x-forwarded-path")).isFalse();
        assertThat(call.headers().contains("x-forwarded-prefix")).isFalse();
        assertThat(call.header("x-told-path")).isEqualTo("none");
        assertThat(call.header("x-told-prefix")).isEqualTo("none");
        assertThat(call.header("x-told-host")).isEqualTo(call.header("x-forwarded-host")).isNotEqualTo("none");

        // passthrough forwards the MCP request itself: the template reads the path the server is told
        new McpHttp(gateway.proxy("/pass")).post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
        RestUpstream.Received forwarded = mcpServer.next();
        assertThat(forwarded.header("x-told-path")).isEqualTo(forwarded.header("x-forwarded-path")).isEqualTo("/pass");
    }

    @Test
    void theAnswerLosesTheRemovedFieldAndGainsTheAddedOneInTextAndStructuredContent() {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        mcp.initialize("2025-06-18");
        JsonNode result = mcp.call("listWidgets", "{}");

        assertThat(result.path("isError").asBoolean()).as("result %s", result).isFalse();
        assertThat(result.path("structuredContent").has("internal_cost")).isFalse();
        assertThat(result.path("structuredContent").path("origin").asText()).isEqualTo("gateway");
        assertThat(result.path("content").get(0).path("text").asText()).doesNotContain("internal_cost")
                .contains("\"origin\":\"gateway\"");
    }

    @Test
    void aListenerCallOfAConversionOnlyToolPassesTheOwningRoutesTransformer() {
        McpHttp mcp = new McpHttp(gateway.proxy("/listener"));
        mcp.initialize("2025-06-18");
        mcp.call("teamWidgets", "{}");

        RestUpstream.Received received = rest.next();
        assertThat(received.header("x-team")).isEqualTo("widgets");
        assertThat(received.header("x-api-key")).as("another route's transformer").isNull();
    }

    @Test
    void aListenerCallClearsTheOwningRoutesPropagationHeadersAfterItsTransformerRan() {
        McpHttp mcp = new McpHttp(gateway.proxy("/listener"));
        mcp.initialize("2025-06-18");
        mcp.send("POST", "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"teamWidgets\","
                + "\"arguments\":{}}}", Map.of("content-type", "application/json", "accept", McpHttp.ACCEPT_BOTH,
                "mcp-session-id", mcp.sessionId(), "x-b3-traceid", "463ac35c9f6413ad48485a3953bb6124", "x-other", "kept"));

        RestUpstream.Received received = rest.next();
        assertThat(received.header("x-b3-traceid")).as("the owning route's opentelemetry clears it").isNull();
        assertThat(received.header("x-team-note")).as("added by the transformer, then cleared").isNull();
        assertThat(received.header("x-team")).isEqualTo("widgets");
        assertThat(received.header("x-other")).isEqualTo("kept");
    }

    @Test
    void passthroughSendsTheAddedHeaderAndQueryToTheMcpServerAndStripsTheAnswersHeader() {
        McpHttp mcp = new McpHttp(gateway.proxy("/pass"));
        McpHttp.Response answer = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("x-upstream-secret")).isNull();
        assertThat(answer.json().path("result").path("tools").isArray()).isTrue();
        RestUpstream.Received received = mcpServer.next();
        assertThat(received.header("x-gateway")).isEqualTo("toolgate");
        assertThat(received.query()).isEqualTo("tenant=acme");
        assertThat(received.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
    }

    @Test
    void aTemplateReadsTheConsumerTheGatewayAuthenticatedAndNeverTheConsumedKey() {
        McpHttp.Response answer = new McpHttp(gateway.proxy("/whoami")).send("POST",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}", Map.of("content-type", "application/json",
                        "accept", McpHttp.ACCEPT_BOTH, "apikey", "alice-key", "X-Consumer-Username", "mallory"));

        assertThat(answer.status()).isEqualTo(200);
        RestUpstream.Received received = mcpServer.next();
        assertThat(received.header("x-user")).as("the gateway's X-Consumer-Username, not the client's")
                .isEqualTo("alice");
        assertThat(received.header("x-key")).as("the key was consumed: it never goes upstream").isEqualTo("none");
        assertThat(received.header("apikey")).isNull();
    }

    @Test
    void overH2cHeadersAboutTheConnectionThatAResponseTransformerAddsAreLeftOutAndTheAnswerArrives() {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            io.vertx.core.http.HttpClientAgent h2c = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions()
                    .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)
                    .setDefaultHost("127.0.0.1").setDefaultPort(gateway.gateway().proxyPort()));
            Map.Entry<io.vertx.core.http.HttpClientResponse, String> answer = h2c.request(
                            new io.vertx.core.http.RequestOptions().setMethod(io.vertx.core.http.HttpMethod.POST)
                                    .setURI("/closing").addHeader("content-type", "application/json")
                                    .addHeader("accept", McpHttp.ACCEPT_BOTH))
                    .compose(request -> request.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}"))
                    .compose(response -> response.body().map(body -> Map.entry(response, body.toString()))).await();

            assertThat(answer.getKey().version()).isEqualTo(io.vertx.core.http.HttpVersion.HTTP_2);
            assertThat(answer.getKey().statusCode()).isEqualTo(200);
            assertThat(answer.getValue()).contains("\"tools\":[]");
            assertThat(answer.getKey().headers().get("x-via")).isEqualTo("toolgate");
            assertThat(answer.getKey().headers().names()).doesNotContain("connection", "keep-alive", "proxy-connection",
                    "transfer-encoding", "upgrade", "te");
        } finally {
            vertx.close().await();
        }
    }

    @Test
    void overHttp11FramingHeadersThatAResponseTransformerSetsAreIgnoredAndTheAnswerIsWellFormed() {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";
        int port = gateway.gateway().proxyPort();
        List<String> headers = List.of("Host: 127.0.0.1:" + port, "Content-Type: application/json",
                "Accept: " + McpHttp.ACCEPT_BOTH, "x-length: 1", "Content-Length: " + body.length());
        try (RawConnection http = RawConnection.connect(port, 0)) {
            for (int i = 0; i < 2; i++) { // the second answer on the same connection is read where the first ended
                http.send("POST", "/framing", headers, body.getBytes(StandardCharsets.UTF_8));
                RawConnection.Response answer = http.readAll();
                http.nextResponse();

                assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
                assertThat(answer.head().all("transfer-encoding")).as(answer.toString()).isEmpty();
                assertThat(answer.head().all("content-length")).as(answer.toString())
                        .containsExactly(Integer.toString(answer.body().length));
                assertThat(answer.text()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[]}}");
                assertThat(answer.header("x-via")).isEqualTo("toolgate");
            }
        }
    }

    @Test
    void theOfficialTypeScriptClientSeesTheTransformedResult() {
        NodeClients node = NodeClients.require();
        JsonNode out = node.typescriptSdk(gateway.proxy("/mcp"), "call", "listWidgets", "{}").ok();

        assertThat(out.path("result").path("structuredContent").path("origin").asText()).isEqualTo("gateway");
        assertThat(out.path("result").path("structuredContent").has("internal_cost")).isFalse();
    }

    @Test
    void theAdminApiShowsTheVaultReferenceNotTheSecretInsideATransformerRule() throws Exception {
        var client = java.net.http.HttpClient.newHttpClient();
        String plugins = client.send(java.net.http.HttpRequest.newBuilder(gateway.admin("/plugins")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();

        assertThat(plugins).contains("x-api-key:{vault://env/WIDGETS_TOKEN}").doesNotContain(SECRET);
    }
}
