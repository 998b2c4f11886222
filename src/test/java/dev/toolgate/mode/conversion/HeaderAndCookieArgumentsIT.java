package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RawHttp;
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
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.toolgate.testing.McpAssertions.assertStillServes;
import static dev.toolgate.testing.McpAssertions.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Header and cookie arguments: sent as such, refused unsent when they could smuggle a header or a
 * cookie, and cookie arguments taken from the client's own cookies when not passed.
 */
@Timeout(30)
class HeaderAndCookieArgumentsIT {

    static RestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream().json("GET /me", 200, "{}").json("GET /cart", 200, "{}")
                .json("GET /fixed/cart", 200, "{}");
        String tools = """
                                - name: me
                                  description: Who am I
                                  method: GET
                                  path: /%1$s/me
                                  parameters:
                                    - {name: X-Trace, in: header, schema: {type: string}}
                                    - {name: X-Flags, in: header, schema: {type: array, items: {type: string}}}
                                - name: cart
                                  description: The cart of a session
                                  method: GET
                                  path: /%1$s/cart
                                  parameters:
                                    - {name: session_id, in: cookie, required: true, schema: {type: string}}
                """;
        gateway = TestGateway.start("""
                _format_version: "3.0"
                consumers:
                  - username: alice
                    keyauth_credentials: [{key: alice-gateway-key}]
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
                %s
                      - name: isolated
                        paths: [/iso]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server: {forward_client_headers: false}
                              tools:
                %s
                      - name: keyed
                        paths: [/keyed]
                        plugins:
                          - name: key-auth
                            config: {key_names: [x-api-key]}
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - name: me
                                  description: Who am I, asked with the API's own key
                                  method: GET
                                  path: /keyed/me
                                  parameters:
                                    - {name: X-API-Key, in: header, schema: {type: string}}
                      - name: fixed-cookie
                        paths: [/fixed]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - name: cart
                                  description: The cart, under the operator's session
                                  method: GET
                                  path: /fixed/cart
                                  headers: {Cookie: ["session=OPERATORSECRET", "region=eu"]}
                                  parameters:
                                    - {name: session, in: cookie, schema: {type: string}}
                                    - {name: SESSION, in: cookie, schema: {type: string}}
                                    - {name: theme, in: cookie, schema: {type: string}}
                """.formatted(upstream.url(), tools.formatted("fwd"), tools.formatted("iso")));
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

    private static McpHttp session(String route) {
        McpHttp mcp = new McpHttp(gateway.proxy(route));
        mcp.initialize("2025-06-18");
        return mcp;
    }

