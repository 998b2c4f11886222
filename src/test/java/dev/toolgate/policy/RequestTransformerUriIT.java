package dev.toolgate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RawConnection;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * request-transformer's {@code replace.uri} with a template that reads the client's request: what the
 * client sends there stays in the path, as Kong's {@code set_path} escapes it. A {@code ?} or {@code #}
 * must not start the upstream query or a fragment, and a space or line break must not end the request
 * line and write headers of the client's own onto the pooled upstream connection.
 */
@Timeout(60)
class RequestTransformerUriIT {

    static RestUpstream rest;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        rest = new RestUpstream();
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: files
                    url: %s
                    routes:
                      - name: files-mcp
                        paths: [/mcp]
                        plugins:
                          - name: request-transformer
                            config:
                              replace: {uri: "/files/$(query_params.folder or \\"shared\\")"}
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - name: listFiles
                                  description: List files
                                  method: GET
                                  path: /mcp/files
                                  parameters: [{name: limit, in: query, schema: {type: integer}}]
                      - name: files-pass
                        paths: [/pass]
                        plugins:
                          - name: request-transformer
                            config:
                              replace: {uri: "/pass/$(query_params.folder or \\"shared\\")"}
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
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

    /** A call of {@code listFiles} from a client whose MCP endpoint URL carries {@code ?folder=<encoded>}. */
    private static JsonNode callWithFolder(String encodedFolder) {
        McpHttp mcp = new McpHttp(URI.create(gateway.proxy("/mcp") + "?folder=" + encodedFolder));
        mcp.initialize("2025-06-18");
        return mcp.call("listFiles", "{\"query_limit\": 5}");
    }

    @Test
    void aQuestionMarkOrHashFromTheClientStaysInThePathAndTheToolsQueryIsTheQuery() {
        callWithFolder("a%3Fadmin%3Dtrue%23top");

        RestUpstream.Received received = rest.next();
        assertThat(received.path()).isEqualTo("/files/a%3Fadmin=true%23top");
        assertThat(received.query()).isEqualTo("limit=5");
    }

    @Test
    void aLineBreakFromTheClientIsEscapedInsteadOfWritingAHeaderUpstream() {
        JsonNode result = callWithFolder("a%20HTTP/1.1%0D%0AX-Smuggled:%20yes%0D%0AX-Pad:%20");

        RestUpstream.Received received = rest.next();
        assertThat(received.path()).isEqualTo("/files/a%20HTTP/1.1%0D%0AX-Smuggled:%20yes%0D%0AX-Pad:%20");
        assertThat(received.header("x-smuggled")).isNull();
        assertThat(result.path("content").get(0).path("text").asText()).as("the upstream's own answer")
                .contains("HTTP 404");
        // the pooled connection still frames requests: the next call is answered too
        callWithFolder("docs");
        assertThat(rest.next().path()).isEqualTo("/files/docs");
    }

    @Test
    void aClientValueOutsideAsciiIsSentPercentEncoded() {
        callWithFolder("r%C3%A9sum%C3%A9");

        assertThat(rest.next().path()).isEqualTo("/files/r%C3%A9sum%C3%A9");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"..", "a%2F..%2F..%2Fadmin", "%252e%252e", "..%3Bx", "..%5Cadmin", "."})
    void aDotSegmentFromTheClientIsRefusedAndNeverReachesTheApi(String encodedFolder) {
        JsonNode result = callWithFolder(encodedFolder);

        assertThat(result.path("isError").asBoolean()).as("result %s", result).isTrue();
        assertThat(result.path("content").get(0).path("text").asText()).contains("HTTP 400")
                .contains("dot segment");
        assertThat(rest.pending()).isZero();
    }

    @Test
    void passthroughRefusesADotSegmentFromTheClientWith400() {
        McpHttp.Response answer = new McpHttp(URI.create(gateway.proxy("/pass") + "?folder=..%2Fadmin"))
                .post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(rest.pending()).isZero();
    }

    /**
     * {@code message} posted to {@code target} as written (the JDK client refuses a malformed escape in a URI),
     * in {@code session} when there is one.
     */
    private static RawConnection.Response rawPost(String target, String session, String message) {
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        List<String> headers = new ArrayList<>(List.of("Host: 127.0.0.1", "Content-Type: application/json",
                "Accept: application/json, text/event-stream", "MCP-Protocol-Version: 2025-06-18",
                "Content-Length: " + body.length));
        if (session != null) {
            headers.add("Mcp-Session-Id: " + session);
        }
        return RawConnection.exchange(gateway.gateway().proxyPort(), "POST", target, headers, body);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"folder=docs&x=%", "x=%zz&folder=docs", "folder=docs&apikey=K%"})
    void aMalformedEscapeElsewhereInTheQueryLeavesTheTemplateItsArgument(String query) {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        mcp.initialize("2025-06-18");

        RawConnection.Response answer = rawPost("/mcp?" + query, mcp.sessionId(), """
                {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"listFiles","arguments":{"query_limit":5}}}""");

        assertThat(answer.status()).as("answer %s", answer).isEqualTo(200);
        assertThat(answer.text()).as("the upstream's own answer").contains("HTTP 404");
        assertThat(rest.next().path()).isEqualTo("/files/docs");
    }

    @Test
    void passthroughWithAMalformedEscapeInTheQueryRendersTheDefaultAndForwardsTheQuery() {
        RawConnection.Response answer = rawPost("/pass?x=%", null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");

        assertThat(answer.status()).as("the upstream's own answer, relayed: %s", answer).isEqualTo(404);
        RestUpstream.Received received = rest.next();
        assertThat(received.path()).isEqualTo("/pass/shared");
        assertThat(received.query()).isEqualTo("x=%");
    }

    @Test
    void theTemplateReadsTheArgumentAsItIsForwardedNamedExactlyAndWithItsSemicolon() {
        callWithFolder("docs;v=2");
        assertThat(rest.next().path()).isEqualTo("/files/docs;v=2");

        McpHttp upper = new McpHttp(URI.create(gateway.proxy("/mcp") + "?FOLDER=docs"));
        upper.initialize("2025-06-18");
        upper.call("listFiles", "{\"query_limit\": 5}");
        assertThat(rest.next().path()).as("Kong's query_params are case-sensitive").isEqualTo("/files/shared");
    }
}
