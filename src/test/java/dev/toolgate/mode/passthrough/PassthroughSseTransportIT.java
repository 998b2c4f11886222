package dev.toolgate.mode.passthrough;

import dev.toolgate.testing.EverythingServer;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.toolgate.testing.McpAssertions.assertRpcError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP+SSE transport of 2024-11-05 through passthrough: {@code GET /sse} opens the session's stream and
 * names {@code /message?sessionId=<id>}, where the client POSTs. Its id travels in the query, where the
 * gateway cannot bind it to the caller as it binds {@code Mcp-Session-Id}: on a route that binds sessions,
 * an identified caller's stream is refused (relayed, it showed the server's own id), and a request that names a
 * session in the query is refused, never forwarded, so a consumer holding another's id cannot act in its
 * session. Without a strategy it is relayed as before. The server is the MCP reference server speaking that
 * transport.
 */
@Timeout(60)
class PassthroughSseTransportIT {

    static final String CALL = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\","
            + "\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\"hi\"}}}";
    static final String REFUSED = "Bad Request: this route binds sessions to their callers (server.session.strategy), "
            + "and a session named in the query ('sessionId', as the HTTP+SSE transport of 2024-11-05 names it) "
            + "cannot be bound; use the Streamable HTTP transport";
    static final String STREAM_REFUSED = "Method Not Allowed: this route binds sessions to their callers "
            + "(server.session.strategy), and the HTTP+SSE transport of 2024-11-05 (GET without Mcp-Session-Id or "
            + "MCP-Protocol-Version, whose endpoint names the session in the query) cannot be bound; use the "
            + "Streamable HTTP transport, or unset server.session.strategy on this route to relay it unbound";

    static EverythingServer server;

    @BeforeAll
    static void startServer() {
        server = EverythingServer.sse();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    static String config(String session) {
        return """
                _format_version: "3.0"
                services:
                  - name: everything
                    url: %s
                    routes:
                      - name: sse
                        paths: [/sse, /message]
                        strip_path: false
                        plugins:
                          - {name: key-auth}
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener, server: {upstream_era: legacy, session: %s}}
                consumers:
                  - {username: alice, keyauth_credentials: [{key: alice-key}]}
                  - {username: bob, keyauth_credentials: [{key: bob-key}]}
                """.formatted(server.url(), session);
    }

    /** Opens alice's stream and returns the path its first event names, while {@code body} holds it open. */
    private static String endpoint(TestGateway gateway, Stream<String>[] body) throws Exception {
        return endpoint(gateway.proxy("/sse"), body);
    }

    /** Opens alice's stream at {@code sse} and returns the path its first event names. */
    private static String endpoint(URI sse, Stream<String>[] body) throws Exception {
        HttpResponse<Stream<String>> stream = HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(
                sse).header("accept", "text/event-stream").header("apikey", "alice-key").GET().build(),
                HttpResponse.BodyHandlers.ofLines()).get(20, TimeUnit.SECONDS);
        assertThat(stream.statusCode()).isEqualTo(200);
        body[0] = stream.body();
        return body[0].filter(line -> line.startsWith("data:")).findFirst().orElseThrow().substring(5).trim();
    }

    private static McpHttp.Response post(TestGateway gateway, String endpoint, String key) {
        return new McpHttp(URI.create(gateway.proxy("/sse").toString().replace("/sse", endpoint)),
                Map.of("apikey", key)).post(CALL);
    }

    @Test
    void onARouteThatBindsSessionsTheTransportsStreamIsRefusedSayingWhatToConfigure() {
        try (TestGateway gateway = TestGateway.start(config(PassthroughSessionBindingIT.SEALED))) {
            McpHttp.Response refused = new McpHttp(gateway.proxy("/sse"), Map.of("apikey", "alice-key"))
                    .send("GET", null, Map.of("accept", "text/event-stream"));

            assertRpcError(refused, 405, -32000, STREAM_REFUSED);
            assertThat(refused.header("allow")).isEqualTo("POST");
            assertThat(refused.body()).doesNotContain("sessionId=");
        }
    }

    @SuppressWarnings("unchecked")
    @Test
    void onARouteThatBindsSessionsAMessageNamingItsSessionInTheQueryIsRefusedForAnotherConsumerAndTheOwner()
            throws Exception {
        Stream<String>[] stream = new Stream[1];
        try (TestGateway gateway = TestGateway.start(config(PassthroughSessionBindingIT.SEALED))) {
            // the session is opened at the server itself: through the route its stream is refused
            String endpoint = endpoint(URI.create(server.url() + "/sse"), stream);
            assertThat(endpoint).startsWith("/message?sessionId=");

            assertRpcError(post(gateway, endpoint, "bob-key"), 400, -32000, REFUSED);
            assertRpcError(post(gateway, endpoint, "alice-key"), 400, -32000, REFUSED);
        } finally {
            if (stream[0] != null) {
                stream[0].close();
            }
        }
    }

    @SuppressWarnings("unchecked")
    @Test
    void aSessionNamedInTheQueryAsSomeServerReadsItIsRefusedToo() throws Exception {
        // Express reads sessionId[]=X as the session X; Go's SDK reads "sessionid", ASP.NET any case
        Stream<String>[] stream = new Stream[1];
        try (TestGateway gateway = TestGateway.start(config(PassthroughSessionBindingIT.SEALED))) {
            String endpoint = endpoint(URI.create(server.url() + "/sse"), stream);
            for (String name : new String[] {"sessionId[]", "sessionid", "SessionId", "session-id", "%73essionId"}) {
                String decoded = name.replace("%73", "s");
                assertRpcError(post(gateway, endpoint.replace("sessionId=", name + "="), "bob-key"), 400, -32000,
                        REFUSED.replace("'sessionId'", "'" + decoded + "'"));
            }
        } finally {
            if (stream[0] != null) {
                stream[0].close();
            }
        }
    }

    @SuppressWarnings("unchecked")
    @Test
    void withoutASessionStrategyTheTransportIsRelayedAsBefore() throws Exception {
        Stream<String>[] stream = new Stream[1];
        try (TestGateway gateway = TestGateway.start(config("{}"))) {
            assertThat(post(gateway, endpoint(gateway, stream), "alice-key").status()).isEqualTo(202);
        } finally {
            if (stream[0] != null) {
                stream[0].close();
            }
        }
    }
}