    /** tools/call with extra client headers on the MCP request. */
    private static JsonNode call(McpHttp mcp, String tool, String arguments, String... clientHeaders) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("accept", McpHttp.ACCEPT_BOTH);
        headers.put("mcp-session-id", mcp.sessionId());
        for (int i = 0; i < clientHeaders.length; i += 2) {
            headers.put(clientHeaders[i], clientHeaders[i + 1]);
        }
        McpHttp.Response response = mcp.send("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\""
                + tool + "\",\"arguments\":" + arguments + "}}", headers);
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        return response.json().get("result");
    }

    @Test
    void headerArgumentsAreSentAsHeaders() {
        JsonNode result = call(session("/iso"), "me", "{\"header_X-Trace\":\"abc-123\",\"header_X-Flags\":[\"a\",\"b\"]}");
        assertThat(result.get("isError").asBoolean()).isFalse();
        RestUpstream.Received received = upstream.next();
        assertThat(received.header("X-Trace")).isEqualTo("abc-123");
        assertThat(received.header("X-Flags")).isEqualTo("a,b");
    }

    @Test
    void aHeaderArgumentNamedLikeTheGatewaysKeyHeaderIsTheUpstreamsOwnKeyAndIsSentNotTheClientsKey() {
        McpHttp mcp = new McpHttp(gateway.proxy("/keyed"), Map.of("x-api-key", "alice-gateway-key"));
        mcp.initialize("2025-06-18");

        JsonNode result = call(mcp, "me", "{\"header_X-API-Key\":\"upstream-key\"}");

        assertThat(result.get("isError").asBoolean()).as("%s", result).isFalse();
        assertThat(upstream.next().headers().getAll("x-api-key")).containsExactly("upstream-key");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\\r\\nX-Evil: 1", "a\\nX-Evil: 1", "a\\rb", "nul\\u0000byte"})
    void headerArgumentWithLineBreaksOrControlCharactersIsRefusedAndNothingIsSent(String jsonEscaped) throws InterruptedException {
        McpHttp mcp = session("/fwd");
        JsonNode result = call(mcp, "me", "{\"header_X-Trace\":\"" + jsonEscaped + "\"}");
        assertThat(result.get("isError").asBoolean()).isTrue();
        assertThat(text(result)).isEqualTo("Invalid arguments for tool me: header_X-Trace: a header value must be "
                + "printable ASCII without line breaks");
        assertThat(upstream.quiet(Duration.ofMillis(300))).isTrue();
        assertStillServes(mcp);
    }

    @Test
    void headerArgumentWinsOverTheSameForwardedClientHeader() {
        call(session("/fwd"), "me", "{\"header_X-Trace\":\"from-argument\"}", "X-Trace", "from-client");
        assertThat(upstream.next().headers().getAll("X-Trace")).containsExactly("from-argument");
    }

    @Test
    void cookieArgumentIsSentAsACookie() {
        JsonNode result = call(session("/iso"), "cart", "{\"cookie_session_id\":\"s-42\"}");
        assertThat(result.get("isError").asBoolean()).isFalse();
        assertThat(upstream.next().header("cookie")).isEqualTo("session_id=s-42");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a;admin=true", "a b", "a,b", "\\\"half-quoted", "in\\\"side", "back\\\\slash"})
    void cookieArgumentThatCouldSplitTheCookieHeaderIsRefusedAndNothingIsSent(String jsonEscaped) throws InterruptedException {
        McpHttp mcp = session("/iso");
        JsonNode result = call(mcp, "cart", "{\"cookie_session_id\":\"" + jsonEscaped + "\"}");
        assertThat(result.get("isError").asBoolean()).isTrue();
        assertThat(text(result)).isEqualTo("Invalid arguments for tool cart: cookie_session_id: a cookie value must "
                + "not contain spaces, quotes (but around the whole value), commas, "
                + "semicolons, backslashes or control characters");
        assertThat(upstream.quiet(Duration.ofMillis(300))).isTrue();
        assertStillServes(mcp);
    }

    @Test
    void cookieArgumentNotPassedIsTakenFromTheClientsCookieHeader() {
        JsonNode result = call(session("/iso"), "cart", "{}", "Cookie", "theme=dark; session_id=from-client");
        assertThat(result.get("isError").asBoolean()).as(text(result)).isFalse();
        assertThat(upstream.next().header("cookie")).as("only the declared cookie; client headers are not forwarded here")
                .isEqualTo("session_id=from-client");
    }

    @Test
    void aClientsQuotedCookieFillsTheCookieArgumentAsItCame() {
        // RFC 6265's cookie-value may be in double quotes: the client's cookie, not the model's, so never an error
        JsonNode result = call(session("/iso"), "cart", "{}", "Cookie", "theme=dark; session_id=\"quoted-1\"");
        assertThat(result.get("isError").asBoolean()).as(text(result)).isFalse();
        assertThat(upstream.next().header("cookie")).isEqualTo("session_id=\"quoted-1\"");
    }

    @Test
    void cookieArgumentNotPassedIsTakenFromAnyOfTheClientsCookieHeaders() {
        // each cookie in a Cookie header of its own, as an HTTP/2 client sends them (Java's client would join them)
        McpHttp mcp = session("/iso");
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"cart\",\"arguments\":{}}}";
        URI endpoint = gateway.proxy("/iso");
        RawHttp.Response response = RawHttp.exchange(endpoint, RawHttp.start("POST", endpoint)
                + "Content-Type: application/json\r\nAccept: " + McpHttp.ACCEPT_BOTH + "\r\nMcp-Session-Id: " + mcp.sessionId()
                + "\r\nMcp-Protocol-Version: 2025-06-18\r\nCookie: theme=dark\r\nCookie: session_id=from-second-header\r\n"
                + "Content-Length: " + body.length() + "\r\n", body.getBytes(StandardCharsets.UTF_8));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).doesNotContain("\"isError\":true");
        assertThat(upstream.next().header("cookie")).isEqualTo("session_id=from-second-header");
    }

    @Test
    void cookieArgumentPassedWinsOverTheClientsCookieWhileOtherClientCookiesAreForwarded() {
        call(session("/fwd"), "cart", "{\"cookie_session_id\":\"from-argument\"}", "Cookie", "session_id=from-client; theme=dark");
        assertThat(upstream.next().header("cookie")).isEqualTo("session_id=from-argument; theme=dark");
    }

    @Test
    void aCookieArgumentNamingAFixedCookieInAnyCaseIsNotSentAndTheFixedValueIs() {
        JsonNode result = call(session("/fixed"), "cart",
                "{\"cookie_session\":\"ATTACKER\",\"cookie_SESSION\":\"ATTACKER\",\"cookie_theme\":\"dark\"}");

        assertThat(result.get("isError").asBoolean()).as(text(result)).isFalse();
        assertThat(upstream.next().headers().getAll("cookie")).containsExactly("session=OPERATORSECRET; region=eu; theme=dark");
    }

    @Test
    void theClientsOwnCookieNamingAFixedCookieDoesNotReplaceIt() {
        JsonNode result = call(session("/fixed"), "cart", "{}", "Cookie", "session=FROMCLIENT; theme=light");

        assertThat(result.get("isError").asBoolean()).as(text(result)).isFalse();
        assertThat(upstream.next().headers().getAll("cookie")).containsExactly("session=OPERATORSECRET; region=eu; theme=light");
    }

    @Test
    void requiredCookieMissingEverywhereIsAValidationErrorAndNothingIsSent() throws InterruptedException {
        McpHttp mcp = session("/iso");
        JsonNode result = call(mcp, "cart", "{}", "Cookie", "theme=dark");
        assertThat(result.get("isError").asBoolean()).isTrue();
        assertThat(text(result)).startsWith("Invalid arguments for tool cart: ").contains("cookie_session_id");
        assertThat(upstream.quiet(Duration.ofMillis(300))).isTrue();
        assertStillServes(mcp);
    }
}
