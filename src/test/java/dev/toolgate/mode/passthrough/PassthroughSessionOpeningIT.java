package dev.toolgate.mode.passthrough;

import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;

import static dev.toolgate.testing.McpAssertions.assertRpcError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Servers that name a session other than by a successful answer to a lone {@code initialize}, behind a route
 * that binds sessions ({@link PassthroughSessionBindingIT}): the server's own id never reaches an identified
 * caller. A successful answer that names a new session binds it to the caller, whatever the request (a server
 * that opens its session lazily, an {@code initialize} inside a batch); an error that names one reaches the
 * client without the id (the Python SDK's server answers a request without a session 400, with a new
 * session's id). The official SDK servers the other tests use open sessions only on {@code initialize}, so a
 * scripted server plays these.
 */
@Timeout(60)
class PassthroughSessionOpeningIT {

    static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";
    static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2025-03-26\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
    static final String UNKNOWN = "Session not found: it expired or was terminated; send initialize to start a new one";

    private RestUpstream server;
    private TestGateway gateway;

    @BeforeEach
    void start() {
        server = new RestUpstream();
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: scripted
                    url: %s/mcp
                    routes:
                      - name: bound
                        paths: [/bound]
                        plugins:
                          - {name: key-auth}
                          - name: ai-mcp-proxy
                            config:
                              mode: passthrough-listener
                              server: {upstream_era: legacy, session: %s}
                consumers:
                  - {username: alice, keyauth_credentials: [{key: alice-key}]}
                  - {username: bob, keyauth_credentials: [{key: bob-key}]}
                """.formatted(server.url(), PassthroughSessionBindingIT.SEALED));
    }

    @AfterEach
    void stop() {
        gateway.close();
        server.close();
    }

    /** The server answers {@code status} naming the session {@code id}. */
    private void answers(int status, String id, String body) {
        server.onBody("POST /mcp", (request, received) -> request.response().setStatusCode(status)
                .putHeader("content-type", "application/json").putHeader("mcp-session-id", id).end(body));
    }

    private McpHttp as(String key, String session) {
        McpHttp mcp = new McpHttp(gateway.proxy("/bound"), Map.of("apikey", key));
        mcp.sessionId(session);
        return mcp;
    }

    @Test
    void aSessionTheServerOpensOnAToolsListIsBoundToTheCallerWhoSeesOnlyTheGatewaysId() {
        answers(200, "lazy-session", "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[]}}");
        McpHttp.Response opened = as("alice-key", null).post(LIST);

        assertThat(opened.status()).isEqualTo(200);
        String issued = opened.header("mcp-session-id");
        assertThat(issued).isNotNull().isNotEqualTo("lazy-session");
        server.clear();
        assertThat(as("alice-key", issued).post(LIST).status()).isEqualTo(200);
        assertThat(server.next().header("mcp-session-id")).isEqualTo("lazy-session");
        assertRpcError(as("bob-key", issued).post(LIST), 404, -32001, UNKNOWN);
        assertThat(server.received()).isEmpty();
    }

    @Test
    void aSessionOpenedByAnInitializeThatIsNotFirstInABatchIsBoundToTheCaller() {
        answers(200, "batch-session", "[{\"jsonrpc\":\"2.0\",\"id\":\"p\",\"result\":{}},{\"jsonrpc\":\"2.0\",\"id\":0,"
                + "\"result\":{\"protocolVersion\":\"2025-03-26\",\"capabilities\":{},"
                + "\"serverInfo\":{\"name\":\"s\",\"version\":\"1\"}}}]");
        McpHttp.Response opened = as("alice-key", null).post("[{\"jsonrpc\":\"2.0\",\"id\":\"p\",\"method\":\"ping\"},"
                + INITIALIZE + "]");

        assertThat(opened.status()).isEqualTo(200);
        String issued = opened.header("mcp-session-id");
        assertThat(issued).isNotNull().isNotEqualTo("batch-session");
        server.clear();
        assertThat(as("alice-key", issued).post(LIST).status()).isEqualTo(200);
        assertThat(server.next().header("mcp-session-id")).isEqualTo("batch-session");
    }

    @Test
    void anErrorThatNamesANewSessionReachesTheCallerWithoutTheServersId() {
        answers(400, "failed-session", "{\"jsonrpc\":\"2.0\",\"id\":\"server-error\","
                + "\"error\":{\"code\":-32600,\"message\":\"Bad Request: Missing session ID\"}}");

        McpHttp.Response refused = as("alice-key", null).post(LIST);
        McpHttp.Response initialize = as("alice-key", null).post(INITIALIZE);

        for (McpHttp.Response answer : new McpHttp.Response[] {refused, initialize}) {
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.header("mcp-session-id")).as(answer.toString()).isNull();
            assertThat(answer.json().at("/error/message").asText()).isEqualTo("Bad Request: Missing session ID");
        }
        // nobody got its id: the gateway ends each session the server opened
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(server.received())
                .filteredOn(r -> r.method().equals("DELETE")).hasSize(2)
                .allSatisfy(r -> assertThat(r.header("mcp-session-id")).isEqualTo("failed-session")));
    }

    /** Over HTTP/2 a stream the client resets is told to the gateway as a close, not an end: the session ends too. */
    @Test
    void anErrorNamingANewSessionThatAnH2cClientResetsMidwayHasTheSessionEnded() {
        // a JSON error the server is slow to finish
        server.onBody("POST /mcp", (request, received) -> request.response().setStatusCode(400).setChunked(true)
                .putHeader("content-type", "application/json").putHeader("mcp-session-id", "reset-session")
                .write("{\"jsonrpc\":\"2.0\",\"id\":1,"));
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            io.vertx.core.http.HttpClientResponse answer = vertx.createHttpClient(
                            new io.vertx.core.http.HttpClientOptions()
                                    .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2)
                                    .setHttp2ClearTextUpgrade(false).setDefaultHost("127.0.0.1")
                                    .setDefaultPort(gateway.proxy("/").getPort()))
                    .request(new io.vertx.core.http.RequestOptions().setMethod(io.vertx.core.http.HttpMethod.POST)
                            .setURI("/bound").addHeader("content-type", "application/json")
                            .addHeader("accept", McpHttp.ACCEPT_BOTH).addHeader("apikey", "alice-key"))
                    .compose(request -> request.send(LIST)).await();
            assertThat(answer.statusCode()).isEqualTo(400);
            assertThat(answer.getHeader("mcp-session-id")).isNull();
            answer.request().reset();

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(server.received())
                    .filteredOn(r -> r.method().equals("DELETE"))
                    .singleElement().satisfies(r -> assertThat(r.header("mcp-session-id")).isEqualTo("reset-session")));
        } finally {
            vertx.close().await();
        }
    }

    @Test
    void aCallThatRanButWhoseNewSessionCannotBeKeptGetsItsAnswerWithoutTheServersId() {
        // the call ran: a client told it failed would run it again; it gets the answer, and no session
        String tooLong = "s".repeat(BoundSessions.MAX_UPSTREAM_ID + 1);
        String result = "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"charged\"}]}}";
        answers(200, tooLong, result);

        McpHttp.Response answer = as("alice-key", null).post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"charge\",\"arguments\":{}}}");

        assertThat(answer.status()).as("%s", answer).isEqualTo(200);
        assertThat(answer.header("mcp-session-id")).isNull();
        assertThat(answer.json().at("/result/content/0/text").asText()).isEqualTo("charged");
        // nobody can go on in the session: the gateway ends it once the answer is over
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(server.received())
                .extracting(RestUpstream.Received::method).containsExactly("POST", "DELETE"));
        assertThat(server.received().getLast().header("mcp-session-id")).isEqualTo(tooLong);
    }
}
