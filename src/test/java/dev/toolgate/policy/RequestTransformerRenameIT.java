package dev.toolgate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * request-transformer's header {@code rename} to a name rendered from the client's request
 * ({@code x-a:$(headers.x-b)}): a client naming a header that frames the upstream request, governs its
 * connection or names its host, or no header name at all, is refused with 400 and nothing reaches the
 * upstream, as the same rename written out is refused at load.
 */
@Timeout(60)
class RequestTransformerRenameIT {

    private static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";

    static RestUpstream rest;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        rest = new RestUpstream();
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: pass
                        paths: [/pass]
                        plugins:
                          - name: request-transformer
                            config: {rename: {headers: ["x-a:$(headers.x-b)"]}}
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                      - name: added
                        paths: [/added]
                        plugins:
                          - name: request-transformer
                            config: {add: {headers: ["X_Tenant:acme"]}}
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                      - name: replaced
                        paths: [/replaced]
                        plugins:
                          - name: request-transformer
                            config: {replace: {headers: ["X_Tenant:acme"]}, rename: {headers: ["X-Old:X-New", "X_Gone:X-Moved"]}}
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                      - name: replaced-tools
                        paths: [/replaced-tools]
                        plugins:
                          - name: request-transformer
                            config: {replace: {headers: ["X_Tenant:acme"]}, rename: {headers: ["X-Old:X-New", "X_Gone:X-Moved"]}}
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: list, description: List, method: POST, path: /mcp/list,
                                   request_body: {content: {application/json: {schema: {type: object}}}}}
                      - name: fixed
                        paths: [/fixed]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: list, description: List, method: POST, path: /mcp/list,
                                   headers: {X_Tenant: [acme]},
                                   request_body: {content: {application/json: {schema: {type: object}}}}}
                      - name: tools
                        paths: [/mcp]
                        plugins:
                          - name: request-transformer
                            config: {rename: {headers: ["x-a:$(headers.x-b)"]}}
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: list, description: List, method: POST, path: /mcp/list,
                                   request_body: {content: {application/json: {schema: {type: object}}}}}
                """.formatted(rest.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        rest.close();
    }

    @BeforeEach
    void forget() {
        rest.clear();
    }

    private static McpHttp.Response passthrough(String xb, String xa) {
        return new McpHttp(gateway.proxy("/pass")).send("POST", LIST, Map.of("content-type",
                "application/json", "accept", "application/json, text/event-stream", "x-b", xb, "x-a", xa));
    }

    @Test
    void aRenderedOrdinaryNameIsRenamedTo() {
        passthrough("X-Renamed", "kept");

        RestUpstream.Received received = rest.next();
        assertThat(received.header("x-renamed")).isEqualTo("kept");
        assertThat(received.header("x-a")).isNull();
        assertThat(received.body()).isEqualTo(LIST);
    }

    @Test
    void aClientsUnderscoreTwinOfTheHeaderTheRenameSetsNeverReachesTheUpstream() {
        new McpHttp(gateway.proxy("/pass")).send("POST", LIST, Map.of("content-type", "application/json", "accept",
                "application/json, text/event-stream", "x-b", "X-Tenant", "x-a", "acme", "X_Tenant", "other"));

        RestUpstream.Received received = rest.next();
        assertThat(received.header("x-tenant")).isEqualTo("acme");
        assertThat(received.headers().contains("X_Tenant")).as("the client's twin").isFalse();
    }

    @Test
    void aClientsDashedTwinOfAnUnderscoreHeaderTheOperatorAddsNeverReachesTheUpstream() {
        // a CGI/WSGI server reads X-Tenant and X_Tenant as one variable, and may take the client's
        new McpHttp(gateway.proxy("/added")).send("POST", LIST, Map.of("content-type", "application/json", "accept",
                "application/json, text/event-stream", "X-Tenant", "other"));

        RestUpstream.Received received = rest.next();
        assertThat(received.header("x_tenant")).isEqualTo("acme");
        assertThat(received.headers().contains("X-Tenant")).as("the client's twin").isFalse();
    }

    @Test
    void aClientSendingTheOperatorsValueUnderItsUnderscoreNameGetsNoDashedTwinPastTheTransformersAdd() {
        // the X_Tenant: acme the transformer adds is the gateway's, though the client sent that value under that name
        new McpHttp(gateway.proxy("/added")).send("POST", LIST, Map.of("content-type", "application/json", "accept",
                "application/json, text/event-stream", "X_Tenant", "acme", "X-Tenant", "beta"));

        RestUpstream.Received received = rest.next();
        assertThat(received.headers().getAll("x_tenant")).containsExactly("acme");
        assertThat(received.headers().contains("X-Tenant")).as("the client's twin").isFalse();
    }

    @Test
    void aClientSendingAFixedHeadersValueUnderItsNameGetsNoDashedTwinPastIt() {
        McpHttp mcp = new McpHttp(gateway.proxy("/fixed"), Map.of("X_Tenant", "acme", "X-Tenant", "beta"));
        mcp.initialize("2025-06-18");

        mcp.call("list", "{\"body\": {}}");

        RestUpstream.Received received = rest.next();
        assertThat(received.headers().getAll("x_tenant")).containsExactly("acme");
        assertThat(received.headers().contains("X-Tenant")).as("the client's twin").isFalse();
    }

    private static RestUpstream.Received throughReplaced(String path, Map<String, String> sent) {
        if (path.equals("/replaced")) {
            Map<String, String> headers = new java.util.HashMap<>(sent);
            headers.put("content-type", "application/json");
            headers.put("accept", McpHttp.ACCEPT_BOTH);
            new McpHttp(gateway.proxy(path)).send("POST", LIST, headers);
        } else {
            McpHttp mcp = new McpHttp(gateway.proxy(path), sent);
            mcp.initialize("2025-06-18");
            rest.clear();
            mcp.call("list", "{\"body\": {}}");
        }
        return rest.next();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"/replaced", "/replaced-tools"})
    void aReplaceOfAHeaderTheClientSentInBothSpellingsLeavesTheUpstreamOnlyTheReplacedValue(String path) {
        // PHP/WSGI read X-Tenant and X_Tenant as one HTTP_X_TENANT: the client's other spelling must not stand for it
        RestUpstream.Received received = throughReplaced(path, Map.of("X-Tenant", "a", "X_Tenant", "b"));

        assertThat(received.headers().getAll("x_tenant")).containsExactly("acme");
        assertThat(received.headers().contains("X-Tenant")).as("the client's twin").isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"/replaced", "/replaced-tools"})
    void aReplaceAppliesToTheClientsOtherSpellingOfTheHeaderAlone(String path) {
        RestUpstream.Received received = throughReplaced(path, Map.of("X-Tenant", "a"));

        assertThat(received.headers().getAll("x_tenant")).containsExactly("acme");
        assertThat(received.headers().contains("X-Tenant")).as("the client's spelling").isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"/replaced", "/replaced-tools"})
    void aReplaceOfAHeaderTheClientDidNotSendAddsNothing(String path) {
        RestUpstream.Received received = throughReplaced(path, Map.of("X-Other", "1"));

        assertThat(received.headers().contains("X_Tenant")).isFalse();
        assertThat(received.headers().contains("X-Tenant")).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"/replaced", "/replaced-tools"})
    void aRenameTakesTheOldNameInBothSpellingsAndLeavesNeitherToTheUpstream(String path) {
        RestUpstream.Received received = throughReplaced(path, Map.of("X-Old", "1", "X_Old", "2"));

        assertThat(received.headers().getAll("x-new")).containsExactly("1");
        assertThat(received.headers().contains("X-Old")).isFalse();
        assertThat(received.headers().contains("X_Old")).as("the client's twin of the old name").isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"/replaced", "/replaced-tools"})
    void aRenameOfAnUnderscoreNameTakesTheClientsPairOfSpellingsAndLeavesNeither(String path) {
        // the twins pass kept the client's X-Gone of the pair: the rule's X_Gone must still be renamed
        RestUpstream.Received received = throughReplaced(path, Map.of("X-Gone", "1", "X_Gone", "2"));

        assertThat(received.headers().getAll("x-moved")).containsExactly("1");
        assertThat(received.headers().contains("X-Gone")).as("read as HTTP_X_GONE").isFalse();
        assertThat(received.headers().contains("X_Gone")).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"/replaced", "/replaced-tools"})
    void aRenameTakesTheOldNameSentOnlyInItsUnderscoreSpelling(String path) {
        RestUpstream.Received received = throughReplaced(path, Map.of("X_Old", "2"));

        assertThat(received.headers().getAll("x-new")).containsExactly("2");
        assertThat(received.headers().contains("X_Old")).as("read as HTTP_X_OLD").isFalse();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {"Content-Length|0", "content-length|5", "Transfer-Encoding|chunked",
            "Connection|close", "Expect|100-continue", "Host|internal.example", "bad name|1", "x-c:y|1",
            "X-Consumer-Username|admin", "X_Consumer_Username|admin", "Mcp-Session-Id|chosen", "X-Forwarded-For|10.0.0.1"})
    void aClientNamingAFramingOrGatewayDecidedHeaderOrNoHeaderNameIsRefusedWith400AndNothingReachesTheUpstream(
            String xb, String xa)
            throws InterruptedException {
        McpHttp.Response answer = passthrough(xb, xa);

        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.body()).contains("rename").contains("Content-Length, Transfer-Encoding");
        assertThat(rest.quiet(Duration.ofMillis(300))).as("the upstream received %s", rest.received()).isTrue();
        // the pooled connection still frames requests: the next one arrives whole
        passthrough("X-Renamed", "after");
        assertThat(rest.next().body()).isEqualTo(LIST);
    }

    @Test
    void aRenameWhoseTemplateFindsNothingIsRefusedRatherThanSentUnderNoName() throws InterruptedException {
        McpHttp.Response answer = new McpHttp(gateway.proxy("/pass")).send("POST", LIST, Map.of("content-type",
                "application/json", "accept", "application/json, text/event-stream", "x-a", "1"));

        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(rest.quiet(Duration.ofMillis(300))).as("the upstream received %s", rest.received()).isTrue();
    }

    @Test
    void aToolCallWhoseRenameRendersContentLengthIsTheToolError400AndIsNeverSent() throws InterruptedException {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"), Map.of("x-b", "Content-Length", "x-a", "2"));
        mcp.initialize("2025-06-18");

        JsonNode result = mcp.call("list", "{\"body\": {\"folder\": \"shared\"}}");

        assertThat(result.path("isError").asBoolean()).as("result %s", result).isTrue();
        assertThat(result.path("content").get(0).path("text").asText()).contains("HTTP 400").contains("rename");
        assertThat(rest.quiet(Duration.ofMillis(300))).as("the upstream received %s", rest.received()).isTrue();
    }
}
