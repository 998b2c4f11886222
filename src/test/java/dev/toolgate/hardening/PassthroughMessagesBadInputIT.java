package dev.toolgate.hardening;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RawConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Client messages a passthrough route must not forward as they are: a message whose objects repeat a
 * key (the server's parser may keep another copy than the one the tool ACL decided on) and a batch of
 * more messages than a conversion endpoint takes. Each is refused before anything reaches the server,
 * and the next request is served.
 */
@Timeout(60)
class PassthroughMessagesBadInputIT {

    static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";

    static BadInputGateway fixture;

    @BeforeAll
    static void start() {
        fixture = new BadInputGateway();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    static String call(String params) {
        return "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":" + params + "}";
    }

    RawConnection.Response post(String path, String body) {
        return post(path, body.getBytes(StandardCharsets.UTF_8));
    }

    RawConnection.Response post(String path, byte[] bytes) {
        return RawConnection.exchange(fixture.port(), "POST", path, List.of("Host: 127.0.0.1",
                "Content-Type: application/json", "Accept: " + McpHttp.ACCEPT_BOTH, "MCP-Protocol-Version: 2025-03-26",
                "Content-Length: " + bytes.length), bytes);
    }

    static JsonNode error(RawConnection.Response response) throws IOException {
        return Json.parse(response.body()).path("error");
    }

    @Test
    void theToolAclRefusesDropTablesAndForwardsAnyOtherCall() {
        int forwarded = fixture.upstream.count("POST /guarded");

        RawConnection.Response denied = post("/guarded", call("{\"name\":\"drop_tables\"}"));
        RawConnection.Response allowed = post("/guarded", call("{\"name\":\"get_item\"}"));

        assertThat(denied.status()).as(denied.toString()).isEqualTo(403);
        assertThat(allowed.status()).as(allowed.toString()).isEqualTo(200);
        assertThat(fixture.upstream.count("POST /guarded")).isEqualTo(forwarded + 1);
    }

    @Test
    void aCallThatNamesADeniedToolAndThenAnAllowedOneIsAParseErrorAndNeverReachesTheServer() throws IOException {
        int forwarded = fixture.upstream.count("POST /guarded");

        // read last-wins this is get_item, which the ACL allows; a first-wins server would run drop_tables
        RawConnection.Response refused = post("/guarded", call("{\"name\":\"drop_tables\",\"name\":\"get_item\"}"));

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(error(refused).path("code").asInt()).isEqualTo(-32700);
        assertThat(error(refused).path("message").asText()).isEqualTo("Parse error: duplicate key \"name\" in the message");
        assertThat(fixture.upstream.count("POST /guarded")).as("forwarded").isEqualTo(forwarded);
        fixture.assertServes();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\",\"method\":\"tools/call\",\"params\":{\"name\":\"drop_tables\"}}",
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"drop_tables\"},\"params\":{\"name\":\"get_item\"}}",
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"get_item\",\"arguments\":{\"id\":\"a\",\"id\":\"b\"}}}",
            "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},{\"jsonrpc\":\"2.0\",\"id\":2,\"id\":3,\"method\":\"ping\"}]"})
    void aMessageThatRepeatsAKeyAnywhereIsAParseErrorAndNeverReachesTheServer(String body) throws IOException {
        int forwarded = fixture.upstream.count("POST /guarded");

        RawConnection.Response refused = post("/guarded", body);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(error(refused).path("code").asInt()).isEqualTo(-32700);
        assertThat(error(refused).path("message").asText()).startsWith("Parse error: duplicate key \"");
        assertThat(fixture.upstream.count("POST /guarded")).as("forwarded").isEqualTo(forwarded);
    }

    @Test
    void aRepeatedKeyOfTenThousandCharactersIsNamedByItsFirst64() throws IOException {
        String key = "k".repeat(10_000);

        RawConnection.Response refused = post("/guarded", call("{\"name\":\"get_item\",\"arguments\":{\"" + key
                + "\":1,\"" + key + "\":2}}"));

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(error(refused).path("message").asText())
                .isEqualTo("Parse error: duplicate key \"" + "k".repeat(64) + "\"... in the message");
    }

    /**
     * Two {@code Content-Encoding} lines are one list (RFC 9110 §5.3): {@code identity} then {@code gzip} is
     * a gzip body. Read by its first line only, the body was taken as it stands, unread by the batch bound,
     * and forwarded compressed with both lines, for the server to inflate into 101 calls.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/pt", "/guarded"})
    void aGzipBodyBehindAnIdentityContentEncodingLineIsNotForwardedUnread(String path) throws IOException {
        int forwarded = fixture.upstream.count("POST " + path);
        java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(zipped)) {
            gzip.write(("[" + String.join(",", Collections.nCopies(101, PING)) + "]").getBytes(StandardCharsets.UTF_8));
        }
        byte[] body = zipped.toByteArray();

        RawConnection.Response refused = RawConnection.exchange(fixture.port(), "POST", path, List.of("Host: 127.0.0.1",
                "Content-Type: application/json", "Accept: " + McpHttp.ACCEPT_BOTH, "MCP-Protocol-Version: 2025-03-26",
                "Content-Encoding: identity", "Content-Encoding: gzip", "Content-Length: " + body.length), body);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(415);
        assertThat(error(refused).path("message").asText()).contains("identity, gzip");
        assertThat(fixture.upstream.count("POST " + path)).as("forwarded").isEqualTo(forwarded);
        fixture.assertServes();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/pt", "/guarded"})
    void aBatchOf101MessagesIsRefusedAsOnAConversionEndpointAndNeverReachesTheServer(String path) throws IOException {
        int forwarded = fixture.upstream.count("POST " + path);

        RawConnection.Response refused = post(path, "[" + String.join(",", Collections.nCopies(101, PING)) + "]");

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(error(refused).path("code").asInt()).isEqualTo(-32600);
        assertThat(error(refused).path("message").asText())
                .isEqualTo("Invalid Request: a batch of 101 messages; send at most 100 in one batch");
        assertThat(fixture.upstream.count("POST " + path)).as("forwarded").isEqualTo(forwarded);
        fixture.assertServes();
    }

    static String batch(int messages, String element) {
        return "[" + String.join(",", Collections.nCopies(messages, element)) + "]";
    }

    static byte[] withByteOrderMark(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        byte[] marked = new byte[bytes.length + 3];
        marked[0] = (byte) 0xEF;
        marked[1] = (byte) 0xBB;
        marked[2] = (byte) 0xBF;
        System.arraycopy(bytes, 0, marked, 3, bytes.length);
        return marked;
    }

    /** Bodies a lenient server reads as a batch of 101 (Python's json, fetch's json(), a UTF-16 reader). */
    static Stream<Arguments> batchesOf101InOtherShapes() {
        String nan = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"x\":NaN}}";
        return Stream.of(
                Arguments.of("after a byte-order mark", withByteOrderMark(batch(101, PING))),
                Arguments.of("in UTF-16BE", batch(101, PING).getBytes(StandardCharsets.UTF_16BE)),
                Arguments.of("in UTF-32LE", batch(101, PING).getBytes(Charset.forName("UTF-32LE"))),
                Arguments.of("with NaN in its first message",
                        ("[" + nan + "," + String.join(",", Collections.nCopies(100, PING)) + "]")
                                .getBytes(StandardCharsets.UTF_8)),
                Arguments.of("with comments and a trailing comma",
                        batch(101, PING + " /* a comment */").replaceFirst("]$", ",]").getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("batchesOf101InOtherShapes")
    void aBatchOf101MessagesIsRefusedInAnyShapeALenientServerReads(String shape, byte[] body) throws IOException {
        int forwarded = fixture.upstream.count("POST /pt");

        RawConnection.Response refused = post("/pt", body);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(error(refused).path("code").asInt()).isEqualTo(-32600);
        assertThat(fixture.upstream.count("POST /pt")).as("forwarded").isEqualTo(forwarded);
        fixture.assertServes();
    }

    @ParameterizedTest
    @ValueSource(strings = {",}", ",{\"jsonrpc\":", ""})
    void aBatchThatCannotBeReadToItsEndIsNotForwarded(String tail) throws IOException {
        int forwarded = fixture.upstream.count("POST /pt");

        // counted up to the error, a broken tail could hide any number of messages from a lenient server
        RawConnection.Response refused = post("/pt", "[" + PING + "," + PING + tail);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(error(refused).path("code").asInt()).isEqualTo(-32700);
        assertThat(error(refused).path("message").asText()).contains("a batch that cannot be read to its end");
        assertThat(fixture.upstream.count("POST /pt")).as("forwarded").isEqualTo(forwarded);
        fixture.assertServes();
    }

    @Test
    void aRouteWhosePoliciesReadMessagesRefusesOneThatIsNotUtf8AsAConversionEndpointDoes() throws IOException {
        int forwarded = fixture.upstream.count("POST /guarded");

        RawConnection.Response refused = post("/guarded",
                call("{\"name\":\"drop_tables\",\"arguments\":{}}").getBytes(StandardCharsets.UTF_16BE));

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(error(refused).path("code").asInt()).isEqualTo(-32700);
        assertThat(error(refused).path("message").asText()).contains("not UTF-8");
        assertThat(fixture.upstream.count("POST /guarded")).as("forwarded").isEqualTo(forwarded);
        fixture.assertServes();
    }

    @Test
    void aBodyThatIsNotJsonAtAllIsNoBatchAndAnUnreadRouteForwardsIt() {
        int forwarded = fixture.upstream.count("POST /pt");

        RawConnection.Response answered = post("/pt", "hello, server");

        assertThat(fixture.upstream.count("POST /pt")).as(answered.toString()).isEqualTo(forwarded + 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/pt", "/guarded"})
    void aBatchOf100MessagesIsForwarded(String path) {
        int forwarded = fixture.upstream.count("POST " + path);

        RawConnection.Response answered = post(path, "[" + String.join(",", Collections.nCopies(100, PING)) + "]");

        assertThat(answered.status()).as(answered.toString()).isEqualTo(200);
        assertThat(fixture.upstream.count("POST " + path)).isEqualTo(forwarded + 1);
    }
}
