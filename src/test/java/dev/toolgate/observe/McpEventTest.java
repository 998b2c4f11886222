package dev.toolgate.observe;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class McpEventTest {

    private static final Origin ORIGIN = new Origin(new Origin.RouteFacts("r1", "widgets-mcp", "s1", "widgets",
            "passthrough-listener", true, false, false), null, null, null, "127.0.0.1", "gw:8000", "2025-06-18");

    private static McpEvent event(String session, String id, String tool, String error, String payload) {
        return new McpEvent(ORIGIN, 1_700_000_000_000L, session, id, "tools/call", tool, null, 2_000_000, -1, -1, -1,
                null, null, 80, 120, error == null ? null : -32602, error, false, false, null, null, null, payload, null);
    }

    @Test
    void textsAClientOrUpstreamChoseAreCutSoAQueuedEventStaysSmall() {
        String huge = "x".repeat(1 << 20);
        McpEvent e = event(huge, "\"" + huge + "\"", huge, huge, null);

        assertThat(e.session()).hasSize(McpEvent.MAX_TEXT + 1).endsWith("…");
        assertThat(e.tool()).hasSize(McpEvent.MAX_TEXT + 1);
        assertThat(e.error()).hasSize(McpEvent.MAX_TEXT + 1);
        // a string id stays a quoted string, so that logs show it as one
        assertThat(e.id()).startsWith("\"x").endsWith("…\"").hasSize(McpEvent.MAX_TEXT + 2);
        assertThat(e.weight()).isLessThan(2_000);
    }

    @Test
    void anEventWeighsWhatItKeepsItsPayloadsIncluded() {
        McpEvent plain = event("s-1", "7", "get_widget", null, null);
        McpEvent withPayload = event("s-1", "7", "get_widget", null, "p".repeat(30_000));

        assertThat(plain.id()).isEqualTo("7");
        assertThat(plain.tool()).isEqualTo("get_widget");
        assertThat(withPayload.weight() - plain.weight()).isEqualTo(30_000);
    }

    @Test
    void anIdShowsAsItsPlainValueANumberAsItIsAStringUnquotedAndUnescaped() {
        assertThat(event(null, "7", null, null, null).idValue()).isEqualTo("7");
        assertThat(event(null, "\"abc\"", null, null, null).idValue()).isEqualTo("abc");
        assertThat(event(null, "\"a\\\"b\"", null, null, null).idValue()).isEqualTo("a\"b");
        assertThat(event(null, "\"x\\\\y\"", null, null, null).idValue()).isEqualTo("x\\y");
        assertThat(event(null, "\"\\u00e9t\\u00e9\\n\"", null, null, null).idValue()).isEqualTo("été\n");
        assertThat(event(null, null, null, null, null).idValue()).isNull();
    }

    @Test
    void aLongIdCutInsideAnEscapeShowsAsItIsInsteadOfFailing() {
        // the cut falls between the backslash and the quote it escapes: what is left is not JSON
        String id = "\"" + "x".repeat(McpEvent.MAX_TEXT - 2) + "\\\"tail\"";
        McpEvent e = event(null, id, null, null, null);

        assertThat(e.id()).endsWith("\\…\"");
        assertThat(e.idValue()).isEqualTo("x".repeat(McpEvent.MAX_TEXT - 2) + "\\…");
    }
}
