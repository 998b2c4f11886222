package dev.toolgate.mode.passthrough;

import dev.toolgate.mcp.McpEnvelope;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ToolListRewriteTest {

    private static final int LIMIT = 8 * 1024 * 1024;

    /** A stream whose tools/list answer (id 1) is one large event, between a notification and a later message. */
    private static String stream(String lineEnd) {
        StringBuilder tools = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            tools.append(i == 0 ? "" : ",").append("{\"name\":\"tool").append(i)
                    .append("\",\"inputSchema\":{\"type\":\"object\"},\"description\":\"").append("d".repeat(100)).append("\"}");
        }
        return String.join(lineEnd, ": hello", "data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\"}", "",
                "id: 4", "event: message", "data: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[" + tools + "]}}", "",
                "data: {\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}", "", "");
    }

    private static String relayed(byte[] bytes, Random cuts) throws IOException {
        byte[] request = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}".getBytes(StandardCharsets.UTF_8);
        ListAnswers answers = ListAnswers.of(McpEnvelope.readAll(request, 0, request.length));
        BodyRewrite rewrite = ToolListRewrite.sse(answers, name -> name.endsWith("7"), LIMIT, "svc");
        Buffer out = Buffer.buffer();
        for (int at = 0; at < bytes.length; ) {
            int size = cuts == null ? bytes.length : 1 + cuts.nextInt(16_384);
            out.appendBuffer(rewrite.feed(Buffer.buffer(Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + size)))));
            at += size;
        }
        Buffer rest = rewrite.end();
        return (rest == null ? out : out.appendBuffer(rest)).toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "line ends: {0}")
    @ValueSource(strings = {"\n", "\r\n", "\r"})
    void aLargeAnswerCutIntoManyChunksComesOutFilteredAsWhenItCameWhole(String lineEnd) throws IOException {
        byte[] bytes = stream(lineEnd).getBytes(StandardCharsets.UTF_8);
        String whole = relayed(bytes, null);
        assertThat(whole).contains("\"tool7\"", "\"tool1997\"", "id: 4", "\"id\":2").doesNotContain("\"tool8\"");

        Random cuts = new Random(7);
        for (int round = 0; round < 20; round++) {
            assertThat(relayed(bytes, cuts)).as("round %d", round).isEqualTo(whole);
        }
    }

    @org.junit.jupiter.api.Test
    void aRequestLargerThanTheBoundPassesByteForByteHoweverCutAndAnAnswerThatLargeBecomesAnErrorForItsId() throws IOException {
        String big = "x".repeat(LIMIT + 64 * 1024);
        String request = "id: 5\r\ndata: {\"method\":\"sampling/createMessage\",\"params\":{\"m\":\"" + big
                + "\"},\"jsonrpc\":\"2.0\",\"id\":0}\r\n\r\n";
        byte[] bytes = (request + stream("\n")).getBytes(StandardCharsets.UTF_8);
        String whole = relayed(bytes, null);
        assertThat(whole).startsWith(request).contains("\"tool7\"").doesNotContain("\"tool8\"");
        assertThat(relayed(bytes, new Random(3))).isEqualTo(whole);

        // the id after the result: read as the event passes, never held
        byte[] answer = ("id: ev-9\r\ndata: {\"result\":{\"tools\":[{\"name\":\"" + big + "\"}]},\r\ndata: \"jsonrpc\":\"2.0\","
                + "\"id\":1}\r\n\r\ndata: {\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}\n\n").getBytes(StandardCharsets.UTF_8);
        assertThat(relayed(answer, new Random(3))).isEqualTo("id: ev-9\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32603,"
                + "\"message\":\"Bad Gateway: service 'svc' is unavailable: an answer larger than " + LIMIT + " bytes, too large "
                + "to filter for the caller's tool ACLs\"}}\n\n" + "data: {\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}\n\n");

        // a batch names no one id: the exchange is cut, as ever
        byte[] batch = ("data: [{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[{\"name\":\"" + big + "\"}]}}]\n\n")
                .getBytes(StandardCharsets.UTF_8);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> relayed(batch, new Random(3)))
                .isInstanceOf(ToolListRewrite.Unfilterable.class);
    }

    @org.junit.jupiter.api.Test
    void anAnswerWhoseMethodComesBeforeItsResultIsCutBeforeAnyOfItsToolsGoOutHoweverItIsCut() throws IOException {
        // past the 64 KiB after which an event that shows a method is relayed as it comes
        String pad = "p".repeat(200 * 1024);
        byte[] mixed = ("data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"data\":\"" + pad
                + "\"},\"id\":1,\"result\":{\"tools\":[{\"name\":\"tool8\"},{\"name\":\"tool7\"}]}}\n\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] request = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}".getBytes(StandardCharsets.UTF_8);
        Random cuts = new Random(11);
        for (int round = 0; round < 20; round++) {
            BodyRewrite rewrite = ToolListRewrite.sse(ListAnswers.of(McpEnvelope.readAll(request, 0, request.length)),
                    name -> name.endsWith("7"), LIMIT, "svc");
            Buffer out = Buffer.buffer();
            Throwable cut = null;
            for (int at = 0; at < mixed.length && cut == null; ) {
                int size = 1 + cuts.nextInt(round < 10 ? 64 : 70_000);
                try {
                    out.appendBuffer(rewrite.feed(Buffer.buffer(Arrays.copyOfRange(mixed, at, Math.min(mixed.length, at + size)))));
                } catch (ToolListRewrite.Unfilterable e) {
                    cut = e;
                }
                at += size;
            }
            assertThat(cut).as("round %d", round).isInstanceOf(ToolListRewrite.Unfilterable.class);
            assertThat(out.toString(StandardCharsets.UTF_8)).as("round %d", round).doesNotContain("tool8", "\"tools\"");
        }
    }
}
