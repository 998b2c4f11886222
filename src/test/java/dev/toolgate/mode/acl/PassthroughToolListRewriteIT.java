package dev.toolgate.mode.acl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.KongHowTos;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How passthrough rewrites an upstream's {@code tools/list} answer for a caller the tool ACLs
 * restrict (bob, a developer, in Kong's how-to file): only the hidden tools go, in a JSON body, in
 * an SSE stream (event ids, event names, retry and comment lines, other events and their order
 * kept, the answer split across reads) and inside a batch; empty arrays stay {@code []}, empty
 * objects {@code {}}, unknown fields and number forms as they were. The upstream is a scripted
 * local server, so each answer's exact bytes are known.
 */
@Timeout(60)
class PassthroughToolListRewriteIT {

    /** Kong's marketplace tools with fields a re-encoding could damage, in compact canonical form. */
    static final String LIST_USERS = "{\"name\":\"list_users\",\"inputSchema\":{\"type\":\"object\",\"properties\":{}}}";
    static final String GET_USER = "{\"name\":\"get_user\",\"title\":\"Gët üser ✓\",\"description\":\"line\\nbreak \\\"quoted\\\"\","
            + "\"inputSchema\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\",\"enum\":[]}},\"required\":[]},"
            + "\"annotations\":{},\"_meta\":{\"x-vendor\":[[],{},null,true,1.50,1E+2,12345678901234567890123]}}";
    static final String LIST_ORDERS = "{\"name\":\"list_orders\",\"inputSchema\":{\"type\":\"object\"},\"outputSchema\":{}}";
    static final String SEARCH_ORDERS = "{\"name\":\"search_orders\",\"inputSchema\":{\"type\":\"object\"}}";
    static final String UNLISTED = "{\"name\":\"export_everything\",\"inputSchema\":{\"type\":\"object\"}}";

    static RestUpstream upstream;
    static TestGateway gateway;
    static McpHttp bob;
    static volatile Consumer<HttpServerRequest> answer;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream().on("POST /mcp", r -> answer.accept(r)).on("GET /mcp", r -> answer.accept(r));
        gateway = TestGateway.start(KongHowTos.passthroughAcls(upstream.url() + "/mcp") + """
                routes:
                  - name: unauthenticated
                    service: mcp-acl-service
                    paths: [/unauthenticated]
                    plugins:
                      - name: ai-mcp-proxy
                        config:
                          mode: passthrough-listener
                          default_acl: [{scope: tools, deny: [suspended]}]
                  - name: unknown-tool
                    service: mcp-acl-service
                    paths: [/unknown]
                    plugins:
                      - name: key-auth
                        config: {key_names: [apikey]}
                      - name: ai-mcp-proxy
                        config:
                          mode: passthrough-listener
                          acl_denial: unknown_tool
                          include_consumer_groups: true
                          default_acl: [{scope: tools, allow: [developer, admin]}]
                          tools:
                            - {name: list_users, description: List users, acl: {allow: [admin], deny: [developer]}}
                """);
        bob = new McpHttp(gateway.proxy("/mcp"), KongHowTos.apiKey("bob"));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @BeforeEach
    void forget() {
        upstream.clear();
    }

    @Test
    void aJsonAnswerLosesExactlyTheHiddenToolsAndNotOneOtherByte() {
        answer = json(list("1", LIST_USERS, GET_USER, LIST_ORDERS, SEARCH_ORDERS, UNLISTED));

        McpHttp.Response listed = bob.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");

        assertThat(listed.status()).isEqualTo(200);
        // bob is a developer: list_users and search_orders deny him; the unlisted tool falls under
        // the default ACL, which allows developers
        assertThat(listed.body()).isEqualTo(list("1", GET_USER, LIST_ORDERS, UNLISTED));
        assertThat(listed.header("content-type")).isEqualTo("application/json");
    }

    @Test
    void aPrettyPrintedAnswerKeepsItsMeaningAndItsEmptyArraysAndObjects() throws IOException {
        String pretty = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(
                Json.parse(list("\"page-1\"", LIST_USERS, GET_USER).getBytes(StandardCharsets.UTF_8)));
        answer = json(pretty);

        McpHttp.Response listed = bob.post("{\"jsonrpc\":\"2.0\",\"id\":\"page-1\",\"method\":\"tools/list\"}");

        assertThat(Json.parse(listed.body().getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(Json.parse(list("\"page-1\"", GET_USER).getBytes(StandardCharsets.UTF_8)));
        assertThat(listed.body()).contains("\"enum\":[]", "\"required\":[]", "\"annotations\":{}", "[[],{},null,true,1.50,1E+2,1234");
    }

    @Test
    void anSseAnswerKeepsItsEventIdsOtherEventsAndLinesWhileTheToolsListEventIsFiltered() {
        String progress = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":1,\"progress\":0.5}}";
        String later = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"level\":\"info\",\"data\":[]}}";
        String listed = list("2", LIST_USERS, GET_USER, SEARCH_ORDERS);
        int cut = listed.indexOf("\"result\"");
        String stream = ": a comment\n\n"
                + "id: ev-1\r\nevent: message\r\ndata: " + progress + "\r\n\r\n"
                // the answer spread over two data lines (joined by a line break: still JSON), cut into pieces below
                + "id: ev-2\nretry: 1500\nevent: message\ndata: " + listed.substring(0, cut) + "\ndata: " + listed.substring(cut)
                + "\n\n"
                + "id: ev-3\ndata: " + later + "\n\n";
        answer = sse(stream, 7);

        McpHttp.Response response = bob.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("content-type")).startsWith("text/event-stream");
        assertThat(response.body()).isEqualTo(": a comment\n\n"
                + "id: ev-1\r\nevent: message\r\ndata: " + progress + "\r\n\r\n"
                + "id: ev-2\nretry: 1500\nevent: message\ndata: " + list("2", GET_USER) + "\n\n"
                + "id: ev-3\ndata: " + later + "\n\n");
    }

    @Test
    void inABatchOnlyTheAnswerToToolsListIsFilteredAndTheOthersPassUnchanged() {
        String pong = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}";
        // a tool result that happens to have a "tools" field: not a listing, not filtered
        String called = "{\"jsonrpc\":\"2.0\",\"id\":\"c\",\"result\":{\"content\":[],\"structuredContent\":{},"
                + "\"tools\":[" + LIST_USERS + "]}}";
        answer = json("[" + pong + "," + list("2", LIST_USERS, GET_USER) + "," + called + "]");

        McpHttp.Response response = bob.post("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":\"c\",\"method\":\"tools/call\",\"params\":{\"name\":\"get_user\",\"arguments\":{}}}]");

        assertThat(response.body()).isEqualTo("[" + pong + "," + list("2", GET_USER) + "," + called + "]");
    }

    @Test
    void aDeniedCallInABatchRefusesTheWholeBatchBeforeAnythingIsForwarded() throws InterruptedException {
        answer = json("[]");

        McpHttp.Response response = bob.post("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"list_users\"}}]");

        assertThat(response.status()).as(response.toString()).isEqualTo(403);
        assertThat(response.json().path("id").asInt()).isEqualTo(2);
        assertThat(upstream.quiet(Duration.ofMillis(300))).isTrue();
    }

    @Test
    void aCallAnsweredAsAnUnknownToolInABatchGetsABatchBackAndNothingIsForwarded() throws InterruptedException {
        // acl_denial: unknown_tool answers a denial as a JSON-RPC error with HTTP 200: to a batch, a batch
        answer = json("[]");
        McpHttp bobElsewhere = new McpHttp(gateway.proxy("/unknown"), KongHowTos.apiKey("bob"));

        McpHttp.Response response = bobElsewhere.post("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"list_users\"}}]");

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JsonNode answers = response.json();
        assertThat(answers.isArray()).as(response.toString()).isTrue();
        assertThat(answers).hasSize(2);
        assertThat(answers.get(0).path("id").asInt()).isEqualTo(1);
        assertThat(answers.get(0).path("error").path("message").asText())
                .isEqualTo("Not forwarded: a call in the same batch names an unknown tool; send this request again");
        assertThat(answers.get(1).path("id").asInt()).isEqualTo(2);
        assertThat(answers.get(1).path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(answers.get(1).path("error").path("message").asText()).isEqualTo("Unknown tool: list_users");
        assertThat(upstream.quiet(Duration.ofMillis(300))).isTrue();
    }

    @Test
    void aBodyTheGatewayCannotReadIsRefusedInsteadOfForwardedUnchecked() throws InterruptedException {
        answer = json("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[]}}");
        // NaN is not JSON, yet lenient parsers (Python's json module, for one) read it: forwarded, the
        // call of a tool the ACLs deny bob would run unchecked
        String lenient = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"list_users\","
                + "\"arguments\":{\"limit\":NaN}}}";

        McpHttp.Response response = bob.post(lenient);

        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.json().path("error").path("code").asInt()).isEqualTo(-32700);
        assertThat(upstream.quiet(Duration.ofMillis(300))).as("the upstream received the body").isTrue();

        answer = json(list("3", GET_USER));
        assertThat(bob.post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}").body()).isEqualTo(list("3", GET_USER));
    }

    @Test
    void aDenyOnlyAclWithNobodyIdentifiedRefusesEveryCallerInsteadOfLettingEveryoneIn() throws InterruptedException {
        answer = json(list("1", GET_USER));
        McpHttp anyone = new McpHttp(gateway.proxy("/unauthenticated"));

        McpHttp.Response call = anyone.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"get_user\",\"arguments\":{}}}");
        McpHttp.Response initialize = anyone.post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\","
                + "\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"x\",\"version\":\"1\"}}}");

        assertThat(call.status()).as(call.toString()).isEqualTo(403);
        assertThat(initialize.status()).as(initialize.toString()).isEqualTo(403);
        assertThat(upstream.quiet(Duration.ofMillis(200))).isTrue();
    }

    @Test
    void aListAnswerCutBeforeAnyOfItReachedTheCallerIsA502AndLeavesNoRequestWaiting() {
        await().atMost(Duration.ofSeconds(5)).until(() -> gateway.gateway().waitingRequests() == 0);
        answer = r -> {
            r.response().setChunked(true).putHeader("content-type", "application/json")
                    .write(list("9", LIST_USERS, GET_USER).substring(0, 40));
            r.connection().close();
        };

        McpHttp.Response cut = bob.post("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/list\"}");

        assertThat(cut.status()).as(cut.toString()).isEqualTo(502);
        assertThat(gateway.gateway().waitingRequests()).isZero();
    }

    @Test
    void aToolsListAnswerReplayedOnAGetStreamIsFilteredToo() {
        // a resumed stream (Last-Event-ID) may carry an answer to a request of another exchange
        answer = sse("id: 9\ndata: " + list("41", LIST_USERS, GET_USER) + "\n\n", 64);

        McpHttp.Response stream = bob.send("GET", null, java.util.Map.of("accept", "text/event-stream",
                "last-event-id", "8"));

        assertThat(stream.body()).isEqualTo("id: 9\ndata: " + list("41", GET_USER) + "\n\n");
    }

    @Test
    void aRequestOrNotificationLargerThanWhatTheFilterHoldsIsRelayedWholeAndTheListAfterItStillFiltered() {
        // 9 MiB, past the 8 MiB an answer to filter may take: an image for sampling, a large progress message
        String image = "A".repeat(9 * 1024 * 1024);
        String sampling = "{\"method\":\"sampling/createMessage\",\"params\":{\"messages\":[{\"role\":\"user\","
                + "\"content\":{\"type\":\"image\",\"mimeType\":\"image/png\",\"data\":\"" + image + "\"}}],"
                + "\"maxTokens\":10},\"jsonrpc\":\"2.0\",\"id\":0}";
        answer = sse("id: 1\ndata: " + sampling + "\n\nid: 2\ndata: " + list("41", LIST_USERS, GET_USER) + "\n\n", 256 * 1024);

        McpHttp.Response stream = bob.send("GET", null, java.util.Map.of("accept", "text/event-stream"));

        assertThat(stream.body()).as("the stream is not cut").hasSize(("id: 1\ndata: " + sampling + "\n\nid: 2\ndata: "
                + list("41", GET_USER) + "\n\n").length());
        assertThat(stream.body()).isEqualTo("id: 1\ndata: " + sampling + "\n\nid: 2\ndata: " + list("41", GET_USER) + "\n\n");

        String progress = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":1,"
                + "\"progress\":1,\"message\":\"" + image + "\"}}";
        answer = sse("data: " + progress + "\r\n\r\ndata: " + list("3", LIST_USERS, GET_USER) + "\r\n\r\n", 256 * 1024);

        McpHttp.Response listed = bob.post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}");

        // (a filtered event's lines end in line feeds)
        String expected = "data: " + progress + "\r\n\r\ndata: " + list("3", GET_USER) + "\n\n";
        assertThat(listed.body()).as("the stream is not cut").hasSize(expected.length());
        assertThat(listed.body()).isEqualTo(expected);
    }

    @Test
    void aListAnswerTheStreamEndsBeforeItsBlankLineIsDroppedAsSseClientsDropItNeverRelayedUnfiltered() {
        // WHATWG's SSE parsing discards an event the stream ends in; a lenient client would read it
        String progress = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":1,\"progress\":1}}";
        for (String unterminated : List.of("", "\n", "\r\n", "\r")) {
            answer = sse("data: " + progress + "\n\nid: 7\ndata: " + list("4", LIST_USERS, GET_USER) + unterminated, 64);

            McpHttp.Response listed = bob.post("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\"}");
            McpHttp.Response stream = bob.send("GET", null, java.util.Map.of("accept", "text/event-stream"));

            assertThat(listed.body()).as("ended by %s", unterminated.replace("\r", "CR").replace("\n", "LF"))
                    .isEqualTo("data: " + progress + "\n\n");
            assertThat(stream.body()).as("GET stream ended by %s", unterminated.replace("\r", "CR").replace("\n", "LF"))
                    .isEqualTo("data: " + progress + "\n\n");
        }

        // a blank line of two CRs, the stream's last byte a CR: the event is whole, and filtered
        answer = sse("data: " + list("5", LIST_USERS, GET_USER) + "\r\r", 64);
        McpHttp.Response listed = bob.post("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\"}");
        assertThat(listed.body()).isEqualTo("data: " + list("5", GET_USER) + "\n\n");
    }

    @Test
    void aListAnswerTooLargeToFilterReachesTheCallerAsAJsonRpcErrorForItsIdAndTheGatewayGoesOn() {
        // 9 MiB, past the 8 MiB an answer to filter may take
        String huge = "{\"name\":\"get_user\",\"description\":\"" + "d".repeat(9 * 1024 * 1024) + "\",\"inputSchema\":{}}";
        String later = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"level\":\"info\",\"data\":[]}}";
        answer = sse("id: e1\ndata: " + list("6", LIST_USERS, huge) + "\n\nid: e2\ndata: " + later + "\n\n", 256 * 1024);

        McpHttp.Response streamed = bob.post("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/list\"}");

        String refusal = "Bad Gateway: service 'mcp-acl-service' is unavailable: an answer larger than 8388608 bytes, "
                + "too large to filter for the caller's tool ACLs";
        assertThat(streamed.status()).isEqualTo(200);
        assertThat(streamed.body()).doesNotContain("list_users")
                .isEqualTo("id: e1\ndata: {\"jsonrpc\":\"2.0\",\"id\":6,\"error\":{\"code\":-32603,\"message\":\"" + refusal
                        + "\"}}\n\nid: e2\ndata: " + later + "\n\n");

        answer = json(list("7", LIST_USERS, huge));
        McpHttp.Response whole = bob.post("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\"}");
        assertThat(whole.status()).as(whole.toString()).isEqualTo(502);
        assertThat(whole.json().path("error").path("code").asInt()).isEqualTo(-32603);
        assertThat(whole.json().path("error").path("message").asText()).isEqualTo(refusal);

        answer = json(list("8", LIST_USERS, GET_USER));
        assertThat(bob.post("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/list\"}").body()).isEqualTo(list("8", GET_USER));
    }

    @Test
    void aStreamWhoseOversizedLastEventEndsWithItsFinalCrIsCutAtOnceNotLeftHanging() {
        // a batch (no id to answer) past 8 MiB whose blank line, a lone CR, is only known at the stream's end
        String huge = "{\"name\":\"get_user\",\"description\":\"" + "d".repeat(9 * 1024 * 1024) + "\",\"inputSchema\":{}}";
        answer = sse("data: [" + list("9", LIST_USERS, huge) + "]\r\r", 256 * 1024);

        String[] body = new String[1];
        Throwable cut = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(15), () ->
                org.assertj.core.api.Assertions.catchThrowable(() ->
                        body[0] = bob.post("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/list\"}").body()));

        assertThat(cut == null ? body[0] : "").as("the hidden tool reached the caller").doesNotContain("list_users");
        answer = json(list("10", LIST_USERS, GET_USER));
        assertThat(bob.post("{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"tools/list\"}").body())
                .isEqualTo(list("10", GET_USER));
    }

    @Test
    void aListAnswerWhoseMethodKeyComesFirstNeverReachesTheCallerUnfiltered() {
        // past the 64 KiB after which an event that shows a method first is relayed as it comes
        String pad = "p".repeat(200 * 1024);
        String mixed = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"data\":\"" + pad + "\"},"
                + "\"id\":5,\"result\":{\"tools\":[" + LIST_USERS + "," + GET_USER + "]}}";
        answer = sse("data: " + mixed + "\n\n", 16 * 1024);

        McpHttp.Response[] listed = new McpHttp.Response[1];
        Throwable cut = org.assertj.core.api.Assertions.catchThrowable(() ->
                listed[0] = bob.post("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\"}"));

        assertThat(cut == null ? listed[0].body() : "").as("the hidden tool reached the caller").doesNotContain("list_users");
        answer = json(list("6", LIST_USERS, GET_USER));
        assertThat(bob.post("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/list\"}").body()).isEqualTo(list("6", GET_USER));
    }

    @Test
    void aGetWhoseBodyHoldsADeniedCallIsRefusedInsteadOfForwardedUnchecked() throws InterruptedException {
        answer = sse(": the server's stream\n\n", 64);
        // a GET opens the server's stream and carries no message, yet nothing stops a client sending a body
        // with it, nor a server that reads bodies whatever the method from running the call in it
        String denied = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"list_users\","
                + "\"arguments\":{}}}";

        McpHttp.Response response = bob.send("GET", denied, java.util.Map.of("accept", "text/event-stream",
                "content-type", "application/json"));

        assertThat(response.status()).as(response.toString()).isEqualTo(403);
        assertThat(response.json().path("id").asInt()).isEqualTo(1);
        assertThat(upstream.quiet(Duration.ofMillis(300))).as("the upstream received the call").isTrue();

        McpHttp.Response stream = bob.send("GET", null, java.util.Map.of("accept", "text/event-stream"));
        assertThat(stream.status()).as("a GET without a body opens the stream as before: " + stream).isEqualTo(200);
    }

    @Test
    void anAnswerWhoseIdChangedTypeIsStillFiltered() {
        answer = json(list("\"5\"", LIST_USERS, GET_USER));

        McpHttp.Response listed = bob.post("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\"}");

        assertThat(listed.body()).isEqualTo(list("\"5\"", GET_USER));
    }

    @Test
    void aListAnsweredUnderAnIdNoRequestCarriedIsFilteredNotRelayedWhole() {
        // what a JavaScript server does with an id it rounds: it answers another id than the one sent (here
        // before an error that does answer the request, so no request is left waiting)
        String pong = "{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"result\":{}}";
        String failed = "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32603,\"message\":\"late\"}}";
        answer = sse("data: " + pong + "\n\ndata: " + list("8", LIST_USERS, GET_USER) + "\n\ndata: " + failed + "\n\n", 64);

        McpHttp.Response batch = bob.post("[{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"method\":\"ping\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}]");

        assertThat(batch.body()).isEqualTo("data: " + pong + "\n\ndata: " + list("8", GET_USER) + "\n\ndata: " + failed + "\n\n");

        answer = json("[" + list("9", LIST_USERS, GET_USER) + "," + failed.replace("\"id\":1", "\"id\":7") + "]");
        McpHttp.Response listed = bob.post("[{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\"}]");
        assertThat(listed.body()).startsWith("[" + list("9", GET_USER) + ",");
    }

    @Test
    void anEncodedAnswerThatCannotBeFilteredIsNotRelayed() {
        answer = r -> {
            java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
            try (var gzip = new java.util.zip.GZIPOutputStream(zipped)) {
                gzip.write(list("6", LIST_USERS, GET_USER).getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            r.response().putHeader("content-type", "application/json").putHeader("content-encoding", "gzip")
                    .end(io.vertx.core.buffer.Buffer.buffer(zipped.toByteArray()));
        };

        assertThat(org.assertj.core.api.Assertions.catchThrowable(() ->
                bob.post("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/list\"}")))
                .as("the connection is cut rather than the unfiltered list relayed").isNotNull();
        answer = json(list("7", GET_USER));
        assertThat(bob.post("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\"}").status()).isEqualTo(200);
    }

    @Test
    void contentAfterTheMessageAndACallWithoutAToolNameAreRefusedNotForwarded() throws InterruptedException {
        answer = json("{}");

        McpHttp.Response trailing = bob.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"list_users\"}}");
        McpHttp.Response nameless = bob.post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\","
                + "\"params\":{\"name\":[\"list_users\"]}}");

        assertThat(trailing.status()).as(trailing.toString()).isEqualTo(400);
        assertThat(nameless.json().path("error").path("code").asInt()).as(nameless.toString()).isEqualTo(-32602);
        assertThat(upstream.quiet(Duration.ofMillis(300))).isTrue();
    }

    /** A tools/list result with these tools and fields a re-encoding could damage around them. */
    static String list(String id, String... tools) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"tools\":[" + String.join(",", List.of(tools))
                + "],\"_meta\":{},\"x-unknown\":[]}}";
    }

    static Consumer<HttpServerRequest> json(String body) {
        return r -> r.response().putHeader("content-type", "application/json").end(body);
    }

    /** The stream in pieces of {@code size} bytes, a few milliseconds apart, so events arrive cut. */
    static Consumer<HttpServerRequest> sse(String stream, int size) {
        return r -> {
            HttpServerResponse response = r.response().setChunked(true).putHeader("content-type", "text/event-stream");
            Vertx vertx = io.vertx.core.Vertx.currentContext().owner();
            byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
            writeFrom(vertx, response, bytes, 0, size);
        };
    }

    private static void writeFrom(Vertx vertx, HttpServerResponse response, byte[] bytes, int from, int size) {
        if (from >= bytes.length) {
            response.end();
            return;
        }
        int to = Math.min(bytes.length, from + size);
        response.write(io.vertx.core.buffer.Buffer.buffer(java.util.Arrays.copyOfRange(bytes, from, to)));
        vertx.setTimer(2, t -> writeFrom(vertx, response, bytes, to, size));
    }
}
